import type { SlaProblem } from '../errors';
import type { SlaSpec } from './schema';
import { hasSyntaxError, parsePromql, windowedQuery, type PromqlTree } from './promqlSyntax';

type SyntaxNode = PromqlTree['topNode'];

/**
 * Aggregations whose result carries exactly the grouping's labels (`by`) or the input's minus them (`without`).
 * topk, bottomk, limitk and limit_ratio keep each input series' own labels and count_values adds one: their result's
 * labels are not the grouping's, so they are not compared.
 */
const GROUPING_OPS = new Set(['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar', 'quantile']);

/** The outer aggregation of a query: `sum by (a, b)`, `sum` (no modifier: one series without labels), `avg without (x)`. */
export interface QueryGrouping {
  readonly op: string;
  readonly modifier: 'by' | 'without';
  /** Sorted, without duplicates. */
  readonly labels: readonly string[];
}

/**
 * The grouping of a query's outermost aggregation (through parentheses), or undefined where the query's labels cannot
 * be read from its text: no outer aggregation (a selector, a function, a binary expression), an aggregation that
 * keeps its input's labels (topk) or a query the grammar cannot parse (the schema refuses those, see promqlSyntax.ts).
 */
export function queryGrouping(query: string): QueryGrouping | undefined {
  const text = windowedQuery(query);
  const tree = parsePromql(text);
  if (hasSyntaxError(tree)) return undefined;
  let node: SyntaxNode | null = tree.topNode.firstChild;
  while (node?.name === 'ParenExpr') node = node.firstChild;
  if (node?.name !== 'AggregateExpr') return undefined;
  const opNode = node.getChild('AggregateOp');
  const op = opNode ? text.slice(opNode.from, opNode.to).toLowerCase() : '';
  if (!GROUPING_OPS.has(op)) return undefined;
  const modifierNode = node.getChild('AggregateModifier');
  if (!modifierNode) return { op, modifier: 'by', labels: [] };
  const modifier = modifierNode.getChild('Without') ? 'without' : 'by';
  const labelsNode = modifierNode.getChild('GroupingLabels');
  const labels = new Set<string>();
  for (let l = labelsNode?.firstChild ?? null; l; l = l.nextSibling) {
    // Prometheus 3 allows quoted (UTF-8) label names: `by ("service.name")`.
    labels.add(text.slice(l.from, l.to).replace(/^(["'`])(.*)\1$/s, '$2'));
  }
  return { op, modifier, labels: [...labels].sort() };
}

/** A grouping as the spec's author wrote it: `sum by (a, b)`, `sum`, `avg without (x)`. */
export function groupingText(g: QueryGrouping): string {
  return g.modifier === 'by' && g.labels.length === 0 ? g.op : `${g.op} ${g.modifier} (${g.labels.join(', ')})`;
}

function sameGrouping(a: QueryGrouping, b: QueryGrouping): boolean {
  return a.modifier === b.modifier && a.labels.length === b.labels.length && a.labels.every((l, i) => l === b.labels[i]);
}

/**
 * The problems of raw-PromQL objectives whose good or error query and total query group their outer aggregation
 * differently (`sum by (code, route)` over `sum by (route)`): the ratio matches series on all their labels, so the
 * good or error series find no total and are dropped, and the `(good) or (0 * (total))` guard then reads every total
 * series as zero good or zero bad events, quietly. Only what the text decides is refused: both queries are
 * aggregations that yield their grouping's labels, and the groupings differ. `sum` and `avg` over the same grouping
 * are fine (the labels match); queries without an outer aggregation are left alone (their labels are the series').
 */
export function promqlGroupingProblems(spec: Pick<SlaSpec, 'objectives'>): SlaProblem[] {
  const problems: SlaProblem[] = [];
  for (const o of spec.objectives) {
    if (!o.promql) continue;
    const key = o.promql.errorQuery !== undefined ? 'errorQuery' : 'goodQuery';
    const events = queryGrouping((o.promql.errorQuery ?? o.promql.goodQuery)!);
    const total = queryGrouping(o.promql.totalQuery);
    if (!events || !total || sameGrouping(events, total)) continue;
    problems.push({
      code: 'PERFKIT_ERR_INVALID_SLA_SPEC',
      field: `objectives[${o.id}].promql`,
      value: { [key]: groupingText(events), totalQuery: groupingText(total) },
      detail: `${key} aggregates with ${groupingText(events)} and totalQuery with ${groupingText(total)}, so their series carry different ` +
        `labels: the ratio would find no total for them and read every total series as ${key === 'errorQuery' ? 'zero errors' : 'zero good events'}; ` +
        `expected the same grouping in both outer aggregations (both by the same labels, both without the same labels, or both none)`,
    });
  }
  return problems;
}
