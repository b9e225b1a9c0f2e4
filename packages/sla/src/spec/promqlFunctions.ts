import { nearestKey } from '@perfkit/core';
import type { PromqlCall } from './promqlSyntax';

/**
 * Every function of Prometheus 2.42, the version perfkit runs and tests its rules against (the regression test
 * misspelt-promql-function-accepted holds it against promtool 2.42). Written out here: lezer-promql exports no list of
 * names, and its grammar is a later Prometheus' (it knows `info`, `limitk`, `histogram_avg`, … and no `holt_winters`).
 */
export const PROMQL_FUNCTIONS: readonly string[] = [
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'avg_over_time', 'ceil',
  'changes', 'clamp', 'clamp_max', 'clamp_min', 'cos', 'cosh', 'count_over_time', 'day_of_month', 'day_of_week',
  'day_of_year', 'days_in_month', 'deg', 'delta', 'deriv', 'exp', 'floor', 'histogram_count', 'histogram_fraction',
  'histogram_quantile', 'histogram_sum', 'holt_winters', 'hour', 'idelta', 'increase', 'irate', 'label_join',
  'label_replace', 'last_over_time', 'ln', 'log10', 'log2', 'max_over_time', 'min_over_time', 'minute', 'month', 'pi',
  'predict_linear', 'present_over_time', 'quantile_over_time', 'rad', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sin',
  'sinh', 'sort', 'sort_desc', 'sqrt', 'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'tan', 'tanh', 'time',
  'timestamp', 'vector', 'year',
];

/** The aggregation operators of Prometheus 2.42 (keywords, any case); `limitk` and `limit_ratio` came later. */
export const PROMQL_AGGREGATIONS: readonly string[] = [
  'avg', 'bottomk', 'count', 'count_values', 'group', 'max', 'min', 'quantile', 'stddev', 'stdvar', 'sum', 'topk',
];

const FUNCTIONS = new Set(PROMQL_FUNCTIONS);
const AGGREGATIONS = new Set(PROMQL_AGGREGATIONS);

/**
 * The calls of a query that no Prometheus knows, each name once (its first call): a function name neither Prometheus
 * 2.42 nor lezer-promql's grammar (a later Prometheus) knows; function names are case-sensitive (`Rate` is unknown). A
 * function or aggregation of a later Prometheus only (`histogram_avg`, `limitk`, `info`) is accepted: perfkit cannot
 * know which Prometheus runs the rules, and refusing a query valid on Prometheus 3 would leave its users no way round;
 * the README says rules that use one need that Prometheus (promtool 2.42 refuses them). A metric, a label or a label
 * value that reads like a function is not a call.
 */
export function unknownPromqlFunctions(calls: readonly PromqlCall[]): PromqlCall[] {
  const seen = new Set<string>();
  return calls.filter((c) => {
    if (c.isKnownToGrammar || FUNCTIONS.has(c.name) || AGGREGATIONS.has(c.name.toLowerCase()) || seen.has(c.name)) return false;
    seen.add(c.name);
    return true;
  });
}

/**
 * What is wrong with each unknown call: where it is, and the nearest known name (`rat` -> `rate`); a name near nothing
 * (or of one letter, near every short one) gets the whole list.
 */
export function promqlFunctionsDetail(unknown: readonly PromqlCall[]): string {
  return unknown
    .map((c) => {
      const where = `"${c.name}" at line ${c.line}, column ${c.column}, in \`${c.excerpt}\``;
      const near = c.name.length > 1 ? nearestPromqlName(c.name) : undefined;
      return `unknown function ${where}; ${near ? `did you mean "${near}"?` : `expected one of Prometheus 2.42's: ${PROMQL_FUNCTIONS.join(', ')}`}`;
    })
    .join('; ');
}

/**
 * The known name nearest to `name` by edit distance; among equally near ones, the one that shares the longest start
 * with it (`rat` -> `rate`, not `rad`: a typo usually keeps a name's start). nearestKey keeps the first of a tie.
 */
function nearestPromqlName(name: string): string | undefined {
  const lower = name.toLowerCase();
  const shared = (k: string) => {
    let i = 0;
    while (i < k.length && k[i] === lower[i]) i++;
    return i;
  };
  return nearestKey(name, [...PROMQL_FUNCTIONS, ...PROMQL_AGGREGATIONS].sort((a, b) => shared(b) - shared(a)));
}
