#!/usr/bin/env node
// A Node line's slice of `npm test`: the same jest, run by Node 22, 24 or 26 from the npm package in tools/node<line>
// (installed by scripts/test-setup.mjs), over the tests whose code paths differ between Node lines. Usage:
//   node scripts/test-node-line.mjs <26|24|22>... [jest arguments]
//
// Every line (Node 26, active LTS; 24 and 22, the LTS lines users still run; the machine's own Node is 20) runs one
// slice:
//   - packages/core/test: every unit test of the floor everything stands on (record path, store, exposition,
//     OTLP, guards, cluster and worker-thread aggregation, the app pipeline), where V8 and libuv changes show first;
//   - packages/host/test/instruments and packages/host/test/collectors/ProcessCollector.test.ts: the runtime
//     figures (event loop, GC, process memory) whose sources are Node APIs;
//   - test/example/prometheus-scrape.test.ts: the example service (core, host, sla, dashboard together) on
//     that Node, scraped by a real Prometheus: the end-to-end path users run.
// OpenTelemetry SDK 3 on Node 26 is covered by test/packaging (an app installs it next to perfkit). The other
// suites (sla rules, dashboards, the page, the stack) run the same JavaScript through promtool, Prometheus and
// Chromium and add minutes, not coverage of what differs between Node lines.
// Until 2026-12-03 Node 24 and 22 ran only the parts of the slice that lean on Node's APIs (about 200 tests), to keep
// npm test under 15 minutes; with two jest workers (jest.config.js) the whole slice takes about 35 s a line.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SLICE = [
  'packages/core/test/',
  'packages/host/test/instruments/',
  'packages/host/test/collectors/ProcessCollector.test.ts',
  'test/example/prometheus-scrape.test.ts',
];
const SLICES = { 26: SLICE, 24: SLICE, 22: SLICE };
// Left out: option validation run through fast-check properties (pure JavaScript, the costliest file of the Node 26
// slice: over a minute on a busy 2-core machine), which no Node line changes.
const SKIP = ['packages/core/test/guards/GuardOptions.test.ts'];

// Leading arguments that name lines (26 24 22) run in that order, stopping at the first that fails; the rest go to jest.
const args = process.argv.slice(2);
const lines = [];
while (args.length && /^\d+$/.test(args[0])) lines.push(args.shift());
const unknown = lines.length === 0 ? '(none)' : lines.find((line) => !SLICES[line]);
if (unknown) {
  console.error(`test-node-line: which Node line? ${JSON.stringify(unknown)} is not one of ${Object.keys(SLICES).join(', ')}`);
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
for (const line of lines) {
  const node = fileURLToPath(new URL(`../tools/node${line}/node_modules/node/bin/node`, import.meta.url));
  if (!existsSync(node)) {
    console.error(`test-node-line: Node ${line} is missing; run node scripts/test-setup.mjs (npm ci --prefix tools/node${line})`);
    process.exit(1);
  }
  const slice = SLICES[line];
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`test-node-line: jest on Node ${version}: ${slice.join(' ')}`);
  const jest = ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', ...args, '--testPathIgnorePatterns', ...SKIP, '--testPathPatterns', ...slice];
  const run = spawnSync(node, jest, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
