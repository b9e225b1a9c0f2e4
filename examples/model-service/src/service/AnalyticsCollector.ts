import type { Operation, Perfkit } from '@perfkit/core';
import { jitter, sleep } from '../util/sleep';

/** One usage record buffered until the next collection. */
export interface UsageRecord {
  readonly model: string;
  readonly tokens: number;
  readonly isFallback: boolean;
  readonly at: number;
}

/** What one collection processed. */
export interface AnalyticsSummary {
  readonly records: number;
  readonly tokens: number;
  readonly fallbacks: number;
  readonly byModel: Record<string, number>;
}

/** Largest buffer kept between collections; older records are discarded first. */
const MAX_BUFFER = 50_000;

/** Buffers usage records and aggregates them periodically as one `analytics_collection` operation. */
export class AnalyticsCollector {
  private readonly op: Operation;
  private buffer: UsageRecord[] = [];
  private last: AnalyticsSummary = { records: 0, tokens: 0, fallbacks: 0, byModel: {} };

  constructor(perf: Perfkit, private readonly random: () => number = Math.random) {
    this.op = perf.operation('analytics_collection', 'aggregate-usage');
  }

  /** Buffers one record. */
  record(record: UsageRecord): void {
    if (this.buffer.length >= MAX_BUFFER) this.buffer.shift();
    this.buffer.push(record);
  }

  /** The summary of the last collection. */
  lastSummary(): AnalyticsSummary {
    return this.last;
  }

  /** Aggregates and clears the buffer. */
  collect(): Promise<AnalyticsSummary> {
    return this.op.track(async (op) => {
      const batch = this.buffer;
      this.buffer = [];
      await sleep(jitter(3 + batch.length * 0.02, 0.3, this.random));
      const byModel: Record<string, number> = {};
      let tokens = 0;
      let fallbacks = 0;
      for (const r of batch) {
        byModel[r.model] = (byModel[r.model] ?? 0) + 1;
        tokens += r.tokens;
        if (r.isFallback) fallbacks++;
      }
      op.addRecords(batch.length);
      this.last = { records: batch.length, tokens, fallbacks, byModel };
      return this.last;
    });
  }
}
