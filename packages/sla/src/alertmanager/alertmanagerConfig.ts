import type { SlaSpec } from '../spec/schema';

/** The Alertmanager configuration object (as `alertmanager.yml` holds it). */
export type AlertmanagerConfig = Record<string, unknown>;

/**
 * Alertmanager routes for the generated alerts: the page and ticket severities (`alerting.severities`) each to their own
 * webhook receiver (the same URL unless the spec names one per severity), grouped by alert and service, resolved
 * notifications on, and a page inhibiting the ticket of the same alert and service so one incident notifies once.
 */
export function alertmanagerConfig(spec: SlaSpec): AlertmanagerConfig {
  const am = spec.alertmanager;
  const webhook = (url: string) => [{ url, send_resolved: true, max_alerts: 0 }];
  const { page, ticket } = spec.alerting.severities;
  return {
    global: { resolve_timeout: am.resolveTimeout },
    route: {
      receiver: 'perfkit-default',
      group_by: ['alertname', 'service'],
      group_wait: am.groupWait,
      group_interval: am.groupInterval,
      repeat_interval: am.repeatInterval,
      routes: [
        { receiver: 'perfkit-page', matchers: [`severity=${JSON.stringify(page)}`], continue: false },
        { receiver: 'perfkit-ticket', matchers: [`severity=${JSON.stringify(ticket)}`], continue: false },
      ],
    },
    inhibit_rules: [
      { source_matchers: [`severity=${JSON.stringify(page)}`], target_matchers: [`severity=${JSON.stringify(ticket)}`], equal: ['alertname', 'service'] },
    ],
    receivers: [
      { name: 'perfkit-default', webhook_configs: webhook(am.webhookUrl) },
      { name: 'perfkit-page', webhook_configs: webhook(am.pageWebhookUrl ?? am.webhookUrl) },
      { name: 'perfkit-ticket', webhook_configs: webhook(am.ticketWebhookUrl ?? am.webhookUrl) },
    ],
  };
}
