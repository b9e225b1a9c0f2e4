import type { SlaProblem } from '../errors';
import type { SlaSpec } from './schema';

/** Every `severity` label value the generated burn-rate alerts carry, per tier, spec-wide name first. */
export interface SeverityValues {
  readonly page: readonly string[];
  readonly ticket: readonly string[];
}

/**
 * The severity values of each tier: `alerting.severities`, plus any objective's `alerting.page.labels.severity` or
 * `alerting.ticket.labels.severity` (what `perfkit-sla import --from sloth` writes from `page_alert.labels`), so that
 * Alertmanager routes and inhibits every page and ticket the rules write, not only those of the spec-wide names.
 */
export function severityValues(spec: Pick<SlaSpec, 'alerting' | 'objectives'>): SeverityValues {
  const page = new Set<string>([spec.alerting.severities.page]);
  const ticket = new Set<string>([spec.alerting.severities.ticket]);
  for (const o of spec.objectives) {
    const p = o.alerting?.page?.labels?.severity;
    const t = o.alerting?.ticket?.labels?.severity;
    if (p !== undefined) page.add(p);
    if (t !== undefined) ticket.add(t);
  }
  return { page: [...page], ticket: [...ticket] };
}

/**
 * The problems of a severity value used by both tiers: Alertmanager routes and inhibits on the value alone, so a ticket
 * sharing a page's value would be sent to the page receiver and could inhibit, or be inhibited by, the wrong alert.
 */
export function severityProblems(spec: Pick<SlaSpec, 'alerting' | 'objectives'>): SlaProblem[] {
  const { page, ticket } = severityValues(spec);
  const problems: SlaProblem[] = [];
  for (const o of spec.objectives) {
    for (const [tier, other, otherValues] of [['page', 'ticket', ticket], ['ticket', 'page', page]] as const) {
      const value = o.alerting?.[tier]?.labels?.severity;
      if (value !== undefined && otherValues.includes(value)) {
        problems.push({ code: 'PERFKIT_ERR_INVALID_SLA_SPEC', field: `objectives[${o.id}].alerting.${tier}.labels.severity`, value,
          detail: `it is also the severity of ${other} alerts (alerting.severities.${other} or an objective's alerting.${other}.labels.severity); ` +
          `Alertmanager routes and inhibits on it, so each value must belong to one tier: expected none of [${otherValues.join(', ')}]` });
      }
    }
  }
  return problems;
}
