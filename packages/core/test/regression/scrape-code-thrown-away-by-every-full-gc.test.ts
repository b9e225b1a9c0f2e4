import { existsSync } from 'node:fs';
import path from 'node:path';
import { runWithCore, thrownAwayAfter } from '../guards/coreChild';

// V8 links a class's hidden classes (maps) by weak transitions: once every object of a class is dead, a full GC
// collects their map, and every piece of optimized code that embeds it is thrown away. A scrape made its writer, its
// rendering and their chunks and dropped them when done, so on Node 26 the first full GC after every scrape discarded
// the serializer's optimized code (histogramText, putActiveLine, SlicedWriter.reserve) and the next scrape ran
// unoptimized while TurboFan compiled it again: 10,000 series after a full GC took 25-39 ms of main-thread CPU against
// 9-12 ms without one (a chunk's Held made push, release and the rest go the same way). Node 20's V8 kept that code. The test reads V8's own trace (--trace-deopt) of a child process
// on Node 26 (tools/node26, installed by scripts/test-setup.mjs) that scrapes, forces a full GC, and scrapes again.

const repoRoot = path.resolve(__dirname, '../../../..');
const NODE26 = path.join(repoRoot, 'tools/node26/node_modules/node/bin/node');

const SCRIPT = `
const { createPerfkit } = require(process.env.PERFKIT_CORE_BUNDLE);
(async () => {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 100000 } });
  for (let i = 0; i < 5000; i++) perf.operation('download', 'op-' + i).record(0.05 + (i % 7) * 0.3);
  const scrape = () => perf.exposition.stream(false, (chunk, done) => done());
  for (let i = 0; i < 12; i++) await scrape(); // optimized by now
  console.log('--- scrapes with a full GC before each');
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await scrape();
  }
  await perf.shutdown();
})();
`;

/** Functions of the scrape's serializer and of its rendering whose optimized code must survive a full GC. */
const SERIALIZER = ['histogramText', 'putActiveLine', 'storeText', 'reserve', 'textMode', 'push', 'release', 'reader', 'bytes', 'unkeep'];

describe("a full GC keeps the scrape's optimized code", () => {
  it('marks none of the serializer or its rendering for deoptimization because its embedded objects died (V8 --trace-deopt, Node 26)', () => {
    if (!existsSync(NODE26)) throw new Error(`Node 26 is missing at ${NODE26}: run node scripts/test-setup.mjs`);
    const trace = runWithCore(SCRIPT, {}, 120_000, { path: NODE26, args: ['--expose-gc', '--trace-opt', '--trace-deopt'] });
    // The trace is read at all: the serializer was optimized during the warm-up.
    expect(trace).toMatch(/completed (optimizing|compiling) .*histogramText/);
    expect(thrownAwayAfter(trace, '--- scrapes with a full GC before each', SERIALIZER)).toEqual([]);
  }, 150_000);
});
