import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ensureBuilt, REPO_ROOT } from '../../../../test/helpers/build';
import { promtoolCheckMetrics } from '../../../../test/helpers/promtool';

// perf.metricProducer() and perf.metricReader() with the app on OpenTelemetry SDK 3.1 (tools/node26) on Node 26, run
// as a child process: this build of @perfkit/core, every @opentelemetry/* module from tools/node26 (hooks in
// node26-sdk3-hooks.mjs). The app imports the SDK as ES module, perfkit requires it: two copies of each class, as in
// a real app. test/packaging runs the same app against an npm install from the tarballs.

const NODE26 = path.join(REPO_ROOT, 'tools', 'node26', 'node_modules', 'node', 'bin', 'node');
const CONSUMERS = path.join(REPO_ROOT, 'test', 'packaging', 'consumers');

interface AppRun {
  node: string;
  sdkVersion: string;
  perfkitSdk: string;
  exportedNames: string[];
  durationCount: number;
  scrape: string;
}

function setup(): AppRun {
  ensureBuilt('packages/core', 'index.js');
  const out = execFileSync(NODE26, ['--import', './node26-sdk3-hooks.mjs', 'sdk3-app.mjs'], { cwd: CONSUMERS, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out) as AppRun;
}

describe('the app pipeline with OpenTelemetry SDK 3 on Node 26', () => {
  const run = setup();

  it('runs on Node 26 with SDK 3.1, which perfkit loads too', () => {
    expect(run.node.split('.')[0]).toBe('26');
    expect(run.sdkVersion).toBe('3.1.1');
    expect(run.perfkitSdk).toBe(path.join(REPO_ROOT, 'tools', 'node26', 'node_modules', '@opentelemetry', 'sdk-metrics'));
  });

  it("delivers perfkit's operations to the app's exporter through metricProducer(), each metric once", () => {
    expect(run.durationCount).toBe(2); // two tracked operations
    for (const name of ['app.requests', 'perfkit.operation.duration', 'perfkit.plugin.level']) {
      expect([name, run.exportedNames.filter((n) => n === name).length]).toEqual([name, 1]);
    }
  });

  it("serves the app's counter on perfkit's /metrics through metricReader(), promtool clean", () => {
    expect(run.scrape).toContain('app_requests_total{route="/x"} 5\n');
    expect(promtoolCheckMetrics(run.scrape)).toEqual({ status: 0, report: '' });
  });
});
