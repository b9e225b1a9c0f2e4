import { METRICS, type MetricKey } from '../names';

/** Slots of the per-operation counter figures, in the order they are stored. */
export const FIGURE = {
  retries: 0,
  items: 1,
  downloadBytes: 2,
  integrityPassed: 3,
  integrityFailed: 4,
  corruptions: 5,
  alternatives: 6,
  tokens: 7,
  records: 8,
} as const;

/** Number of counter figure slots a handle holds. */
export const FIGURE_SLOTS = 9;

/** Which metric each counter figure slot is written as, with the extra label it carries, if any. */
export const FIGURE_METRICS: ReadonlyArray<{ metric: MetricKey; slots: ReadonlyArray<readonly [number, string]> }> = [
  { metric: 'operationRetries', slots: [[FIGURE.retries, '']] },
  { metric: 'operationItems', slots: [[FIGURE.items, '']] },
  { metric: 'downloadBytes', slots: [[FIGURE.downloadBytes, '']] },
  {
    metric: 'downloadIntegrityChecks',
    slots: [
      [FIGURE.integrityPassed, 'passed'],
      [FIGURE.integrityFailed, 'failed'],
    ],
  },
  { metric: 'healthCheckCorruptions', slots: [[FIGURE.corruptions, '']] },
  { metric: 'fallbackAlternatives', slots: [[FIGURE.alternatives, '']] },
  { metric: 'modelTokens', slots: [[FIGURE.tokens, '']] },
  { metric: 'analyticsRecords', slots: [[FIGURE.records, '']] },
];

/** Score histograms: 0 = health-check integrity score, 1 = fallback compatibility score. */
export const SCORE_METRICS: readonly MetricKey[] = ['healthCheckIntegrityScore', 'fallbackCompatibilityScore'];

// Keep the table honest: every figure metric must exist in METRICS.
for (const f of FIGURE_METRICS) if (!METRICS[f.metric]) throw new Error(`unknown figure metric ${f.metric}`);
