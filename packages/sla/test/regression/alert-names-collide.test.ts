/*
 * Regression: alert names are the objective id in CamelCase without its dashes, so ids such as `a-1b` and `a1b`, or
 * `a-b` and `a--b`, gave two objectives the same BudgetBurn and MetricsAbsent alerts (one runbook, one name for two
 * unrelated SLOs), and an `alerting.name` could equal a limit alert (`HostCpuHigh`). Such specs are now refused at
 * parse time, all collisions at once, naming both owners and the name; sharing a name on purpose through
 * `alerting.name` (Pyrra's single ErrorBudgetBurn) stays allowed.
 */
import { parseSlaSpec } from '@perfkit/sla';
import { errorOf } from '../errorOf';

const objective = (id: string, alerting?: Record<string, unknown>) => ({ id, operation: { type: 'download' }, success: { target: 0.99 }, ...(alerting ? { alerting } : {}) });

describe('regression: alert names collide', () => {
  it('refuses ids that give the same alert names, and an alerting.name equal to a limit alert, in one error', () => {
    const err = errorOf(() => parseSlaSpec({
      service: 'svc',
      objectives: [objective('a-1b'), objective('a1b'), objective('a-b'), objective('a--b'), objective('cpu', { name: 'HostCpuHigh' })],
      resources: { cpu: { max: 0.9 } },
    }));
    expect(err.code).toBe('PERFKIT_ERR_INVALID_SLA_SPEC');
    expect(err.problems.map((p) => [p.field, p.value])).toEqual([
      ['objectives[a1b].id', 'a1b'],
      ['objectives[a--b].id', 'a--b'],
      ['objectives[cpu].alerting.name', 'HostCpuHigh'],
    ]);
    expect(err.problems[0]!.detail).toContain('objective a1b and objective a-1b would both write alerts named A1bBudgetBurn, A1bMetricsAbsent');
    expect(err.problems[1]!.detail).toContain('objective a--b and objective a-b would both write alerts named ABBudgetBurn, ABMetricsAbsent');
    expect(err.problems[2]!.detail).toContain('objective cpu and the cpu limit would both write alerts named HostCpuHigh');
  });

  it('refuses an alerting.name equal to another objective\'s absent alert', () => {
    const err = errorOf(() => parseSlaSpec({ service: 'svc', objectives: [objective('a', { name: 'BMetricsAbsent' }), objective('b')] }));
    expect(err.field).toBe('objectives[a].alerting.name');
    expect(err.message).toContain('BMetricsAbsent');
  });

  it('still lets objectives share a burn-rate alert name chosen with alerting.name, and guards share their limit alerts', () => {
    const spec = parseSlaSpec({
      service: 'svc',
      objectives: [objective('a', { name: 'ErrorBudgetBurn' }), objective('b', { name: 'ErrorBudgetBurn' })],
      guards: [{ name: 'g1', utilization: { max: 0.8 } }, { name: 'g2', utilization: { max: 0.8 } }],
    });
    expect(spec.objectives).toHaveLength(2);
  });
});
