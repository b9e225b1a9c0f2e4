import type { KeptSnapshot } from '../history/KeptSnapshot';
import { rollupPoint, type RollupRow } from '../history/OperationRollups';
import { deltas, statsOf, type OperationStats, type RatePoint, type SeriesDelta } from '../history/windowStats';
import type { ReportBody, StatsBody } from './schemas';
import type { Slicer } from './Slicer';

/** Series (or deltas) handled between two looks at the slice clock: about 20 µs of work at the series cap. */
export const SERIES_PER_CHECK = 64;

/** Drops the distribution and turns the figures into the API's shape (a literal: a rest spread cost 3x as much). */
export function statsBody(s: OperationStats): StatsBody {
  return {
    total: s.total,
    successes: s.successes,
    failures: s.failures,
    byOutcome: s.byOutcome,
    errorTypes: s.errorTypes,
    successRate: s.successRate,
    failureRate: s.failureRate,
    averageSeconds: s.averageSeconds,
    p50Seconds: s.p50Seconds,
    p95Seconds: s.p95Seconds,
    p99Seconds: s.p99Seconds,
  };
}

/** `deltas(current, baseline)`, {@link SERIES_PER_CHECK} series at a time, yielding whenever the slice is due. */
export async function deltasSliced(current: KeptSnapshot, baseline: KeptSnapshot | undefined, slicer: Slicer): Promise<SeriesDelta[]> {
  const out: SeriesDelta[] = [];
  const series = current.layout.slots.length;
  for (let from = 0; from < series; from += SERIES_PER_CHECK) {
    deltas(current, baseline, from, from + SERIES_PER_CHECK, out);
    if (slicer.isDue) await slicer.yield();
  }
  return out;
}

/** The deltas of each type and name, in the order they first appear (as `statsBy` groups them). */
async function groupsSliced(parts: readonly SeriesDelta[], byName: boolean, slicer: Slicer): Promise<SeriesDelta[][]> {
  // Looked up by the strings the deltas already hold, type then name: no key string built per series.
  const index = new Map<string, Map<string, SeriesDelta[]> | SeriesDelta[]>();
  const groups: SeriesDelta[][] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    let g: SeriesDelta[] | undefined;
    if (byName) {
      let names = index.get(p.type) as Map<string, SeriesDelta[]> | undefined;
      if (!names) index.set(p.type, (names = new Map()));
      g = names.get(p.name);
      if (!g) names.set(p.name, (g = []));
    } else {
      g = index.get(p.type) as SeriesDelta[] | undefined;
      if (!g) index.set(p.type, (g = []));
    }
    if (g.length === 0) groups.push(g);
    g.push(p);
    if (i % SERIES_PER_CHECK === SERIES_PER_CHECK - 1 && slicer.isDue) await slicer.yield();
  }
  return groups;
}

/** `statsBy(parts, (d) => d.type)`, one type at a time, yielding whenever the slice is due. */
export async function statsByTypeSliced(parts: readonly SeriesDelta[], slicer: Slicer): Promise<Map<string, OperationStats>> {
  const byType = new Map<string, OperationStats>();
  for (const g of await groupsSliced(parts, false, slicer)) {
    byType.set(g[0]!.type, statsOf(g));
    if (slicer.isDue) await slicer.yield();
  }
  return byType;
}

/**
 * The figures of every type and name (keyed `type + "\u0000" + name`, as `statsBy` keys them) and the report's
 * entries for them, one name at a time, yielding whenever the slice is due.
 */
export async function statsByNameSliced(parts: readonly SeriesDelta[], slicer: Slicer): Promise<{ byName: Map<string, OperationStats>; entries: ReportBody['byName'] }> {
  const byName = new Map<string, OperationStats>();
  const entries: ReportBody['byName'] = [];
  for (const g of await groupsSliced(parts, true, slicer)) {
    const { type, name } = g[0]!;
    const s = statsOf(g);
    byName.set(`${type}\u0000${name}`, s);
    entries.push({ type, name, stats: statsBody(s) });
    if (slicer.isDue) await slicer.yield();
  }
  return { byName, entries };
}

/**
 * The rollup points of `rowGroups` (one point per group, oldest first), yielding whenever the slice is due. The newest
 * is computed first, before any yield: its last row may be the hour the recorder is still adding to.
 */
export async function rollupPointsSliced(rowGroups: readonly RollupRow[][], type: string | undefined, slicer: Slicer): Promise<RatePoint[]> {
  if (rowGroups.length === 0) return [];
  const newest = rollupPoint(rowGroups[rowGroups.length - 1]!, type);
  const points: RatePoint[] = [];
  for (let i = 0; i < rowGroups.length - 1; i++) {
    if (slicer.isDue) await slicer.yield();
    points.push(rollupPoint(rowGroups[i]!, type));
  }
  points.push(newest);
  return points;
}
