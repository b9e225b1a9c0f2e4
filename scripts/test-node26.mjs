#!/usr/bin/env node
// The Node 26 slice of `npm test`: the same jest, run by Node 26 (the active LTS line, from the npm package in
// tools/node26, installed by scripts/test-setup.mjs), over
//   - packages/core/test: every unit test of the floor everything stands on (record path, store, exposition,
//     OTLP, guards, cluster and worker-thread aggregation, the app pipeline), where V8 and libuv changes show first;
//   - packages/host/test/instruments and packages/host/test/collectors/ProcessCollector.test.ts: the runtime
//     figures (event loop, GC, process memory) whose sources are Node APIs;
//   - test/example/prometheus-scrape.test.ts: the example service (core, host, sla, dashboard together) on
//     Node 26, scraped by a real Prometheus: the end-to-end path users run.
// OpenTelemetry SDK 3 on Node 26 is covered by test/packaging (an app installs it next to perfkit). The other
// suites (sla rules, dashboards, the page, the stack) run the same JavaScript through promtool, Prometheus and
// Chromium and add minutes, not coverage of what differs between Node lines. Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const node26 = fileURLToPath(new URL('../tools/node26/node_modules/node/bin/node', import.meta.url));
if (!existsSync(node26)) {
  console.error('test-node26: Node 26 is missing; run node scripts/test-setup.mjs (npm ci --prefix tools/node26)');
  process.exit(1);
}
const SLICE = [
  'packages/core/test/',
  'packages/host/test/instruments/',
  'packages/host/test/collectors/ProcessCollector.test.ts',
  'test/example/prometheus-scrape.test.ts',
];
// Left out of the slice: option validation run through fast-check properties (pure JavaScript, the costliest file
// of the slice: over a minute on a busy 2-core machine), which no Node line changes.
const SKIP = ['packages/core/test/guards/GuardOptions.test.ts'];
const version = spawnSync(node26, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(`test-node26: jest on Node ${version}: ${SLICE.join(' ')}`);
const jest = ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', ...process.argv.slice(2), '--testPathIgnorePatterns', ...SKIP, '--testPathPatterns', ...SLICE];
const run = spawnSync(node26, jest, { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
