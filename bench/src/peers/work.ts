import { DEFAULT_BUCKETS } from '@perfkit/core';

/** The operation every peer times: as small as possible, so the figures show the instrumentation's cost. */
export const syncWork = (): number => 1;
/** The async operation every peer times: one resolved promise. */
export const asyncWork = async (): Promise<number> => 1;

/** Operation type of every case. */
export const TYPE = 'download';
/** Operation name of the bound-handle cases. */
export const NAME = 'fetch-weights';
/** Bucket boundaries (seconds) every peer uses, so the histograms are the same size. */
export const BUCKETS: readonly number[] = DEFAULT_BUCKETS[TYPE]!;

/** `count` distinct operation names: `op-0`, `op-1`, ... */
export function operationNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `op-${i}`);
}

/** What each peer offers the record-path suite: batches of `n` operations, each in its own loop. */
export interface RecordSubject {
  syncTrack(n: number): number;
  asyncTrack(n: number): Promise<number>;
  startEnd(n: number): number;
  /** Unbound calls cycling through `names`; undefined when the peer has no such API (it is left out). */
  unbound?(names: readonly string[]): (n: number) => number;
  shutdown(): Promise<void>;
}

/** What each peer offers the scrape and memory suites: `count` operation series and their exposition text. */
export interface ScrapeSubject {
  /** Creates one operation series per name (a duration histogram and an active gauge each). */
  populate(names: readonly string[]): void;
  scrape(): Promise<string>;
  shutdown(): Promise<void>;
}

/** Counts histogram series (`_count` samples of operation names) in exposition text, to prove equal work. */
export function countOperationSeries(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.includes('_count{') && line.includes('"op-')) n++;
  return n;
}
