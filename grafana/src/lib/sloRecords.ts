/**
 * Recording-rule names written by `@perfkit/sla` (its `RECORD` table in rules/naming.ts, not exported yet);
 * the window is appended (`perfkit:slo_errors:ratio_rate5m`). test/dashboards checks every name here against
 * the rules `generateRules()` produces, so a rename there fails the build here.
 */
export const SLO_RECORDS = {
  requests: 'perfkit:slo_requests:rate',
  errors: 'perfkit:slo_errors:ratio_rate',
  latencyGood: 'perfkit:slo_latency_good:ratio_rate',
  objective: 'perfkit:slo_objective:ratio',
  errorBudget: 'perfkit:slo_error_budget:ratio',
} as const;
