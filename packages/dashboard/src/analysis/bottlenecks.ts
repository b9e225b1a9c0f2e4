import { quantileOrNull } from '../history/histograms';
import type { ResourceSample } from '../history/ResourceSample';
import type { OperationStats } from '../history/windowStats';
import { meanOf, WATCHED_RESOURCES, type ExhaustionForecast } from './resources';
import { operationThresholds, type AnalysisThresholds } from './thresholds';
import type { Bottleneck } from './types';

const round = (v: number, digits = 4) => Number(v.toFixed(digits));
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/**
 * Operation types (and names with objectives of their own) slower than their latency objective or failing more
 * than their availability objective allows. A name's verdict replaces its type's verdict of the same kind.
 */
export function operationBottlenecks(
  byType: ReadonlyMap<string, OperationStats>,
  t: AnalysisThresholds,
  byName: ReadonlyMap<string, OperationStats> = new Map(),
): Bottleneck[] {
  const named: Bottleneck[] = [];
  for (const [type, names] of Object.entries(t.operationNames)) {
    for (const name of Object.keys(names)) {
      const s = byName.get(`${type}\u0000${name}`);
      if (s) named.push(...judge(type, name, s, t));
    }
  }
  const replaced = new Set(named.map((b) => `${b.kind}:${b.evidence.operationType}`));
  const typed: Bottleneck[] = [];
  for (const [type, s] of byType) typed.push(...judge(type, undefined, s, t).filter((b) => !replaced.has(b.id)));
  return [...typed, ...named];
}

function judge(type: string, name: string | undefined, s: OperationStats, t: AnalysisThresholds): Bottleneck[] {
  if (s.total < t.minOperations) return [];
  const out: Bottleneck[] = [];
  const th = operationThresholds(t, type, name);
  const subject = name === undefined ? type : `${type}/${name}`;
  const who = name === undefined ? type : `${type} ${name}`;
  const scope = { operationType: type, operationName: name ?? null };
  const q = quantileOrNull(th.latencyQuantile, s.distribution);
  // Judged on the share of operations above the threshold, not on a quantile: a quantile is capped at the top
  // finite bucket bound, so operations above the top bucket could never exceed a threshold beyond it.
  const slow = shareAbove(th.latencySeconds, s.distribution);
  const allowed = 1 - th.latencyQuantile;
  if (q !== null && slow > allowed + 1e-12) {
    const qName = `p${Math.round(th.latencyQuantile * 1000) / 10}`;
    const top = s.distribution.bounds[s.distribution.bounds.length - 1];
    const capped = top !== undefined && q >= top;
    out.push({
      id: `slow_operation:${subject}`,
      kind: 'slow_operation',
      subject,
      severity: q > 2 * th.latencySeconds || slow > Math.min(2 * allowed, (1 + allowed) / 2) ? 'critical' : 'warning',
      message: `${who}: ${qName} duration ${capped ? 'above ' : ''}${q.toFixed(3)} s exceeds the objective of ${th.latencySeconds} s (${pct(slow)} of operations slower, at most ${pct(allowed)} allowed)`,
      evidence: { ...scope, quantile: th.latencyQuantile, observedSeconds: round(q), thresholdSeconds: th.latencySeconds, slowShare: round(slow), operations: s.total },
    });
  }
  const bad = th.badOutcomes ? th.badOutcomes.reduce((n, o) => n + (s.byOutcome[o] ?? 0), 0) : s.failures;
  const rate = s.total > 0 ? bad / s.total : 0;
  if (rate > th.maxFailureRate) {
    const top = s.errorTypes[0];
    out.push({
      id: `high_failure_rate:${subject}`,
      kind: 'high_failure_rate',
      subject,
      // Critical at twice the objective's failure rate (halfway to 100% for objectives that allow half or more).
      severity: rate > Math.min(2 * th.maxFailureRate, (1 + th.maxFailureRate) / 2) ? 'critical' : 'warning',
      message: `${who}: ${pct(rate)} of ${s.total} operations failed (objective: at most ${pct(th.maxFailureRate)})${top ? `, mostly ${top.errorType}` : ''}`,
      evidence: { ...scope, failureRate: round(rate), thresholdFailureRate: th.maxFailureRate, failures: bad, operations: s.total, topErrorType: top?.errorType ?? null, topErrorCount: top?.count ?? null },
    });
  }
  return out;
}

/**
 * Share of a distribution's operations slower than `threshold`: whole buckets above it, the straddling finite
 * bucket pro rata (as histogram_quantile interpolates), and the +Inf bucket whenever the threshold is at or above
 * the top finite bound (those operations cannot be shown to be within it).
 */
export function shareAbove(threshold: number, d: { bounds: readonly number[]; counts: readonly number[] }): number {
  let total = 0;
  let above = 0;
  for (let i = 0; i < d.counts.length; i++) {
    const c = d.counts[i]! > 0 ? d.counts[i]! : 0;
    total += c;
    const lower = i === 0 ? 0 : d.bounds[i - 1]!;
    const upper = i < d.bounds.length ? d.bounds[i]! : Infinity;
    if (upper <= threshold) continue;
    if (lower >= threshold || upper === Infinity) above += c;
    else above += (c * (upper - threshold)) / (upper - lower);
  }
  return total > 0 ? above / total : 0;
}

/** Fewer recent samples than this say nothing about saturation. */
export const MIN_SATURATION_SAMPLES = 3;

/**
 * Resources whose mean over the recent samples (the last `recentMs`) is above the saturation threshold, and
 * exhaustion forecasts that fall inside the horizon.
 */
export function resourceBottlenecks(
  samples: readonly ResourceSample[],
  forecasts: readonly ExhaustionForecast[],
  t: AnalysisThresholds,
  recentMs = 5 * 60_000,
): Bottleneck[] {
  const out: Bottleneck[] = [];
  const last = samples[samples.length - 1];
  const recent = last ? samples.filter((s) => s.at >= last.at - recentMs) : [];
  for (const w of WATCHED_RESOURCES) {
    const mean = meanOf(recent.map((s) => s[w.field]));
    const limit = t.resources[w.threshold];
    if (!(mean > limit) || recent.length < MIN_SATURATION_SAMPLES) continue;
    const unit = w.field === 'eventLoopP99Seconds' ? ' s' : '';
    const shown = unit ? `${mean.toFixed(3)} s` : pct(mean);
    const limitShown = unit ? `${limit} s` : pct(limit);
    out.push({
      id: `resource_saturation:${w.resource}`,
      kind: 'resource_saturation',
      subject: w.resource,
      severity: unit ? (mean > 2 * limit ? 'critical' : 'warning') : mean > (1 + limit) / 2 ? 'critical' : 'warning',
      message: `${w.label} averaged ${shown} over the last ${Math.round(recentMs / 60_000)} min (threshold ${limitShown})`,
      evidence: { resource: w.resource, mean: round(mean), threshold: limit, samples: recent.length },
    });
  }
  for (const f of forecasts) {
    if (f.secondsUntilExhausted > t.forecastHorizonSeconds) continue;
    out.push({
      id: `resource_exhaustion:${f.resource}`,
      kind: 'resource_exhaustion',
      subject: f.resource,
      severity: f.secondsUntilExhausted < t.forecastHorizonSeconds / 4 ? 'critical' : 'warning',
      message: `${f.resource.replace('_', ' ')} will run out in about ${humanDuration(f.secondsUntilExhausted)} at the current growth of ${(f.bytesPerSecond / 1048576).toFixed(2)} MiB/s`,
      evidence: {
        resource: f.resource,
        secondsUntilExhausted: Math.round(f.secondsUntilExhausted),
        bytesPerSecond: Math.round(f.bytesPerSecond),
        usedBytes: Math.round(f.usedBytes),
        capacityBytes: Math.round(f.capacityBytes),
        r2: round(f.r2),
        horizonSeconds: t.forecastHorizonSeconds,
      },
    });
  }
  return out;
}

/** "3 h 20 min", "45 s". */
export function humanDuration(seconds: number): string {
  // Round once, to the unit shown, before splitting: 10790 s is "3 h 0 min", never "2 h 60 min".
  if (Math.round(seconds) < 120) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  if (minutes < 2880) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${(seconds / 86400).toFixed(1)} days`;
}
