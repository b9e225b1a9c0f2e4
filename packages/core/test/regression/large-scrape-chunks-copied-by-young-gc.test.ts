import { createPerfkit, type Perfkit } from '@perfkit/core';
import { LARGE_KEPT_FROM_HANDLES } from '../../src/export/ExpositionRenderer';
import { CHUNK_BYTES, drainSliced, KEPT_CHUNK_BYTES, SlicedWriter, type SlicedWork } from '../../src/export/SlicedWriter';

// A scrape of 100,000 series held its slices of 4 ms for 10-20 ms (Node 20, main-thread CPU between event-loop
// ticks): the text is kept until the scrape ends (perf.metrics() returns it whole, late scrapers are replayed it), and
// it was handed on as flattened chunks of 64-128 KiB, regular heap objects that every young-generation GC they lived
// through copied (40 scavenges a scrape, 5-20 ms each). Flattened chunks are now over V8's largest regular object
// (128 KiB): large objects, promoted without being copied. A slice no longer hands on a short flattened remainder.
// (The text is now written as bytes; a consumer that keeps it decodes chunks of KEPT_CHUNK_BYTES into such strings.)

/** V8's largest regular heap object on 64-bit builds: a one-byte string longer than this is a large object. */
const LARGEST_REGULAR_OBJECT = 128 * 1024;

function* lines(w: SlicedWriter, count: number): SlicedWork {
  for (let i = 0; i < count; i++) {
    if ((i & 63) === 63 && w.isOverBudget()) yield;
    w.write(`perfkit_operation_duration_seconds_bucket{operation_type="download",operation_name="op-${i}",le="0.5"} ${i}\n`);
  }
}

describe('large scrapes hand on chunks young-generation GC never copies', () => {
  it('kept chunks are over the largest regular object, even when slices end between them', async () => {
    expect(KEPT_CHUNK_BYTES).toBeGreaterThan(LARGEST_REGULAR_OBJECT);
    const chunks: string[] = [];
    const writer = new SlicedWriter((c) => chunks.push(c.toString()), 0, KEPT_CHUNK_BYTES); // a budget of 0: a slice every 64 lines
    await drainSliced(lines(writer, 40_000), writer);
    expect(writer.stats.slices).toBeGreaterThan(100);
    expect(chunks.length).toBeGreaterThan(2);
    // A chunk is handed on when the next write would not fit: full but for less than one line.
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThan(KEPT_CHUNK_BYTES - 1024);
    let expected = '';
    const whole = new SlicedWriter((c) => (expected += c), Infinity);
    for (const step = lines(whole, 40_000); !step.next().done; );
    whole.flush();
    expect(chunks.join('')).toBe(expected);
  });

  it('streamed chunks still hand on what each slice wrote', async () => {
    const chunks: string[] = [];
    const writer = new SlicedWriter((c) => chunks.push(c.toString()), 0, CHUNK_BYTES);
    await drainSliced(lines(writer, 640), writer);
    expect(chunks.length).toBe(writer.stats.slices);
  });

  describe('through perf.metrics()', () => {
    let perf: Perfkit;
    beforeAll(() => {
      perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 100_000 } });
      for (let i = 0; i < LARGE_KEPT_FROM_HANDLES; i++) perf.operation('download', `op-${i}`).record(0.3);
    });
    afterAll(() => perf.shutdown());

    it(`streams a ${LARGE_KEPT_FROM_HANDLES}-series scrape in chunks over the largest regular object`, async () => {
      const renderer = (perf as unknown as { exposition: { streamText(om: boolean, on: (c: string) => void): Promise<void> } }).exposition;
      const chunks: string[] = [];
      await renderer.streamText(false, (c) => chunks.push(c)); // keeps every chunk, as perf.metrics() does
      expect(chunks.length).toBeGreaterThan(2);
      for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThan(LARGEST_REGULAR_OBJECT);
      expect(chunks.join('')).toBe(await perf.metrics());
    });
  });
});
