import { runWithCore } from '../guards/coreChild';

// The latest scrape writer is kept so that V8 keeps the serializer's optimized code across full GCs (keepShape, see
// scrape-code-thrown-away-by-every-full-gc). The writer held its perfkit's chunk pool, and with it the free buffers
// of the last scrape: a perfkit shut down and dropped after a 20,000-series scrape left 4 MiB of buffers alive. The
// writer now lets go of the pool when its scrape is done. Read as Node reads it: process.memoryUsage().arrayBuffers
// after full GCs, against the same reading before the perfkit was made.

const SCRIPT = `
const { createPerfkit } = require(process.env.PERFKIT_CORE_BUNDLE);
(async () => {
  const settle = async () => { await new Promise((resolve) => setTimeout(resolve, 50)); for (let i = 0; i < 4; i++) globalThis.gc(); };
  await settle();
  const before = process.memoryUsage().arrayBuffers;
  let perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 100000 } });
  for (let i = 0; i < 20000; i++) perf.operation('download', 'op-' + i).record(0.3);
  await perf.exposition.stream(false, (chunk, done) => done()); // about 40 MB of text through 64 KiB buffers
  await settle();
  const during = process.memoryUsage().arrayBuffers;
  await perf.shutdown();
  perf = undefined;
  await settle();
  const after = process.memoryUsage().arrayBuffers;
  console.log(JSON.stringify({ duringMiB: (during - before) / 2 ** 20, afterMiB: (after - before) / 2 ** 20 }));
})();
`;

describe('a perfkit shut down and dropped leaves no chunk buffers behind', () => {
  it('frees the pool of its last scrape (arrayBuffers back to where they were)', () => {
    const { duringMiB, afterMiB } = JSON.parse(runWithCore(SCRIPT, {}, 60_000, { args: ['--expose-gc'] })) as { duringMiB: number; afterMiB: number };
    expect(duringMiB).toBeGreaterThan(4); // the pool held the replay's buffers while the perfkit lived
    expect(afterMiB).toBeLessThan(0.5);
  }, 90_000);
});
