import { LARGE_KEPT_FROM_HANDLES, largeKeptFromHandlesFor } from '../../src/export/ExpositionRenderer';
import { keptChunks, LARGEST_REGULAR_OBJECT } from './scrapes';

// perf.metrics() kept its text as trees of small strings up to 4,000 operation handles on Node 20, 8,000 on Node 22
// and 25,000 on Node 24 and later, from readings taken right after a forced GC. A service's young generation is
// rarely empty: after 20,000 short-lived objects of the application's, a young-generation GC fell inside the scrape
// and copied the tree made so far, and that pause was the longest turn (2026-12-02, 2-vCPU VM, idle; longest gap
// between event-loop turns over 12 scrapes): Node 26 blocked 18-26 ms at 10,000 series and up to 13.9 at 3,000; Node
// 24 up to 15.2 at 3,000 and 8.9 at 2,000; Node 22 up to 14.8 at 4,000 and 9.7 at 2,000; Node 20 9.4-12 ms at 3,900.
// The same scrapes as large flat chunks (bytes decoded in 960 KiB pieces): at most 1.1-5.2 ms.

const major = Number(process.versions.node.split('.')[0]);
/** Per Node.js major version, a kept scrape measured to block over 5 ms as a tree (series). */
const BLOCKED: ReadonlyArray<readonly [number, number]> = [
  [20, 3_900],
  [22, 2_000],
  [24, 1_500],
  [26, 3_000],
];

describe('kept scrapes blocked as trees once the young generation held garbage (Node 20: 3,900 series; Node 22-26: 1,500-3,000)', () => {
  it('decodes large chunks from at most the sizes measured to block, per Node.js major version', () => {
    for (const [nodeMajor, blocked] of BLOCKED) expect([nodeMajor, largeKeptFromHandlesFor(nodeMajor) <= blocked]).toEqual([nodeMajor, true]);
    expect([25, largeKeptFromHandlesFor(25) <= 1_500]).toEqual([25, true]);
    expect([27, largeKeptFromHandlesFor(27) <= 3_000]).toEqual([27, true]);
    expect(LARGE_KEPT_FROM_HANDLES).toBe(largeKeptFromHandlesFor(major));
  });

  const series = major < 22 ? 3_900 : 1_500;
  it(`hands a kept ${series}-series scrape on this Node.js (${major}) on as large flat chunks, and the text is the whole scrape`, async () => {
    const { chunks, whole } = await keptChunks(series);
    // About 2 KB a series: several 960 KiB chunks, every one but the last a large object.
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.slice(0, -1).filter((c) => c.length <= LARGEST_REGULAR_OBJECT)).toEqual([]);
    expect(chunks.join('')).toBe(whole);
    expect(whole.match(/^perfkit_operation_duration_seconds_count\{/gm)).toHaveLength(series);
  }, 60_000);
});
