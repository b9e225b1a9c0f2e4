import { parseDuration } from '../duration';
import type { SlaSpec } from '../spec/schema';
import { slaThresholds, type SlaThresholds } from '../thresholds';
import { absentAlert, burnAlerts, limitAlert, type AlertContext } from './alertRules';
import { budgetRecordingRules, objectiveRecordingRules } from './recordingRules';
import type { RuleObjective } from './naming';
import { PREDICTABLE_TEMPLATES, renderAlertTemplate } from './alertTemplate';
import type { AlertRule, RuleGroup } from './types';
import { burnWindows, distinctWindows, type BurnWindow } from './windows';

/** Everything the rule generator decided, before it is written out. */
export interface GeneratedRules {
  readonly groups: RuleGroup[];
  readonly alerts: AlertRule[];
  readonly windows: BurnWindow[];
  readonly thresholds: SlaThresholds;
  /** Every objective the rules cover (perfkit's and raw-PromQL ones), in spec order. */
  readonly objectives: readonly RuleObjective[];
  readonly context: AlertContext;
  /** Changes the generator made to keep every alert able to fire (clamped windows, dropped pairs). */
  readonly warnings: string[];
}

/** Builds the recording and alerting rules of a validated spec. Pure: same spec, same rules. */
export function generateRules(spec: SlaSpec): GeneratedRules {
  const warnings: string[] = [];
  const thresholds = slaThresholds(spec);
  const windows = burnWindows(thresholds.windowSeconds, parseDuration(spec.alerting.minWindow), warnings, spec.alerting.windows);
  const context: AlertContext = {
    service: spec.service,
    window: spec.window,
    windowSeconds: thresholds.windowSeconds,
    selector: spec.selector,
    minEvents: spec.alerting.minEvents,
    absentFor: spec.alerting.absentFor,
    runbookBaseUrl: spec.alerting.runbookBaseUrl,
    severities: spec.alerting.severities,
    budgetIntervalSeconds: parseDuration(spec.alerting.budgetInterval),
  };
  const distinct = distinctWindows(windows);
  const slug = spec.service.replace(/[^a-zA-Z0-9_-]/g, '_');
  const groups: RuleGroup[] = [];
  const alerts: AlertRule[] = [];
  const objectives: RuleObjective[] = [...thresholds.objectives, ...thresholds.queryObjectives];
  const order = new Map(spec.objectives.map((o, i) => [o.id, i]));
  objectives.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  if (objectives.length > 0) {
    groups.push({
      name: `perfkit-sla:${slug}:recording`,
      rules: objectives.flatMap((o) => objectiveRecordingRules(spec.service, o, spec.selector, distinct)),
    });
    const interval = { text: spec.alerting.budgetInterval, seconds: parseDuration(spec.alerting.budgetInterval) };
    groups.push({
      name: `perfkit-sla:${slug}:budget`,
      interval: interval.text,
      rules: objectives.flatMap((o) => budgetRecordingRules(spec.service, o, spec.selector, interval, spec.window)),
    });
    const objectiveAlerts = objectives.flatMap((o) => [...burnAlerts(context, o, windows, warnings), absentAlert(context, o)]);
    for (const o of objectives) warnUnpredictableTemplates(o, warnings);
    groups.push({ name: `perfkit-sla:${slug}:objectives`, rules: objectiveAlerts });
    alerts.push(...objectiveAlerts);
  }
  if (thresholds.limits.length > 0) {
    const limitAlerts = thresholds.limits.map((l) => limitAlert(context, l));
    groups.push({ name: `perfkit-sla:${slug}:limits`, rules: limitAlerts });
    alerts.push(...limitAlerts);
  }
  return { groups, alerts, windows, thresholds, objectives, context, warnings: [...new Set(warnings)] };
}

/**
 * The generated promtool tests must expect each alert's text as Prometheus renders it; a spec template they cannot
 * predict leaves the objective's firing checks out (the silent ones stay), and says so.
 */
function warnUnpredictableTemplates(o: RuleObjective, warnings: string[]): void {
  const a = o.alerting;
  const fields: Array<[string, Record<string, string> | undefined]> = [
    ['annotations', a?.annotations], ['labels', a?.labels], ['page.labels', a?.page?.labels], ['ticket.labels', a?.ticket?.labels],
  ];
  for (const [where, map] of fields) {
    for (const [key, text] of Object.entries(map ?? {})) {
      if (renderAlertTemplate(text, { labels: {}, value: 0 }) === undefined) {
        warnings.push(
          `objective ${o.id}: alerting.${where}.${key} holds a template the generated promtool tests cannot predict; ` +
          `they leave out the checks where ${o.id}'s alerts fire (those where nothing fires stay). Predicted: ${PREDICTABLE_TEMPLATES}`,
        );
      }
    }
  }
}
