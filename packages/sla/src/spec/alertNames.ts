import type { SlaProblem } from '../errors';
import { absentAlertName, burnAlertName, limitAlertName } from '../rules/alertRules';
import { kebab } from '../rules/naming';
import type { LimitThreshold } from '../thresholds';
import type { SlaSpec } from './schema';

/** One alert name the rules will write, and what it belongs to. */
interface NameOwner {
  readonly name: string;
  /** `objectives[a-1b].id`, `objectives[a].alerting.name` or `resources.cpu`: where the name comes from. */
  readonly field: string;
  readonly value: string;
  /** `objective a-1b`, or `the cpu limit`. */
  readonly owner: string;
  readonly kind: 'burn' | 'absent' | 'limit';
  /** For a burn alert: named by `alerting.name` (sharing such a name is allowed); for a limit: its resource. */
  readonly custom?: boolean;
  readonly resource?: LimitThreshold['resource'];
}

/**
 * Alert names that would collide: ids that differ only in dashes or case of a digit run (`a-1b` and `a1b`, `a-b` and
 * `a--b`) give two objectives the same generated names, and an `alerting.name` can equal another alert's generated
 * name (`HostCpuHigh`, `XMetricsAbsent`). Objectives may share a burn-rate alert name on purpose through
 * `alerting.name` (their alerts keep apart by the `slo` label); anything else sharing a name, or a runbook file, is refused.
 */
export function alertNameProblems(spec: Pick<SlaSpec, 'objectives' | 'resources' | 'guards'>): SlaProblem[] {
  const owners: NameOwner[] = [];
  for (const o of spec.objectives) {
    const custom = o.alerting?.name !== undefined;
    owners.push({
      name: burnAlertName(o),
      field: custom ? `objectives[${o.id}].alerting.name` : `objectives[${o.id}].id`,
      value: custom ? o.alerting!.name! : o.id,
      owner: `objective ${o.id}`,
      kind: 'burn',
      custom,
    });
    owners.push({ name: absentAlertName(o), field: `objectives[${o.id}].id`, value: o.id, owner: `objective ${o.id}`, kind: 'absent' });
  }
  for (const key of Object.keys(spec.resources) as Array<keyof SlaSpec['resources']>) {
    if (spec.resources[key] === undefined) continue;
    owners.push({ name: limitAlertName(key), field: `resources.${key}`, value: key, owner: `the ${key} limit`, kind: 'limit', resource: key });
  }
  for (const g of spec.guards) {
    if (g.queueWait) owners.push({ name: limitAlertName('guardQueueWait'), field: `guards[${g.name}].queueWait`, value: g.name, owner: `guard ${g.name}`, kind: 'limit', resource: 'guardQueueWait' });
    if (g.utilization) owners.push({ name: limitAlertName('guardUtilization'), field: `guards[${g.name}].utilization`, value: g.name, owner: `guard ${g.name}`, kind: 'limit', resource: 'guardUtilization' });
  }
  // One problem per pair of owners, on the field to change (an alerting.name before an id, an objective before a limit).
  const pairs = new Map<string, { culprit: NameOwner; other: NameOwner; names: Set<string>; sameName: boolean }>();
  owners.forEach((b, i) => {
    for (const a of owners.slice(0, i)) {
      if (a.owner === b.owner) continue; // one objective's own names, or a duplicate id (reported as such)
      const sameName = a.name === b.name;
      if (!sameName && kebab(a.name) !== kebab(b.name)) continue;
      if (sameName && allowedToShare(a, b)) continue;
      const [culprit, other] = a.custom || b.kind === 'limit' ? [a, b] : [b, a];
      const key = `${culprit.field}\u0000${other.owner}`;
      const pair = pairs.get(key) ?? { culprit, other, names: new Set<string>(), sameName };
      pair.names.add(sameName ? b.name : `${culprit.name} and ${other.name}`);
      pairs.set(key, pair);
    }
  });
  return [...pairs.values()].map(({ culprit, other, names, sameName }): SlaProblem => ({
    code: 'PERFKIT_ERR_INVALID_SLA_SPEC',
    field: culprit.field,
    value: culprit.value,
    detail: sameName
      ? `${culprit.owner} and ${other.owner} would both write alerts named ${[...names].join(', ')} (${why(culprit, other)}); ` +
        `expected alert names that differ: ${culprit.custom ? 'choose another alerting.name' : 'change one of the ids'}`
      : `alerts ${[...names].join(', ')} of ${culprit.owner} and ${other.owner} would share a runbook file (${kebab(culprit.name)}.md); expected alert names that differ in more than case`,
  }));
}

/** Burn-rate alerts may share a name chosen with `alerting.name` (Pyrra's single ErrorBudgetBurn); guards share their limit alerts. */
function allowedToShare(a: NameOwner, b: NameOwner): boolean {
  if (a.kind === 'burn' && b.kind === 'burn') return a.custom === true || b.custom === true;
  return a.kind === 'limit' && b.kind === 'limit' && a.resource === b.resource;
}

function why(culprit: NameOwner, other: NameOwner): string {
  if (culprit.kind === other.kind && !culprit.custom && !other.custom) return 'alert names are the id in CamelCase, without its dashes';
  return `${what(culprit)}; ${what(other)}`;
}

function what(o: NameOwner): string {
  if (o.kind === 'limit') return `the ${o.resource} limit alert`;
  if (o.kind === 'absent') return `its metrics-absent alert, from id ${o.value}`;
  return o.custom ? `its burn-rate alert, from alerting.name` : `its burn-rate alert, from id ${o.value}`;
}
