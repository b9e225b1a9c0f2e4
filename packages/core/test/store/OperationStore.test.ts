import { createPerfkit, PerfkitError, type Perfkit } from '@perfkit/core';
import type { ViewConfig } from '../../src/config';
import { DROP_REASONS } from '../../src/names';
import type { OperationHandle } from '../../src/operations/OperationHandle';
import { directStore as direct } from './directStore';

/** Drop counts in the order of DROP_REASONS, zero unless given. */
const expectDrops = (given: Partial<Record<(typeof DROP_REASONS)[number], number>>) => DROP_REASONS.map((r) => given[r] ?? 0);

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

describe('OperationStore, built directly (mutation testing, issue 18)', () => {
  it('counts the five built-in types against limits.maxOperationTypes and names the limit when it is reached', () => {
    const { s } = direct({ limits: { maxOperationTypes: 6 } });
    expect(s.operationTypes()).toEqual(['download', 'health_check', 'fallback', 'model_operation', 'analytics_collection']);
    s.registerType('sixth');
    let err: unknown;
    try {
      s.registerType('seventh');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'PERFKIT_ERR_INVALID_OPERATION_TYPE', message: expect.stringContaining('limits.maxOperationTypes (6) reached') });
    expect(() => s.registerType('sixth', [1, 2])).not.toThrow(); // an existing type may be re-bucketed at the limit
    expect(s.operationTypes()).toEqual(['download', 'health_check', 'fallback', 'model_operation', 'analytics_collection', 'sixth']);
  });

  it('re-buckets a type without series, keeps its code buckets when registered again without any, and allows the same buckets once it has series', () => {
    const { s, series } = direct({ operationTypes: { configured: { buckets: [9] } } });
    s.registerType('idx', [1]);
    s.registerType('idx', [3, 4]);
    s.registerType('idx');
    s.operation('idx', 'a').record(3.5);
    s.registerType('idx', [3, 4]);
    expect(() => s.registerType('idx', [3, 5])).toThrow(expect.objectContaining({ code: 'PERFKIT_ERR_INVALID_BUCKETS' }));
    expect(() => s.registerType('idx', [3])).toThrow(/already has series/);
    s.operation('configured', 'c').record(1);
    // Tables in registration order: the built-in types, those of the configuration, then those registered in code.
    expect(series()).toEqual(['configured/c/success [9] n=1', 'idx/a/success [3,4] n=1']);
  });

  it('picks the most specific view for buckets: type and name > name > type > code buckets > wildcard > defaults, the first among equals', () => {
    const views: ViewConfig[] = [
      { buckets: [30] },
      { buckets: [31] },
      { operationName: 'n', buckets: [10] },
      { operationType: 'download', buckets: [20] },
      { operationType: 'download', operationName: 'n', buckets: [40] },
      { operationType: 'download', operationName: 'n', buckets: [41] },
    ];
    const { s, series } = direct({ views, operationTypes: { coded: { buckets: [50] } } });
    for (const [type, name] of [['download', 'n'], ['fallback', 'n'], ['download', 'm'], ['fallback', 'm'], ['coded', 'm']] as const) s.operation(type, name).record(1);
    expect(series().sort()).toEqual(['coded/m/success [50] n=1', 'download/m/success [20] n=1', 'download/n/success [40] n=1', 'fallback/m/success [30] n=1', 'fallback/n/success [10] n=1']);
  });

  it('lets a view drop one name\'s label while the type keeps its names, and keeps a nameless variant in the type\'s collapsed series', () => {
    const { s, series } = direct({ views: [{ operationType: 'download', operationName: 'secret', attributes: ['operation.type', 'operation.outcome'] }] });
    s.operation('download', 'secret').record(1);
    s.operation('download', 'open').record(1);
    expect(series()).toEqual(['download//success [0.1,0.25,0.5,1,2.5,5,10,30,60,120,300,600] n=1', 'download/open/success [0.1,0.25,0.5,1,2.5,5,10,30,60,120,300,600] n=1']);
    const both = direct({ views: [{ operationType: 'fallback', attributes: ['operation.type'] }, { operationType: 'fallback', operationName: 'x', attributes: ['operation.type'] }] });
    both.s.operation('fallback', 'x').record(1);
    both.s.operation('fallback', 'y').record(1);
    // Neither keeps the outcome either: one row without it.
    expect(both.series()).toEqual(['fallback// [0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10,30] n=2']);
  });

  it('sends new series past the limit to one overflow series per type, warns once per type, and names no operation in its attributes', () => {
    const { s, warnings, series } = direct({ limits: { maxSeriesPerMetric: 2 } });
    for (const name of ['a', 'b', 'c', 'd']) s.operation('fallback', name).record(1);
    s.operation('health_check', 'e').record(1);
    expect(series().map((x) => x.replace(/ \[.*\]/, ''))).toEqual(['health_check//success/overflow n=1', 'fallback/a/success n=1', 'fallback/b/success n=1', 'fallback//success/overflow n=2']);
    expect(warnings).toEqual([
      'operation series limit (2) reached; new "fallback" operations are recorded under otel.metric.overflow="true"',
      'operation series limit (2) reached; new "health_check" operations are recorded under otel.metric.overflow="true"',
    ]);
    const overflow = s.operation('fallback', 'c') as OperationHandle;
    expect(s.attributesOf(overflow)).toEqual({ 'operation.type': 'fallback', 'otel.metric.overflow': 'true' });
    expect(s.attributesOf(s.operation('fallback', 'a') as OperationHandle)).toEqual({ 'operation.type': 'fallback', 'operation.name': 'a' });
  });

  it('sends a known handle\'s new outcome rows past the limit to its type\'s overflow series, written once per outcome', () => {
    const { s, series } = direct({ limits: { maxSeriesPerMetric: 2 } });
    const a = s.operation('fallback', 'a');
    a.record(1);
    a.record(1, { outcome: 'timeout' });
    a.record(1, { outcome: 'failure', errorType: 'E' });
    a.record(2, { outcome: 'failure', errorType: 'E' });
    // A handle has its success row from the start, the overflow handle too (empty here).
    expect(series().map((x) => x.replace(/ \[.*\]/, ''))).toEqual(['fallback/a/success n=1', 'fallback/a/timeout n=1', 'fallback//success/overflow n=0', 'fallback//failure/E/overflow n=2']);
  });

  it('drops work of an unknown type or a bad name, counts each drop by reason, and warns once per reason and type', () => {
    const { s, warnings } = direct({ limits: { maxNameLength: 4 } });
    s.operation('nope', 'a').record(1);
    s.operation('nope', 'b').record(1);
    s.operation('download', 'toolong').record(1);
    s.operation('download', '').record(1);
    expect(Array.from(s.drops)).toEqual(expectDrops({ unknown_operation_type: 2, invalid_name: 2 }));
    expect(warnings).toEqual([
      'cannot record operation unknown_operation_type for type nope; its measurements are dropped and counted in perfkit_dropped_measurements_total',
      'cannot record operation invalid_name for type download; its measurements are dropped and counted in perfkit_dropped_measurements_total',
    ]);
    expect([s.operation('download', 'abcd').type, s.operation('download', 'abcd').name]).toEqual(['download', 'abcd']); // 4 characters: at the limit, kept
  });

  it('writes outcome and error type label text per row, with the const labels first', () => {
    const { s } = direct({ constLabels: 'env="prod",' });
    const h = s.operation('fallback', 'q"x') as OperationHandle;
    h.record(1, { outcome: 'failure', errorType: 'TypeError' });
    h.record(1);
    const t = s.types.get('fallback')!.table;
    expect([t.rowLabels(0), t.rowLabels(1)]).toEqual([
      'env="prod",operation_type="fallback",operation_name="q\\"x",operation_outcome="success"',
      'env="prod",operation_type="fallback",operation_name="q\\"x",operation_outcome="failure",error_type="TypeError"',
    ]);
  });

  it('keeps score rows apart per handle and score, and lists running operations until they end', async () => {
    const { s } = direct();
    const a = s.operation('download', 'a') as OperationHandle;
    const b = s.operation('download', 'b') as OperationHandle;
    s.recordScore(a, 0, 0.5);
    s.recordScore(a, 0, 0.7);
    s.recordScore(b, 1, 0.9);
    expect([s.scoreTables[0].size, s.scoreTables[1].size]).toEqual([1, 1]);
    expect([s.scoreTables[0].read(0).count, s.scoreTables[0].read(0).sum]).toEqual([2, 1.2]);
    expect(s.scoreTables[0].rowLabels(0)).toBe('operation_type="download",operation_name="a"');
    const t1 = a.start();
    const t2 = a.start();
    const t3 = b.start();
    expect(s.activeOperations()).toEqual([{ type: 'download', name: 'a', active: 2 }, { type: 'download', name: 'b', active: 1 }]);
    t1.end();
    t3.end();
    expect(s.activeOperations()).toEqual([{ type: 'download', name: 'a', active: 1 }]);
    expect(await s.waitForIdle(1)).toBe(false);
    setTimeout(() => t2.end(), 5);
    expect(await s.waitForIdle(5000)).toBe(true);
    expect(s.activeOperations()).toEqual([]);
  });

  it('records nothing when disabled', () => {
    const { s, series } = direct({ disabled: true });
    expect(s.operation('download', 'a').track(() => 3)).toBe(3);
    expect([series(), s.handles.length]).toEqual([[], 0]);
  });

  it('keeps one dropping handle for each of the first 256 reasons and types, names a non-string type by its kind, and stops warning after 1,001', () => {
    const { s, warnings } = direct();
    const first = s.operation('t0', 'n'.repeat(100));
    expect([first, first.type, first.name]).toEqual([s.operation('t0', 'other'), 't0', 'n'.repeat(64)]);
    expect(s.operation(42 as never, 'a').type).toBe('42');
    expect(warnings[1]).toBe('cannot record operation unknown_operation_type for type number; its measurements are dropped and counted in perfkit_dropped_measurements_total');
    for (let i = 1; i < 1100; i++) s.operation(`t${i}`, 'a');
    // Kept: t0, number and t1..t254 (256); t255 is made afresh each time.
    expect(s.operation('t254', 'a')).toBe(s.operation('t254', 'a'));
    expect(s.operation('t255', 'a')).not.toBe(s.operation('t255', 'a'));
    // One warning per key until 1,001 keys have warned (the set stops growing past 1,000).
    expect(warnings).toHaveLength(1001);
  });

  it('writes a view variant that keeps its type\'s buckets in the type\'s table once', () => {
    const { s, series } = direct({ views: [{ operationType: 'download', operationName: 'same', buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] }] });
    s.operation('download', 'same').record(1);
    expect([s.durationTables().length, series().length]).toEqual([5, 1]);
  });
});
