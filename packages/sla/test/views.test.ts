import { createPerfkit, DEFAULT_BUCKETS } from '@perfkit/core';
import { parseSlaSpec, viewsFromSpec } from '@perfkit/sla';
import { errorOf } from './errorOf';

function setup(objectives: unknown[], extra: Record<string, unknown> = {}) {
  return parseSlaSpec({ service: 'svc', objectives, ...extra });
}
const latency = (id: string, type: string, threshold: unknown, name?: string) => ({
  id,
  operation: { type, ...(name ? { name } : {}) },
  latency: { threshold, target: 0.99 },
});

describe('viewsFromSpec', () => {
  it('inserts each latency threshold into the default buckets of its type when it is not one', () => {
    const { views } = viewsFromSpec(setup([latency('a', 'download', '3s'), latency('b', 'download', 0.75)]));
    const buckets = views.find((v) => v.operationType === 'download')!.buckets!;
    expect(buckets).toContain(3);
    expect(buckets).toContain(0.75);
    expect(buckets.length).toBe(DEFAULT_BUCKETS.download!.length + 2);
    expect([...buckets].sort((x, y) => x - y)).toEqual(buckets);
  });

  it('registers a custom operation type with its buckets and keeps built-in ones out of operationTypes', () => {
    const out = viewsFromSpec(setup([latency('a', 'indexing', '250ms'), latency('b', 'model_operation', 2)]));
    expect(out.operationTypes).toEqual({ indexing: { buckets: expect.arrayContaining([0.25]) } });
  });

  it('refuses a threshold missing from explicit buckets, naming the objective', () => {
    const err = errorOf(() => setup([latency('slow', 'download', 3)], { operationTypes: { download: { buckets: [1, 2, 5] } } }));
    expect(err.code).toBe('PERFKIT_ERR_SLA_THRESHOLD_NOT_BOUNDARY');
    expect(err.field).toBe('objectives[slow].latency.threshold');
    expect(err.message).toContain('add 3 there');
  });

  it('refuses a threshold that is a floating-point artefact', () => {
    const err = errorOf(() => setup([latency('a', 'download', 0.1 + 0.2)]));
    expect(err.code).toBe('PERFKIT_ERR_SLA_THRESHOLD_NOT_BOUNDARY');
    expect(err.message).toContain('0.3');
  });

  it('refuses thresholds that would push a histogram past 64 buckets', () => {
    const many = Array.from({ length: 60 }, (_, i) => latency(`t${i}`, 'download', 1000 + i));
    expect(errorOf(() => setup(many)).code).toBe('PERFKIT_ERR_SLA_THRESHOLD_NOT_BOUNDARY');
  });

  it('refuses an allow-list without the operation name when an objective selects a name', () => {
    const err = errorOf(() =>
      setup([latency('a', 'download', 2, 'fetch')], { operationTypes: { download: { attributes: ['operation.type', 'operation.outcome'] } } }),
    );
    expect(err.field).toBe('operationTypes.download.attributes');
  });

  it('refuses a guard queue-wait limit that is not a queue-wait bucket', () => {
    const err = errorOf(() => setup([], { guards: [{ name: 'g', queueWait: { max: '120ms' } }] }));
    expect(err.field).toBe('guards[g].queueWait.max');
  });

  it('makes the threshold an exact bucket in what a real perfkit instance exports, with only allowed attributes', async () => {
    const spec = setup([latency('gen', 'model_operation', 1.5, 'generate')], {
      operationTypes: { model_operation: { attributes: ['operation.type', 'operation.name', 'operation.outcome'] } },
    });
    const perf = createPerfkit({ serviceName: 'svc', prometheus: { serve: false }, ...viewsFromSpec(spec), logLevel: 'none' });
    try {
      const op = perf.operation('model_operation', 'generate');
      op.record(1.4);
      op.record(1.6);
      op.record(0.2, { outcome: 'failure', errorType: 'Boom' });
      const text = await perf.metrics();
      expect(text).toMatch(/perfkit_operation_duration_seconds_bucket\{[^}]*operation_outcome="success"[^}]*le="1.5"\} 1\n/);
      expect(text).not.toContain('error_type=');
    } finally {
      await perf.shutdown();
    }
  });
});
