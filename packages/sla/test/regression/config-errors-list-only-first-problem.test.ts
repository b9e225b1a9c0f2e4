/*
 * Regression: parseSlaSpec reported only the first zod issue, and an unknown key was shown as its whole parent object
 * with zod's "Unrecognized key", without the keys allowed there. The spec below has four independent mistakes; the
 * error must name each field, its value and what is allowed, in one throw (the expectations are written by hand).
 */
import { parseSlaSpec } from '@perfkit/sla';
import { errorOf } from '../errorOf';

function setup() {
  return {
    service: 'svc',
    windw: '28d',
    objectives: [{ id: 'dl', operation: { type: 'download' }, success: { target: 99, badOutcome: ['failure'] } }],
    resources: { memory: { max: 85 } },
  };
}

describe('regression: config errors list only first problem', () => {
  it('lists every problem of the spec at once, each with its field, value and what is allowed', () => {
    const err = errorOf(() => parseSlaSpec(setup()));
    expect(err.code).toBe('PERFKIT_ERR_INVALID_SLA_SPEC');
    expect(err.problems.map((p) => [p.field, p.value])).toEqual(expect.arrayContaining([
      ['windw', '28d'],
      ['objectives[dl].success.target', 99],
      ['objectives[dl].success.badOutcome', ['failure']],
      ['resources.memory.max', 85],
    ]));
    expect(err.problems).toHaveLength(4);
    expect(err.message).toMatch(/^Invalid SLA spec: 4 problems\n/);
    expect(err.message).toContain('\n  resources.memory.max = 85: expected a ratio of at most 1, e.g. 0.85 for 85%');
    expect(err.message).toContain('\n  objectives[dl].success.target = 99: expected a ratio below 1');
  });

  it('names an unknown key itself, lists the allowed keys and suggests the nearest', () => {
    const err = errorOf(() => parseSlaSpec(setup()));
    const line = (field: string) => err.message.split('\n').find((l) => l.trim().startsWith(`${field} =`));
    expect(line('windw')).toBe('  windw = "28d": unknown key; expected one of service, window, selector, objectives, resources, guards, operationTypes, alerting, alertmanager; did you mean "window"?');
    expect(line('objectives[dl].success.badOutcome')).toBe('  objectives[dl].success.badOutcome = ["failure"]: unknown key; expected one of target, badOutcomes; did you mean "badOutcomes"?');
  });

  it('lists every problem of the checks across fields too (duplicate ids, thresholds off the buckets)', () => {
    const err = errorOf(() => parseSlaSpec({
      service: 'svc',
      objectives: [
        { id: 'dl', operation: { type: 'download' }, success: { target: 0.99 } },
        { id: 'dl', operation: { type: 'download' }, success: { target: 0.9 } },
      ],
      guards: [{ name: 'g', queueWait: { max: 0.3 } }],
    }));
    expect(err.problems.map((p) => p.field)).toEqual(['objectives[1].id', 'guards[g].queueWait.max']);
    expect(err.problems.map((p) => p.code)).toEqual(['PERFKIT_ERR_INVALID_SLA_SPEC', 'PERFKIT_ERR_SLA_THRESHOLD_NOT_BOUNDARY']);
  });
});
