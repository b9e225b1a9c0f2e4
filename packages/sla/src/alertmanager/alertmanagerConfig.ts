import type { SlaSpec } from '../spec/schema';
import { severityValues } from '../spec/severities';

/** The Alertmanager configuration object (as `alertmanager.yml` holds it). */
export type AlertmanagerConfig = Record<string, unknown>;

/**
 * Alertmanager routes for the generated alerts: every page and ticket severity value the rules write
 * (`alerting.severities`, and an objective's own `alerting.page|ticket.labels.severity`) each to their tier's webhook
 * receiver (the same URL unless the spec names one per severity), grouped by alert and service, resolved
 * notifications on, and a page inhibiting the ticket of the same alert, service and objective so one incident
 * notifies once (and one objective's page never mutes another's ticket when they share an alert name).
 */
export function alertmanagerConfig(spec: SlaSpec): AlertmanagerConfig {
  const am = spec.alertmanager;
  const webhook = (url: string) => [{ url, send_resolved: true, max_alerts: 0 }];
  const severities = severityValues(spec);
  return {
    global: { resolve_timeout: am.resolveTimeout },
    route: {
      receiver: 'perfkit-default',
      group_by: ['alertname', 'service'],
      group_wait: am.groupWait,
      group_interval: am.groupInterval,
      repeat_interval: am.repeatInterval,
      routes: [
        { receiver: 'perfkit-page', matchers: [severityMatcher(severities.page)], continue: false },
        { receiver: 'perfkit-ticket', matchers: [severityMatcher(severities.ticket)], continue: false },
      ],
    },
    inhibit_rules: [
      { source_matchers: [severityMatcher(severities.page)], target_matchers: [severityMatcher(severities.ticket)], equal: ['alertname', 'service', 'slo'] },
    ],
    receivers: [
      { name: 'perfkit-default', webhook_configs: webhook(am.webhookUrl) },
      { name: 'perfkit-page', webhook_configs: webhook(am.pageWebhookUrl ?? am.webhookUrl) },
      { name: 'perfkit-ticket', webhook_configs: webhook(am.ticketWebhookUrl ?? am.webhookUrl) },
    ],
  };
}

/** `severity="page"` for one value; `severity=~"page|pageteam"` (each value a literal, regex-quoted) for several. */
function severityMatcher(values: readonly string[]): string {
  if (values.length === 1) return `severity=${JSON.stringify(values[0])}`;
  return `severity=~${JSON.stringify(values.map((v) => v.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')).join('|'))}`;
}
