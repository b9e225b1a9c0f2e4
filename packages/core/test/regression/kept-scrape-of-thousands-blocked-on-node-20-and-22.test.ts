import { createPerfkit, type Perfkit } from '@perfkit/core';

// Kept text was flattened from 25,000 operation handles on every Node.js. On Node 20 a scrape of 5,000 series over
// HTTP held the event loop 23 ms (median of 8 rounds, wall minus run delay) and 10,000 via perf.metrics() 25 ms; on
// Node 22, 10,000 via perf.metrics() 16.5 ms: young-generation GC copying the kept cons-string trees. The text is now
// written as bytes and a kept scrape gets it as chunks decoded into flat strings over the largest regular object, at
// every size and on every Node.js: nothing of it is a tree of small strings. (The text of a scrape is its chunks
// joined: only their shape changes.)

/** V8's largest regular heap object on 64-bit builds: a one-byte string longer than this is a large object. */
const LARGEST_REGULAR_OBJECT = 128 * 1024;

/** The chunks a kept scrape of `series` operation series hands on. */
async function keptChunks(series: number): Promise<{ chunks: string[]; whole: string }> {
  const perf: Perfkit = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 100_000 } });
  try {
    for (let i = 0; i < series; i++) perf.operation('download', `op-${i}`).record(0.3);
    const renderer = (perf as unknown as { exposition: { streamText(om: boolean, on: (c: string) => void): Promise<void> } }).exposition;
    const chunks: string[] = [];
    await renderer.streamText(false, (c) => chunks.push(c)); // keeps every chunk, as perf.metrics() does
    return { chunks, whole: await perf.metrics() };
  } finally {
    await perf.shutdown();
  }
}

describe('kept scrapes of thousands of series are handed on as large flat chunks (they blocked 16-25 ms on Node 20 and 22)', () => {
  for (const series of [5_000, 10_000]) {
    it(`a kept ${series}-series scrape on this Node.js (${process.versions.node}) is handed on as large flat chunks`, async () => {
      const { chunks, whole } = await keptChunks(series);
      // About 2 KB of text a series: 10 MB, 20 MB.
      expect(chunks.length).toBeGreaterThan(2);
      for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThan(LARGEST_REGULAR_OBJECT);
      expect(chunks.join('')).toBe(whole);
    }, 60_000);
  }
});
