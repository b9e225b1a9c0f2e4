import type { Outcome, StoreSnapshot } from '@perfkit/core';

/** One duration series inside a kept snapshot: cumulative per-bucket counts (+Inf last), count and sum. */
export interface KeptSeries {
  readonly type: string;
  readonly name: string;
  readonly outcome: Outcome;
  readonly errorType: string;
  readonly bounds: readonly number[];
  readonly counts: Float64Array;
  readonly count: number;
  readonly sum: number;
}

/** A store snapshot reduced to what windowed figures need. */
export interface KeptSnapshot {
  readonly takenAt: number;
  readonly startedAt: number;
  readonly series: ReadonlyMap<string, KeptSeries>;
  /** Estimated bytes it holds. */
  readonly bytes: number;
}

const SERIES_OVERHEAD_BYTES = 160;

/** The key that identifies a series across snapshots. */
export const seriesKey = (type: string, name: string, outcome: string, errorType: string): string =>
  `${type}\u0000${name}\u0000${outcome}\u0000${errorType}`;

/** Reduces a store snapshot to a {@link KeptSnapshot}; bounds arrays are shared with `previous` when equal. */
export function keepSnapshot(snapshot: StoreSnapshot, previous?: KeptSnapshot): KeptSnapshot {
  const series = new Map<string, KeptSeries>();
  let bytes = 64;
  for (const s of snapshot.series) {
    const errorType = s.errorType ?? '';
    const key = seriesKey(s.type, s.name, s.outcome, errorType);
    const before = previous?.series.get(key);
    const bounds = before && sameBounds(before.bounds, s.bounds) ? before.bounds : s.bounds.slice();
    series.set(key, { type: s.type, name: s.name, outcome: s.outcome, errorType, bounds, counts: Float64Array.from(s.counts), count: s.count, sum: s.sum });
    bytes += SERIES_OVERHEAD_BYTES + key.length * 2 + s.counts.length * 8;
  }
  return { takenAt: snapshot.takenAt, startedAt: snapshot.startedAt, series, bytes };
}

function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Snapshots of the operation store kept at an interval, within a retention time and a byte budget (oldest first
 * out). The difference between two snapshots is exactly what happened between them, so "the last 24 h" is a real
 * delta, not an average since start.
 */
export class SnapshotHistory {
  private readonly kept: KeptSnapshot[] = [];
  private totalBytes = 0;

  constructor(
    private readonly retentionMs: number,
    private readonly budgetBytes: number,
  ) {}

  /** How many snapshots are held. */
  get size(): number {
    return this.kept.length;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Keeps a snapshot, then evicts by retention and budget (always keeping the newest). */
  push(snapshot: StoreSnapshot): KeptSnapshot {
    const kept = keepSnapshot(snapshot, this.kept[this.kept.length - 1]);
    const newest = this.kept[this.kept.length - 1];
    if (newest && kept.takenAt < newest.takenAt) return newest;
    this.kept.push(kept);
    this.totalBytes += kept.bytes;
    const oldestAllowed = kept.takenAt - this.retentionMs;
    while (this.kept.length > 1 && (this.totalBytes > this.budgetBytes || this.kept[0]!.takenAt < oldestAllowed)) {
      this.totalBytes -= this.kept.shift()!.bytes;
    }
    return kept;
  }

  /** Kept snapshots taken at or after `since`, oldest first. */
  since(since: number): KeptSnapshot[] {
    return this.kept.filter((k) => k.takenAt >= since);
  }

  /**
   * The snapshot to subtract for a window starting at `from`: the newest one taken at or before `from`;
   * `undefined` (count from zero) when the store started inside the window; else the oldest kept (history is
   * shorter than the window, and the caller reports the shorter coverage).
   */
  baselineFor(from: number, storeStartedAt: number): KeptSnapshot | undefined {
    let best: KeptSnapshot | undefined;
    for (const k of this.kept) if (k.takenAt <= from) best = k;
    if (best) return best;
    if (storeStartedAt >= from) return undefined;
    return this.kept[0];
  }
}
