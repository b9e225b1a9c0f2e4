/** Test helpers shared by the end-to-end tests: the example service and real Prometheus/Alertmanager on free ports. */
export { startExample, parseReadyLine } from './example';
export type { StartExampleOptions, StartedExample, ExampleReady } from './example';
export { startPrometheus, prometheusConfig } from './prometheus';
export type { StartPrometheusOptions, StartedPrometheus, PromSample, ScrapeTarget } from './prometheus';
export { startAlertmanager } from './alertmanager';
export type { StartAlertmanagerOptions, StartedAlertmanager } from './alertmanager';
export { startProcess } from './ChildProcess';
export type { ManagedProcess } from './ChildProcess';
export { waitFor } from './waitFor';
export { freePort } from './ports';
export { ensureBuilt, REPO_ROOT } from './build';
export { promtoolCheckMetrics } from './promtool';
export type { PromtoolReport } from './promtool';
