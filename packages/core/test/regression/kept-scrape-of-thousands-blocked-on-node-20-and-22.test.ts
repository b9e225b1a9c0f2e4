import { LARGE_KEPT_FROM_HANDLES, largeKeptFromHandlesFor } from '../../src/export/ExpositionRenderer';
import { keptChunks, LARGEST_REGULAR_OBJECT } from './scrapes';

// Kept text was flattened from 25,000 operation handles on every Node.js. On Node 20 a scrape of 5,000 series over
// HTTP held the event loop 23 ms (median of 8 rounds, wall minus run delay) and 10,000 via perf.metrics() 25 ms; on
// Node 22, 10,000 via perf.metrics() 16.5 ms: young-generation GC copying the kept cons-string trees. Flattened,
// 2.6-4.7 ms. Kept text is now decoded from bytes into large flat chunks from LARGE_KEPT_FROM_HANDLES and
// concatenated below it. (The text of a scrape is its chunks joined: only their shape changes.) The readings of 1.5-1.9
// ms for Node 24 and 26 that kept their threshold at 25,000 were taken right after a forced GC; with the application's
// garbage in the young generation they blocked too: see kept-scrape-trees-blocked-once-the-young-generation-held-garbage.

const major = Number(process.versions.node.split('.')[0]);

describe('kept scrapes of thousands of series on Node 20 and 22 are flattened (they blocked 16-25 ms)', () => {
  it('flattens from the sizes measured to block, per Node.js major version', () => {
    // From the measurements above, not from the code: Node 20 blocked from 5,000 series, Node 22 at 10,000.
    for (const [nodeMajor, blocked] of [[20, 5_000], [22, 10_000], [23, 10_000]] as const) {
      expect([nodeMajor, largeKeptFromHandlesFor(nodeMajor) <= blocked]).toEqual([nodeMajor, true]);
    }
    expect(LARGE_KEPT_FROM_HANDLES).toBe(largeKeptFromHandlesFor(major));
  });

  it(`a kept 5,000-series scrape on this Node.js (${major}) is handed on as large flat chunks`, async () => {
    const { chunks, whole } = await keptChunks(5_000);
    expect(chunks.length).toBeGreaterThan(2);
    const large = chunks.slice(0, -1).filter((c) => c.length > LARGEST_REGULAR_OBJECT).length;
    expect(large).toBe(chunks.length - 1);
    expect(chunks.join('')).toBe(whole);
  }, 60_000);
});
