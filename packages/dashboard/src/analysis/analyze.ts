import type { ResourceSample } from '../history/ResourceSample';
import type { OperationStats } from '../history/windowStats';
import { operationBottlenecks, resourceBottlenecks } from './bottlenecks';
import { recommend } from './recommendations';
import { exhaustionForecasts, resourceTrends } from './resources';
import { performanceScore } from './score';
import type { AnalysisThresholds } from './thresholds';
import type { AnalysisResult } from './types';

/** What one analysis looks at: the window's operation figures and resource samples. */
export interface AnalysisInput {
  readonly overall: OperationStats;
  readonly byType: ReadonlyMap<string, OperationStats>;
  /** Figures by `type + "\u0000" + name`, for objectives of single names. */
  readonly byName?: ReadonlyMap<string, OperationStats>;
  /** Resource samples in the window, oldest first. */
  readonly samples: readonly ResourceSample[];
  readonly thresholds: AnalysisThresholds;
  readonly now: number;
}

/** Finds bottlenecks, recommends, scores, and fits trends and forecasts. Pure: same input, same result. */
export function analyze(input: AnalysisInput): AnalysisResult {
  const forecasts = exhaustionForecasts(input.samples);
  const bottlenecks = [
    ...operationBottlenecks(input.byType, input.thresholds, input.byName),
    ...resourceBottlenecks(input.samples, forecasts, input.thresholds),
  ];
  return {
    analyzedAt: input.now,
    bottlenecks,
    recommendations: recommend(bottlenecks),
    score: performanceScore(input.overall, bottlenecks, input.thresholds),
    trends: resourceTrends(input.samples),
    forecasts,
  };
}
