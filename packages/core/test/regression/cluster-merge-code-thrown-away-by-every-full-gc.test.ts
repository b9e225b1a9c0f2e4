import { runWithCore, thrownAwayAfter } from '../guards/coreChild';

// A cluster primary merges the workers' reports, objects JSON.parse made from the IPC channel. Their hidden classes
// (maps) lived only as long as the reports, and V8 links maps by weak transitions: at every full GC after a merge they
// were collected, and with them the optimized code of checkTable, StoreMerger.steps and applyTable, which embedded
// them (V8's trace: "reason: weak objects" on Node 20, "embedded weak objects cleared" on Node 26). The next reports
// were checked and merged unoptimized while TurboFan compiled the code again. The merger now keeps the latest report.
// The test runs a real node:cluster primary (2 workers) under --trace-deopt and reads V8's trace.

const SCRIPT = `
const cluster = require('node:cluster');
const { createPerfkit } = require(process.env.PERFKIT_CORE_BUNDLE);
const config = { prometheus: { port: 0, host: '127.0.0.1', serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 100000 } };
if (cluster.isPrimary) {
  cluster.setupPrimary({ execArgv: [] }); // only the primary traces
  const perf = createPerfkit(config);
  let ready = 0;
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  for (let i = 0; i < 2; i++) cluster.fork().on('message', async (m) => {
    if (!m || !m.ready || ++ready !== 2) return;
    for (let k = 0; k < 12; k++) { await perf.metrics(); await pause(60); } // merged and optimized by now
    console.log('--- merges with a full GC before each');
    for (let k = 0; k < 4; k++) { globalThis.gc(); await pause(20); await perf.metrics(); await pause(60); }
    console.log('--- done');
    for (const w of Object.values(cluster.workers)) w.kill();
    await perf.shutdown();
    process.exit(0);
  });
} else {
  const perf = createPerfkit(config);
  const ops = [];
  for (let i = 0; i < 2000; i++) ops.push(perf.operation('download', 'op-' + i));
  setInterval(() => { for (const op of ops) op.record(Math.random()); }, 50); // every report changes every series
  perf.ready().then(() => process.send({ ready: true }));
}
`;

/** The primary's functions that check and merge a report. */
const MERGE = ['checkReport', 'checkTable', 'steps', 'applyTable', 'applyFigures'];

describe("a full GC keeps a cluster primary's merge code", () => {
  it("marks none of the report check and merge for deoptimization because the reports' objects died (V8 --trace-deopt)", () => {
    const trace = runWithCore(SCRIPT, {}, 120_000, { args: ['--expose-gc', '--trace-opt', '--trace-deopt'] });
    const [before = '', after = ''] = trace.split('--- merges with a full GC before each');
    expect(after).toContain('--- done');
    // The trace is read at all: the check was optimized while the workers reported.
    expect(before).toMatch(/completed (optimizing|compiling) .*checkTable/);
    expect(thrownAwayAfter(trace, '--- merges with a full GC before each', MERGE)).toEqual([]);
  }, 150_000);
});
