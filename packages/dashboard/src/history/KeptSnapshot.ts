import type { Outcome, StoreSnapshot } from '@perfkit/core';
import { sameBounds } from './histograms';

/** Where one series sits in a kept snapshot's data: per-bucket counts (+Inf last), then count, then sum. */
export interface SeriesSlot {
  readonly key: string;
  readonly type: string;
  readonly name: string;
  readonly outcome: Outcome;
  readonly errorType: string;
  readonly bounds: readonly number[];
  readonly offset: number;
}

/** The series of a snapshot and where each sits; shared by consecutive snapshots while the series set is unchanged. */
export interface SnapshotLayout {
  readonly slots: readonly SeriesSlot[];
  readonly byKey: ReadonlyMap<string, SeriesSlot>;
  /** Floats per snapshot. */
  readonly width: number;
  /** Estimated bytes the layout holds (strings, slot objects). */
  readonly bytes: number;
}

/** A store snapshot reduced to what windowed figures need: one Float64Array and a (shared) layout. */
export interface KeptSnapshot {
  readonly takenAt: number;
  readonly startedAt: number;
  readonly layout: SnapshotLayout;
  readonly data: Float64Array;
}

const SLOT_OVERHEAD_BYTES = 120;

/** The key that identifies a series across snapshots. */
export const seriesKey = (type: string, name: string, outcome: string, errorType: string): string =>
  `${type}\u0000${name}\u0000${outcome}\u0000${errorType}`;

/**
 * Reduces a store snapshot to a {@link KeptSnapshot}. When its series are those of a `previous` snapshot's layout
 * (the usual case: series are only ever added; the first that matches is taken), that layout is reused and the
 * snapshot costs one Float64Array of (buckets + 2) x series floats.
 */
export function keepSnapshot(snapshot: StoreSnapshot, ...previous: Array<Pick<KeptSnapshot, 'layout'> | undefined>): KeptSnapshot {
  const series = snapshot.series;
  // Compared field by field, not by key: no string built per series while the layout holds (the usual case).
  const isSame = (old: SnapshotLayout) =>
    old.slots.length === series.length &&
    old.slots.every((slot, i) => {
      const s = series[i]!;
      return slot.name === s.name && slot.type === s.type && slot.outcome === s.outcome && slot.errorType === (s.errorType ?? '') && slot.bounds.length === s.bounds.length;
    });
  const candidates = previous.filter((p) => p !== undefined).map((p) => p.layout);
  const layout = candidates.find(isSame) ?? buildLayout(snapshot, candidates[0]);
  const data = new Float64Array(layout.width);
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    const slot = layout.slots[i]!;
    const n = slot.bounds.length + 1;
    for (let b = 0; b < n; b++) data[slot.offset + b] = s.counts[b] ?? 0;
    data[slot.offset + n] = s.count;
    data[slot.offset + n + 1] = s.sum;
  }
  return { takenAt: snapshot.takenAt, startedAt: snapshot.startedAt, layout, data };
}

function buildLayout(snapshot: StoreSnapshot, old: SnapshotLayout | undefined): SnapshotLayout {
  const keys = snapshot.series.map((s) => seriesKey(s.type, s.name, s.outcome, s.errorType ?? ''));
  const interned = new Map<readonly number[], readonly number[]>();
  const slots: SeriesSlot[] = [];
  let width = 0;
  let bytes = 64;
  snapshot.series.forEach((s, i) => {
    const before = old?.byKey.get(keys[i]!);
    let bounds = interned.get(s.bounds);
    if (!bounds) {
      bounds = before && sameBounds(before.bounds, s.bounds) ? before.bounds : s.bounds.slice();
      interned.set(s.bounds, bounds);
      bytes += bounds.length * 8;
    }
    slots.push({ key: before?.key ?? keys[i]!, type: s.type, name: s.name, outcome: s.outcome, errorType: s.errorType ?? '', bounds, offset: width });
    width += bounds.length + 3;
    bytes += SLOT_OVERHEAD_BYTES + keys[i]!.length * 2;
  });
  return { slots, byKey: new Map(slots.map((s) => [s.key, s])), width, bytes };
}

/** Per-bucket counts, count and sum of one slot. */
export function readSlot(k: KeptSnapshot, slot: SeriesSlot): { counts: Float64Array; count: number; sum: number } {
  const n = slot.bounds.length + 1;
  return { counts: k.data.subarray(slot.offset, slot.offset + n), count: k.data[slot.offset + n]!, sum: k.data[slot.offset + n + 1]! };
}
