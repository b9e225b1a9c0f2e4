import type { MetricDef } from '@perfkit/core';

/** How a panel shows a metric: its value, its per-second rate, a quantile or mean of a histogram, a share. */
export type View = 'value' | 'rate' | 'quantile' | 'mean' | 'ratio';

const VALUE_UNITS: Record<string, string> = { s: 's', By: 'bytes', '1': 'percentunit', Cel: 'celsius', W: 'watt', Hz: 'hertz' };
const RATE_UNITS: Record<string, string> = { By: 'Bps', s: 'percentunit' };

/**
 * The Grafana unit for a metric shown a given way, derived from the metric's own unit so that a panel cannot
 * disagree with what it plots: seconds stay `s`, bytes `bytes` (their rate `Bps`), 0..1 values `percentunit`,
 * a rate of seconds (CPU time) is a share of one core, a histogram's rate counts operations per second (`ops`),
 * and counts become `<what>s/s`.
 */
export function unitFor(metric: Pick<MetricDef, 'unit' | 'kind'>, view: View): string {
  if (view === 'ratio') return 'percentunit';
  if (view === 'rate') {
    if (metric.kind === 'histogram') return 'ops';
    const known = RATE_UNITS[metric.unit];
    if (known) return known;
    const what = /^\{(.+)\}$/.exec(metric.unit)?.[1];
    return what ? `suffix: ${plural(what)}/s` : 'ops';
  }
  const known = VALUE_UNITS[metric.unit];
  if (known) return known;
  return 'short';
}

function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return word.slice(0, -1) + 'ies';
  return /(s|x|ch|sh)$/.test(word) ? word + 'es' : word + 's';
}
