import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSlaSpec, parseSlaSpec, SlaSpecError } from '@perfkit/sla';
import { errorOf } from '../errorOf';

function setup(overrides: Record<string, unknown> = {}) {
  return {
    service: 'svc',
    objectives: [
      { id: 'dl', operation: { type: 'download', name: 'fetch' }, success: { target: 0.995 } },
      { id: 'gen-latency', operation: { type: 'model_operation', name: 'generate' }, latency: { threshold: '2s', target: 0.99 } },
    ],
    ...overrides,
  };
}

describe('parseSlaSpec', () => {
  it('applies defaults and turns duration thresholds into seconds when the spec is valid', () => {
    const spec = parseSlaSpec(setup());
    expect(spec.window).toBe('28d');
    expect(spec.objectives[1]!.latency!.threshold).toBe(2);
    expect(spec.alerting.minEvents).toBe(10);
  });

  it('is idempotent when given its own output', () => {
    const spec = parseSlaSpec(setup());
    expect(parseSlaSpec(spec)).toEqual(spec);
  });

  it('names the objective by id, the field and the value when a target is a percentage', () => {
    const input = setup();
    (input.objectives[1] as { latency: { target: number } }).latency.target = 99;
    const err = errorOf(() => parseSlaSpec(input));
    expect(err.code).toBe('PERFKIT_ERR_INVALID_SLA_SPEC');
    expect(err.field).toBe('objectives[gen-latency].latency.target');
    expect(err.message).toContain('= 99');
    expect(err.message).toContain('0.995 for 99.5%');
  });

  it('refuses an objective with both success and latency, or neither', () => {
    const both = setup({ objectives: [{ id: 'x', operation: { type: 'download' }, success: { target: 0.9 }, latency: { threshold: 1, target: 0.9 } }] });
    expect(errorOf(() => parseSlaSpec(both)).message).toContain('exactly one of success, latency or promql');
    const neither = setup({ objectives: [{ id: 'x', operation: { type: 'download' } }] });
    expect(errorOf(() => parseSlaSpec(neither)).field).toBe('objectives[x]');
  });

  it('defaults the selector to the service\'s job (so other jobs cannot count against it)', () => {
    expect(parseSlaSpec({ service: 'api' }).selector).toEqual({ job: 'api' });
    expect(parseSlaSpec({ service: 'api', selector: { env: 'prod' } }).selector).toEqual({ env: 'prod' });
  });

  it('accepts a raw-PromQL objective and refuses one without {{.window}}, with both queries, or with an operation', () => {
    const q = (extra: Record<string, unknown>) => ({ service: 'api', objectives: [{ id: 'p', promql: { target: 0.999, totalQuery: 'sum(rate(x[{{.window}}]))', ...extra } }] });
    expect(parseSlaSpec(q({ errorQuery: 'sum(rate(x{code="500"}[{{.window}}]))' })).objectives[0]!.promql!.target).toBe(0.999);
    expect(errorOf(() => parseSlaSpec(q({ errorQuery: 'sum(rate(x[5m]))' }))).message).toContain('{{.window}} placeholder');
    expect(errorOf(() => parseSlaSpec(q({ errorQuery: 'a[{{.window}}]', goodQuery: 'b[{{.window}}]' }))).message).toContain('exactly one of errorQuery or goodQuery');
    const withOp = q({ errorQuery: 'a[{{.window}}]' });
    (withOp.objectives[0] as Record<string, unknown>).operation = { type: 'download' };
    expect(errorOf(() => parseSlaSpec(withOp)).message).toContain('none for a promql objective');
  });

  it('refuses duplicate objective ids and guard names', () => {
    const dup = setup({ objectives: [...setup().objectives, { id: 'dl', operation: { type: 'download' }, success: { target: 0.9 } }] });
    expect(errorOf(() => parseSlaSpec(dup)).field).toBe('objectives[2].id');
    const guards = setup({ guards: [{ name: 'g' }, { name: 'g' }] });
    expect(errorOf(() => parseSlaSpec(guards)).field).toBe('guards[1].name');
  });

  it.each([
    ['NaN target', { objectives: [{ id: 'a', operation: { type: 'download' }, success: { target: NaN } }] }, 'objectives[a].success.target'],
    ['Infinity threshold', { objectives: [{ id: 'a', operation: { type: 'download' }, latency: { threshold: Infinity, target: 0.9 } }] }, 'objectives[a].latency.threshold'],
    ['a huge service name', { service: 'x'.repeat(100_000) }, 'service'],
    ['a string as the objective list', { objectives: 'all of them' }, 'objectives'],
    ['an unknown key', { windows: '28d' }, 'windows'],
    ['a bad window', { window: '28 days' }, 'window'],
    ['a negative minEvents', { alerting: { minEvents: -1 } }, 'alerting.minEvents'],
    ['a memory limit above 1', { resources: { memory: { max: 85 } } }, 'resources.memory.max'],
    ['an unknown outcome', { objectives: [{ id: 'a', operation: { type: 'download' }, success: { target: 0.9, badOutcomes: ['boom'] } }] }, 'objectives[a].success.badOutcomes[0]'],
    ['a bad operation type', { objectives: [{ id: 'a', operation: { type: 'Download!' }, success: { target: 0.9 } }] }, 'objectives[a].operation.type'],
    ['a label with a newline', { selector: { job: 'a\nb' } }, 'selector.job'],
  ])('names the field when the spec has %s', (_what, overrides, field) => {
    const err = errorOf(() => parseSlaSpec(setup(overrides as Record<string, unknown>)));
    expect(err.field).toBe(field);
    expect(err.message.length).toBeLessThan(400);
  });

  it.each([null, undefined, 42, 'spec', [], true])('refuses %p as a spec without throwing anything but a SlaSpecError', (value) => {
    expect(errorOf(() => parseSlaSpec(value)).field).toBe('spec');
  });
});

describe('loadSlaSpec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perfkit-sla-spec-'));

  it('reads YAML and JSON files', () => {
    writeFileSync(join(dir, 'a.yaml'), 'service: svc\nobjectives:\n  - id: a\n    operation: { type: download }\n    success: { target: 0.99 }\n');
    writeFileSync(join(dir, 'a.json'), JSON.stringify(setup()));
    expect(loadSlaSpec(join(dir, 'a.yaml')).objectives[0]!.id).toBe('a');
    expect(loadSlaSpec(join(dir, 'a.json')).service).toBe('svc');
  });

  it('reports a missing file, broken YAML and duplicate keys with the file code', () => {
    writeFileSync(join(dir, 'broken.yaml'), 'service: [unclosed\n');
    writeFileSync(join(dir, 'dup.yaml'), 'service: a\nservice: b\n');
    for (const name of ['missing.yaml', 'broken.yaml', 'dup.yaml']) {
      const err = errorOf(() => loadSlaSpec(join(dir, name)));
      expect(err.code).toBe('PERFKIT_ERR_SLA_SPEC_FILE');
      expect(err.message).toContain(name);
    }
  });

  it('loads the example spec', () => {
    const spec = loadSlaSpec(join(__dirname, '../../../../examples/sla.yaml'));
    expect(spec.objectives.map((o) => o.id)).toEqual(['download-success', 'generate-latency', 'generate-success']);
  });
});

describe('parseSlaSpec with hostile objects', () => {
  it('throws a coded SlaSpecError when a getter of the spec throws', () => {
    const spec = { service: 'svc', get objectives(): never { throw new Error('boom'); } };
    expect(() => parseSlaSpec(spec)).toThrow(expect.objectContaining({ code: 'PERFKIT_ERR_INVALID_SLA_SPEC', field: 'spec' }));
  });
});
