import type { StoreSnapshot } from '@perfkit/core';
import { keepSnapshot, type KeptSnapshot, type SnapshotLayout } from './KeptSnapshot';

/**
 * Snapshots of the operation store kept at an interval, within a retention time and a byte budget. The difference
 * between two snapshots is exactly what happened between them, so "the last 24 h" is a real delta, not an average
 * since start. When the budget is full, history is thinned rather than cut: the snapshot whose removal leaves the
 * smallest gap relative to its age goes, so recent history stays dense, older history gets sparser, and the oldest
 * snapshot (the baseline of the longest window) stays.
 */
export class SnapshotHistory {
  private readonly kept: KeptSnapshot[] = [];
  private readonly layouts = new Map<SnapshotLayout, number>();
  private totalBytes = 0;

  constructor(
    private readonly retentionMs: number,
    private readonly budgetBytes: number,
  ) {}

  /** How many snapshots are held. */
  get size(): number {
    return this.kept.length;
  }

  /** Estimated bytes held (data plus each distinct layout once). */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Keeps a snapshot, then evicts by retention and thins by budget (always keeping the newest). */
  push(snapshot: StoreSnapshot): KeptSnapshot {
    const newest = this.kept[this.kept.length - 1];
    if (!Number.isFinite(snapshot.takenAt)) return newest ?? keepSnapshot({ ...snapshot, takenAt: 0 });
    if (newest && snapshot.takenAt <= newest.takenAt) return newest;
    const kept = keepSnapshot(snapshot, newest);
    this.kept.push(kept);
    this.account(kept, +1);
    const oldestAllowed = kept.takenAt - this.retentionMs;
    while (this.kept.length > 1 && this.kept[0]!.takenAt < oldestAllowed) this.account(this.kept.shift()!, -1);
    while (this.kept.length > 2 && this.totalBytes > this.budgetBytes) this.account(this.kept.splice(this.thinningVictim(kept.takenAt), 1)[0]!, -1);
    while (this.kept.length > 1 && this.totalBytes > this.budgetBytes) this.account(this.kept.shift()!, -1);
    return kept;
  }

  /** The newest kept snapshot. */
  latest(): KeptSnapshot | undefined {
    return this.kept[this.kept.length - 1];
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
    for (const k of this.kept) {
      if (k.takenAt > from) break;
      best = k;
    }
    if (best) return best;
    if (storeStartedAt >= from) return undefined;
    return this.kept[0];
  }

  /** Index (never the first or last) whose removal leaves the smallest gap for its age. */
  private thinningVictim(now: number): number {
    let best = 1;
    let bestScore = Infinity;
    for (let i = 1; i < this.kept.length - 1; i++) {
      const gap = this.kept[i + 1]!.takenAt - this.kept[i - 1]!.takenAt;
      const score = gap / Math.max(1, now - this.kept[i]!.takenAt);
      if (score < bestScore) (bestScore = score), (best = i);
    }
    return best;
  }

  private account(k: KeptSnapshot, sign: 1 | -1): void {
    this.totalBytes += sign * k.data.byteLength;
    const refs = (this.layouts.get(k.layout) ?? 0) + sign;
    if (sign > 0 && refs === 1) this.totalBytes += k.layout.bytes;
    if (refs <= 0) {
      this.layouts.delete(k.layout);
      this.totalBytes -= k.layout.bytes;
    } else this.layouts.set(k.layout, refs);
  }
}
