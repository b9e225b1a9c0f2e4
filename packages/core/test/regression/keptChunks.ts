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
