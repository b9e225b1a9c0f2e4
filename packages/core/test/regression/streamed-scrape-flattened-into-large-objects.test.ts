import { createPerfkit, type Perfkit } from '@perfkit/core';
import { FLATTEN_FROM_HANDLES } from '../../src/export/ExpositionRenderer';
import { CHUNK_CHARS } from '../../src/export/SlicedWriter';

// A large scrape served over HTTP flattened every chunk of its text into a large object (>= 256 KiB), as if the text
// were kept to the end like perf.metrics() keeps it. A response lets each chunk go once written, so the copy bought
// nothing: at 100,000 series it was 800 large objects mapped and unmapped one by one, 3-4x the scrape's CPU time
// (1.2-1.6 s against 0.4-0.6 s without, Node 20, load 12-16) and turns of 10-50 ms in which the main thread waited on
// the kernel's mmap lock. Now only chunks something keeps (replayed to late joiners, or perf.metrics()) are flattened.

/** V8's largest regular heap object on 64-bit builds: a one-byte string longer than this is a large object. */
const LARGEST_REGULAR_OBJECT = 128 * 1024;

interface Renderer {
  replayChars: number;
  stream(openMetrics: boolean, onChunk: (chunk: string) => void, keepsText?: boolean): Promise<void>;
}

describe('a streamed large scrape flattens only what is kept', () => {
  let perf: Perfkit;
  let renderer: Renderer;
  beforeAll(() => {
    perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 100_000 } });
    for (let i = 0; i < FLATTEN_FROM_HANDLES; i++) perf.operation('download', `op-${i}`).record(0.3);
    renderer = (perf as unknown as { exposition: Renderer }).exposition;
  });
  afterAll(() => perf.shutdown());

  it('hands a consumer that lets chunks go regular-sized chunks once nothing is replayed', async () => {
    renderer.replayChars = 0; // the first chunk goes over the replay limit: no late joiner, nothing kept
    const chunks: string[] = [];
    await renderer.stream(false, (c) => void chunks.push(c));
    const later = chunks.slice(1);
    expect(later.length).toBeGreaterThan(50); // FLATTEN_FROM_HANDLES series: 4,000 on Node 20 (about 8 MB), 25,000 on 24+
    // A chunk is handed on at CHUNK_CHARS, plus at most the 16 rows written after the last check.
    for (const c of later) expect(c.length).toBeLessThan(LARGEST_REGULAR_OBJECT);
    expect(Math.max(...later.map((c) => c.length))).toBeGreaterThanOrEqual(CHUNK_CHARS);
    expect(chunks.join('')).toBe(await perf.metrics());
  });

  it('still flattens for a consumer that keeps the text, with or without replay', async () => {
    for (const replay of [0, 16 * 1024 * 1024]) {
      renderer.replayChars = replay;
      const chunks: string[] = [];
      await renderer.stream(false, (c) => void chunks.push(c), true);
      for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThan(LARGEST_REGULAR_OBJECT);
    }
  });
});
