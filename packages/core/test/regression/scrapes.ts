import { createPerfkit, type Perfkit } from '@perfkit/core';

/** V8's largest regular heap object on 64-bit builds: a one-byte string longer than this is a large object. */
export const LARGEST_REGULAR_OBJECT = 128 * 1024;

/** The chunks a kept scrape of `series` operation series hands on (as perf.metrics() keeps them), and perf.metrics()'s text. */
export async function keptChunks(series: number): Promise<{ chunks: string[]; whole: string }> {
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

/** Perfkit's renderer as the /metrics handler reaches it (a TypeScript-private field). */
export interface StreamingRenderer {
  stream(openMetrics: boolean, onChunk: (chunk: Buffer, done: () => void) => void): Promise<void>;
}

/**
 * A perfkit holding `series` operation series (one observation each) made before the tests of a `describe` and shut
 * down after them, and `drop()`: one scrape streamed to a consumer that lets each chunk go, as a response does.
 */
export function streamedScrapes(series: number): { drop: () => Promise<void> } {
  let perf: Perfkit;
  let renderer: StreamingRenderer;
  beforeAll(() => {
    perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 100_000 } });
    for (let i = 0; i < series; i++) perf.operation('download', `op-${i}`).record(0.05 + (i % 7) * 0.3);
    renderer = (perf as unknown as { exposition: StreamingRenderer }).exposition;
  });
  afterAll(() => perf.shutdown());
  return { drop: () => renderer.stream(false, (_chunk, done) => done()) };
}
