export { createPerfkit } from './Perfkit';
export type { Perfkit, ExportStatus } from './Perfkit';
export type { PerfkitPlugin, PluginContext } from './plugins';
export type { Operation, OperationContext, OperationTimer, EndOptions, ActiveOperation } from './types';
export { loadConfig, configSchema, bucketsSchema, viewSchema, ENV_OVERRIDES } from './config';
export type { PerfkitConfig, ResolvedConfig, ViewConfig } from './config';
export { resolveConfig } from './validate';
export { nearestKey } from './nearestKey';
export type { EnvOverride } from './validate';
export { PerfkitError, PerfkitConfigError, ERRORS, redactForDisplay, isKeyNamed } from './errors';
export type { PerfkitErrorCode, ConfigProblem, ShownText } from './errors';
export { createDiagLogger, safeExecute } from './diag';
export type { DiagLogger, LogLevel } from './diag';
export {
  ATTR,
  LABEL,
  METRICS,
  OUTCOMES,
  DROP_REASONS,
  BUILTIN_OPERATION_TYPES,
  SCORE_BUCKETS,
  promName,
  promUnitSuffix,
  sanitizePromName,
  sanitizeLabelName,
} from './names';
export type { Outcome, MetricDef, MetricKey, MetricKind, DropReason } from './names';
export { GUARD_ATTR, GUARD_METRICS, GUARD_REJECT_REASONS, GUARD_QUEUE_WAIT_BUCKETS } from './names';
export type { GuardMetricKey, GuardRejectReason } from './names';
export { guardOptionsSchema } from './guards/GuardOptions';
export type { GuardOptions, ResolvedGuardOptions } from './guards/GuardOptions';
export { GuardError, GuardRejectedError, GuardTimeoutError, GuardResourceError, GuardAbortedError, GuardArgumentError, GUARD_ERRORS } from './guards/GuardErrors';
export type { GuardErrorCode, GuardAbortPhase } from './guards/GuardErrors';
export type { Guard, GuardStats, GuardedWork, GuardRunOptions } from './guards/types';
export { DEFAULT_BUCKETS } from './operations/OperationTypes';
export { errorTypeOf, OTHER_ERROR_TYPE } from './operations/errorType';
export { snapshotStore, snapshotStoreSliced, SNAPSHOT_SLICE_MS, histogramQuantile } from './store/snapshot';
export type { StoreSnapshot, SeriesSnapshot, FigureValues } from './store/snapshot';
export { StoreMetricProducer } from './store/StoreMetricProducer';
export { escapeLabelValue, formatValue } from './export/escape';
export { TEXT_CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE } from './export/PrometheusSerializer';
export { redactUrl, redactHeaders, REDACTED } from './redact';
export { negotiateFormat } from './export/negotiate';
export type { ExpositionFormat } from './export/negotiate';
