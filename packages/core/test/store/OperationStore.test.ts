import { createPerfkit, PerfkitError, type Perfkit } from '@perfkit/core';

const open: Perfkit[] = [];
function setup(config: Parameters<typeof createPerfkit>[0] = {}) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', ...config });
  open.push(perf);
  return { perf };
}
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

describe('OperationStore', () => {
  it('returns the same handle for the same type and name', () => {
    const { perf } = setup();
    expect(perf.operation('download', 'a')).toBe(perf.operation('download', 'a'));
  });

  it('runs work of an unknown type but drops and counts its measurement', () => {
    const { perf } = setup();
    expect(perf.trackOperation('no_such_type', 'x', () => 7)).toBe(7);
    expect(perf.snapshot().drops.unknown_operation_type).toBe(1);
    expect(perf.snapshot().series).toHaveLength(0);
  });

  it('drops names that are empty, not strings or longer than the limit', () => {
    const { perf } = setup({ limits: { maxNameLength: 16 } });
    perf.trackOperation('download', 'x'.repeat(17), () => 0);
    perf.trackOperation('download', '', () => 0);
    perf.trackOperation('download', 42 as unknown as string, () => 0);
    expect(perf.snapshot().drops.invalid_name).toBe(3);
  });

  it('sends new names past the series limit to one overflow series per type', () => {
    const { perf } = setup({ limits: { maxSeriesPerMetric: 10 } });
    for (let i = 0; i < 1000; i++) perf.trackOperation('download', `name-${i}`, () => 0);
    const series = perf.snapshot().series;
    const overflow = series.filter((s) => s.isOverflow);
    expect(series.filter((s) => !s.isOverflow)).toHaveLength(10);
    expect(overflow).toHaveLength(1);
    expect(overflow[0]!.count).toBe(990);
  });

  it('folds error types past the limit into _OTHER', () => {
    const { perf } = setup({ limits: { maxErrorTypes: 3 } });
    const op = perf.operation('download', 'a');
    for (let i = 0; i < 10; i++) op.record(0.1, { outcome: 'failure', errorType: `E${i}` });
    const types = perf.snapshot().series.filter((s) => s.outcome === 'failure').map((s) => s.errorType).sort();
    expect(types).toEqual(['E0', 'E1', 'E2', '_OTHER']);
  });

  it('uses per-type buckets from registerOperationType and refuses bad ones with a code', () => {
    const { perf } = setup();
    perf.registerOperationType('indexing', { buckets: [1, 2, 4] });
    perf.trackOperation('indexing', 'a', () => 0);
    expect(perf.snapshot().series[0]!.bounds).toEqual([1, 2, 4]);
    expect(() => perf.registerOperationType('indexing2', { buckets: [2, 1] })).toThrow(
      expect.objectContaining({ code: 'PERFKIT_ERR_INVALID_BUCKETS' }),
    );
    expect(() => perf.registerOperationType('Bad Type')).toThrow(PerfkitError);
    expect(() => perf.registerOperationType('indexing', { buckets: [5] })).toThrow(/already has series/);
  });

  it('applies a view: its buckets and an allow-list that drops operation.name', () => {
    const { perf } = setup({ views: [{ operationType: 'model_operation', buckets: [0.5, 2], attributes: ['operation.type', 'operation.outcome', 'error.type'] }] });
    perf.trackOperation('model_operation', 'a', () => 0);
    perf.trackOperation('model_operation', 'b', () => 0);
    const series = perf.snapshot().series.filter((s) => s.type === 'model_operation');
    expect(series).toHaveLength(1);
    expect(series[0]!.name).toBe('');
    expect(series[0]!.bounds).toEqual([0.5, 2]);
    expect(series[0]!.count).toBe(2);
  });
});
