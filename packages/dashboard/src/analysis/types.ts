import type { ExhaustionForecast, ResourceTrend } from './resources';

/** Numbers and words that show why a finding was made. */
export type Evidence = Record<string, number | string | null>;

/** What kind of problem a bottleneck is. */
export type BottleneckKind = 'slow_operation' | 'high_failure_rate' | 'resource_saturation' | 'resource_exhaustion';

/** A problem found in the window, with the evidence and the threshold it broke. */
export interface Bottleneck {
  /** Stable id: `kind:subject`. */
  readonly id: string;
  readonly kind: BottleneckKind;
  /** The operation type or resource concerned. */
  readonly subject: string;
  readonly severity: 'warning' | 'critical';
  readonly message: string;
  readonly evidence: Evidence;
}

/** Advice tied to the bottleneck that triggered it. */
export interface Recommendation {
  readonly id: string;
  readonly bottleneckId: string;
  readonly message: string;
  readonly evidence: Evidence;
}

/** One reason the score is below 100. */
export interface Deduction {
  readonly reason: string;
  readonly points: number;
  readonly evidence: Evidence;
}

/** The outcome of one analysis. */
export interface AnalysisResult {
  readonly analyzedAt: number;
  readonly bottlenecks: Bottleneck[];
  readonly recommendations: Recommendation[];
  readonly score: { readonly value: number; readonly deductions: Deduction[] };
  readonly trends: Record<string, ResourceTrend>;
  readonly forecasts: ExhaustionForecast[];
}
