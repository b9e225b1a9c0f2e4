import type { OperationStats } from '../history/windowStats';
import type { AnalysisThresholds } from './thresholds';
import type { Bottleneck, Deduction } from './types';

/** Points one bottleneck costs, by severity. */
export const BOTTLENECK_POINTS = { warning: 5, critical: 10 } as const;
/** The most the overall success rate can cost. */
export const MAX_SUCCESS_DEDUCTION = 40;

/**
 * A 0-100 score: 100 minus listed deductions. The overall success rate below the default availability objective
 * costs 2 points per percentage point (at most {@link MAX_SUCCESS_DEDUCTION}); each bottleneck costs 5 (warning)
 * or 10 (critical).
 */
export function performanceScore(overall: OperationStats, bottlenecks: readonly Bottleneck[], t: AnalysisThresholds): { value: number; deductions: Deduction[] } {
  const deductions: Deduction[] = [];
  const objective = 1 - t.defaults.maxFailureRate;
  if (overall.total >= t.minOperations && overall.successRate !== null && overall.successRate < objective) {
    // Rounded before ceil: 0.95 − 0.94 is 0.0100000000000000089, and one percentage point short must cost 2, not 3.
    const shortfall = Math.round((objective - overall.successRate) * 200 * 1e6) / 1e6;
    const points = Math.min(MAX_SUCCESS_DEDUCTION, Math.ceil(shortfall));
    deductions.push({
      reason: `overall success rate ${(overall.successRate * 100).toFixed(1)}% is below ${(objective * 100).toFixed(1)}%`,
      points,
      evidence: { successRate: Number(overall.successRate.toFixed(4)), objective, operations: overall.total },
    });
  }
  for (const b of bottlenecks) {
    deductions.push({ reason: b.message, points: BOTTLENECK_POINTS[b.severity], evidence: { bottleneckId: b.id, severity: b.severity } });
  }
  const value = Math.max(0, 100 - deductions.reduce((sum, d) => sum + d.points, 0));
  return { value, deductions };
}
