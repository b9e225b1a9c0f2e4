import { GUARD_METRICS, METRICS, type MetricDef } from '@perfkit/core';
import { HOST_METRICS } from '@perfkit/host';
import { SLO_RECORDS } from '@perfkit/sla';

type Def = Pick<MetricDef, 'prom' | 'unit' | 'kind'>;

/** Every metric family a dashboard may plot, by its Prometheus name. */
const FAMILIES: ReadonlyMap<string, Def> = new Map(
  [...Object.values(METRICS), ...Object.values(GUARD_METRICS), ...Object.values(HOST_METRICS)].map((d) => [d.prom, d as Def]),
);

/** The series names a family writes on the wire, mapped back to the family. */
function seriesIndex(): Map<string, { def: Def; part: 'bucket' | 'count' | 'sum' | 'value' }> {
  const index = new Map<string, { def: Def; part: 'bucket' | 'count' | 'sum' | 'value' }>();
  for (const def of FAMILIES.values()) {
    if (def.kind === 'histogram') for (const part of ['bucket', 'count', 'sum'] as const) index.set(`${def.prom}_${part}`, { def, part });
    else index.set(def.prom, { def, part: 'value' });
  }
  return index;
}
const SERIES = seriesIndex();

/** The metric series an expression reads (names known to the tables, plus SLO records and Prometheus' own). */
export function seriesIn(expr: string): Array<{ name: string; def?: Def; part?: string }> {
  const names = expr.match(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*[{[(\s)]|$)/g) ?? [];
  return names
    .filter((n) => SERIES.has(n) || n.startsWith('perfkit:') || n === 'ALERTS' || n === 'target_info' || n === 'up')
    .map((n) => ({ name: n, ...SERIES.get(n) }));
}

const GAUGE_UNITS: Record<string, readonly string[]> = { s: ['s', 'ms'], By: ['bytes', 'decbytes'], '1': ['percentunit'], Cel: ['celsius'], W: ['watt'], Hz: ['hertz', 'rothz'] };
const isPerSecondCount = (unit: string) => unit === 'ops' || unit === 'reqps' || unit === 'cps' || /^suffix: ?\S+\/s$/.test(unit);

/**
 * Whether `unit` is right for what `expr` computes, re-derived here from the metric tables independently of
 * grafana/src/lib/units.ts: a quantile or mean of a histogram has the histogram's unit; a share (a division
 * of two rates of one counter) is a ratio; a rate of bytes is bytes/s, of seconds a share of time, of a count a
 * count per second; a gauge keeps its unit. Returns the reason when it is wrong, undefined when it is right.
 */
export function unitProblem(expr: string, unit: string | undefined): string | undefined {
  if (!unit) return 'panel has no unit';
  const series = seriesIn(expr);
  const records = series.filter((s) => s.name.startsWith('perfkit:'));
  if (records.length) {
    const isBurn = expr.includes(SLO_RECORDS.errors) && expr.includes(SLO_RECORDS.errorBudget) && expr.includes('/') && !/^\s*1\s*-/.test(expr);
    if (isBurn) return unit === 'none' ? undefined : `a burn rate (ratio over budget) is a plain number, not ${unit}`;
    if (records.every((r) => r.name.startsWith(SLO_RECORDS.requests))) return isPerSecondCount(unit) ? undefined : `SLI traffic is operations/s, not ${unit}`;
    return unit === 'percentunit' ? undefined : `SLO ratios are percentunit, not ${unit}`;
  }
  const known = series.filter((s) => s.def);
  if (!known.length) return unit === 'short' || unit === 'none' ? undefined : `a count of ${series.map((s) => s.name).join(', ') || 'nothing'} is short, not ${unit}`;
  const def = known[0]!.def!;
  if (expr.includes('histogram_quantile(') || (known.some((s) => s.part === 'sum') && known.some((s) => s.part === 'count'))) {
    const allowed = GAUGE_UNITS[def.unit] ?? ['short'];
    return allowed.includes(unit) ? undefined : `${def.prom} (${def.unit}) quantile/mean needs ${allowed.join('|')}, not ${unit}`;
  }
  const isRate = /\b(rate|irate)\(/.test(expr);
  // A share divides like by like: one counter's parts, or two counters of one unit (throttled periods / periods).
  const isShare = /\n\/\n|\)\s*\/\s*\(?sum/.test(expr) && known.every((s) => s.def!.unit === def.unit);
  const isIncrease = !isRate && /\bincrease\(/.test(expr);
  if (isShare) return unit === 'percentunit' ? undefined : `a share of ${def.prom} is percentunit, not ${unit}`;
  if (isIncrease) {
    // An increase over the dashboard range is an amount of the counter's own unit (kills, events), not a rate.
    const allowed = GAUGE_UNITS[def.unit] ?? ['short', 'none'];
    return def.kind !== 'histogram' && allowed.includes(unit) ? undefined : `increase of ${def.prom} (${def.unit}) needs ${allowed.join('|')}, not ${unit}`;
  }
  if (isRate) {
    if (def.kind === 'histogram') return isPerSecondCount(unit) ? undefined : `rate of ${def.prom}_count is operations/s, not ${unit}`;
    if (def.unit === 'By') return unit === 'Bps' || unit === 'binBps' ? undefined : `rate of bytes (${def.prom}) is Bps, not ${unit}`;
    if (def.unit === 's') return unit === 'percentunit' ? undefined : `rate of seconds (${def.prom}) is a share of time (percentunit), not ${unit}`;
    return isPerSecondCount(unit) ? undefined : `rate of ${def.prom} (${def.unit}) is a count per second, not ${unit}`;
  }
  const allowed = GAUGE_UNITS[def.unit] ?? ['short', 'none'];
  return allowed.includes(unit) ? undefined : `${def.prom} (${def.unit}) needs ${allowed.join('|')}, not ${unit}`;
}
