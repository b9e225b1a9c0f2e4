import { LABEL } from '@perfkit/core';
import { stringify } from 'yaml';
import { leMatcher } from '../rules/le';
import { DURATION, matchers, objectiveMatchers } from '../rules/naming';
import { slaThresholds, type ObjectiveThreshold } from '../thresholds';
import type { SlaSpec } from './schema';

const W = '{{.window}}';

/** Prometheus queries (with `{{.window}}`) for an objective on perfkit's operation metrics. */
type Queries = { bad?: string; good?: string; total: string };

function queries(o: ObjectiveThreshold, selector: Record<string, string>): Queries {
  const sel = matchers(objectiveMatchers(o, selector));
  const total = `sum(rate(${DURATION}_count{${sel}}[${W}]))`;
  if (o.sli === 'latency') return { good: `sum(rate(${DURATION}_bucket{${sel},${leMatcher(o.thresholdSeconds!)}}[${W}]))`, total };
  return { bad: `sum(rate(${DURATION}_count{${sel},${LABEL.outcome}=~"${o.badOutcomes.join('|')}"}[${W}]))`, total };
}

const source = (query: string) => ({ metricSource: { type: 'Prometheus', spec: { query } } });

/**
 * The spec's objectives as OpenSLO v1 documents (a Service and one SLO per objective, each with an inline ratio
 * indicator on Prometheus, rolling over the spec's window, Occurrences budgeting). Limits have no OpenSLO form and
 * are left out. `perfkit-sla import --from openslo` reads the result back.
 */
export function exportOpenSlo(spec: SlaSpec): string {
  const t = slaThresholds(spec);
  const docs: unknown[] = [{ apiVersion: 'openslo/v1', kind: 'Service', metadata: { name: spec.service }, spec: { description: `Exported by perfkit-sla from the SLA spec of ${spec.service}` } }];
  const all = [
    ...t.objectives.map((o) => ({ id: o.id, description: o.description, target: o.target, q: queries(o, spec.selector) })),
    ...t.queryObjectives.map((o) => ({ id: o.id, description: o.description, target: o.target, q: (o.errorQuery ? { bad: o.errorQuery, total: o.totalQuery } : { good: o.goodQuery!, total: o.totalQuery }) as Queries })),
  ];
  const order = new Map(spec.objectives.map((o, i) => [o.id, i]));
  all.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  for (const o of all) {
    docs.push({
      apiVersion: 'openslo/v1',
      kind: 'SLO',
      metadata: { name: o.id, displayName: o.description.slice(0, 63) },
      spec: {
        description: o.description,
        service: spec.service,
        indicator: {
          metadata: { name: `${o.id}-sli` },
          spec: { ratioMetric: { counter: true, ...(o.q.bad ? { bad: source(o.q.bad) } : { good: source(o.q.good!) }), total: source(o.q.total) } },
        },
        timeWindow: [{ duration: spec.window, isRolling: true }],
        budgetingMethod: 'Occurrences',
        objectives: [{ displayName: o.id, target: o.target }],
      },
    });
  }
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}
