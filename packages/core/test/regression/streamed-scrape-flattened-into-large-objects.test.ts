import { createPerfkit, type Perfkit } from '@perfkit/core';
import { LARGE_KEPT_FROM_HANDLES } from '../../src/export/ExpositionRenderer';
import { CHUNK_BYTES } from '../../src/export/SlicedWriter';

// A large scrape served over HTTP flattened every chunk of its text into a large object (>= 256 KiB), as if the text
// were kept to the end like perf.metrics() keeps it. A response lets each chunk go once written, so the copy bought
// nothing: at 100,000 series it was 800 large objects mapped and unmapped one by one, 3-4x the scrape's CPU time
// (1.2-1.6 s against 0.4-0.6 s without, Node 20, load 12-16) and turns of 10-50 ms in which the main thread waited on
// the kernel's mmap lock. Now a consumer that lets chunks go gets them as bytes of at most CHUNK_BYTES, in buffers
// used again once it is done with them; only a consumer that keeps the text gets it decoded, in large flat strings.

/** V8's largest regular heap object on 64-bit builds: a one-byte string longer than this is a large object. */
const LARGEST_REGULAR_OBJECT = 128 * 1024;
const SERIES = LARGE_KEPT_FROM_HANDLES; // kept text is decoded into large strings from here (3,000 on Node 20, 1,000 on 22+)

interface Renderer {
  replayBytes: number;
  stream(openMetrics: boolean, onChunk: (chunk: Buffer, done: () => void) => void): Promise<void>;
  streamText(openMetrics: boolean, onText: (chunk: string) => void): Promise<void>;
}

describe('a streamed large scrape is handed on as bytes; only what is kept is decoded into large strings', () => {
  let perf: Perfkit;
  let renderer: Renderer;
  beforeAll(() => {
    perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 100_000 } });
    for (let i = 0; i < SERIES; i++) perf.operation('download', `op-${i}`).record(0.3);
    renderer = (perf as unknown as { exposition: Renderer }).exposition;
  });
  afterAll(() => perf.shutdown());

  it('hands a consumer that lets chunks go byte chunks of at most CHUNK_BYTES, replayed or not', async () => {
    for (const replay of [0, 16 * 1024 * 1024]) {
      renderer.replayBytes = replay;
      const copies: Buffer[] = [];
      await renderer.stream(false, (c, done) => {
        copies.push(Buffer.from(c)); // copied: the buffer is used again once done
        done();
      });
      expect(copies.length).toBeGreaterThan(SERIES / 40); // about 2 KB a series: 32 series fill a chunk
      for (const c of copies) expect(c.length).toBeLessThanOrEqual(CHUNK_BYTES);
      expect(Math.max(...copies.map((c) => c.length))).toBeGreaterThan(CHUNK_BYTES / 2);
      expect(Buffer.concat(copies).toString('utf8')).toBe(await perf.metrics());
    }
  });

  it('hands a consumer that keeps the text large flat strings, with or without replay', async () => {
    for (const replay of [0, 16 * 1024 * 1024]) {
      renderer.replayBytes = replay;
      const chunks: string[] = [];
      await renderer.streamText(false, (c) => void chunks.push(c));
      expect(chunks.length).toBeGreaterThan(2);
      for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThan(LARGEST_REGULAR_OBJECT);
    }
  });
});
