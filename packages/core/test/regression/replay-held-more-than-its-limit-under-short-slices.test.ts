import { createPerfkit, type Perfkit } from '@perfkit/core';
import type { StreamingRenderer } from './scrapes';

// A rendering keeps what it handed on (up to REPLAY_BYTES, 4 MiB) for scrapers that join it late. A chunk handed on
// between slices is a view of part of a 64 KiB buffer, and the limit was counted on the views' lengths: the shorter
// the slices (a busy CPU cuts each one after a few rows), the more whole buffers a replay held for its 4 MiB. With
// every slice cut at its first check a replay held 134 buffers (8.4 MiB) rather than 64, the pool grew to match at random, and the CI's Node 26 run saw
// a scrape take new buffers after the pool had been filled (streamed-scrape-garbage-made-gcs-inside-the-scrape).
// The limit now counts the buffers held.

const CHUNK = 64 * 1024;
const REPLAY = 4 * 1024 * 1024;

describe('a replay holds at most its limit in buffers, however short the slices', () => {
  let perf: Perfkit;
  beforeAll(() => {
    perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 100_000 } });
    for (let i = 0; i < 20_000; i++) perf.operation('download', `op-${i}`).record(0.05 + (i % 7) * 0.3);
  });
  afterAll(() => perf.shutdown());

  it('takes at most 4 MiB / 64 KiB + 1 buffers for a scrape whose every slice is cut at its first check', async () => {
    const renderer = (perf as unknown as { exposition: StreamingRenderer & { sliceMs: number } }).exposition;
    renderer.sliceMs = 0; // every check of the clock says the slice is spent: each slice ends in a short chunk
    const taken = jest.spyOn(Buffer, 'allocUnsafeSlow');
    let bytes = 0;
    try {
      await renderer.stream(false, (chunk, done) => {
        bytes += chunk.length;
        done(); // a consumer that lets each chunk go at once: only the replay holds buffers
      });
      const chunkBuffers = taken.mock.calls.filter(([size]) => size === CHUNK).length;
      expect(bytes).toBeGreaterThan(4 * REPLAY); // the scrape went well past the replay limit
      expect(chunkBuffers).toBeLessThanOrEqual(REPLAY / CHUNK + 1);
    } finally {
      taken.mockRestore();
    }
  }, 60_000);
});
