import { createPerfkit, type Perfkit } from '@perfkit/core';

function setup(config: Parameters<typeof createPerfkit>[0] = {}) {
  const perf = createPerfkit({ serviceName: 'test', prometheus: { serve: false }, logLevel: 'none', ...config });
  const series = (type: string, outcome: string) =>
    perf.snapshot().series.filter((s) => s.type === type && s.outcome === outcome);
  const drops = () => perf.snapshot().drops;
  return { perf, series, drops };
}

let perfs: Perfkit[] = [];
afterEach(async () => {
  await Promise.all(perfs.map((p) => p.shutdown()));
  perfs = [];
});
function tracked(config?: Parameters<typeof createPerfkit>[0]) {
  const s = setup(config);
  perfs.push(s.perf);
  return s;
}

describe('OperationHandle.track', () => {
  it('returns the sync value and records one success', () => {
    const { perf, series } = tracked();
    expect(perf.operation('download', 'a').track(() => 42)).toBe(42);
    expect(series('download', 'success')[0]!.count).toBe(1);
  });

  it('re-throws the very same error and records a failure with its class name', () => {
    const { perf, series } = tracked();
    class ChecksumMismatch extends Error {}
    const err = new ChecksumMismatch('bad');
    expect(() => perf.operation('download', 'a').track(() => { throw err; })).toThrow(err);
    const failures = series('download', 'failure');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.errorType).toBe('ChecksumMismatch');
  });

  it('prefers an error code over the class name for error.type', async () => {
    const { perf, series } = tracked();
    const err = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    await expect(perf.operation('download', 'a').track(async () => { throw err; })).rejects.toBe(err);
    expect(series('download', 'failure')[0]!.errorType).toBe('ECONNRESET');
  });

  it('resolves async work to its value and measures its real duration', async () => {
    const { perf, series } = tracked();
    const v = await perf.operation('model_operation', 'load').track(async () => {
      await new Promise((r) => setTimeout(r, 30));
      return 'ok';
    });
    expect(v).toBe('ok');
    const s = series('model_operation', 'success')[0]!;
    expect(s.count).toBe(1);
    expect(s.sum).toBeGreaterThanOrEqual(0.025);
    expect(s.sum).toBeLessThan(5);
  });

  it('counts active operations while async work runs', async () => {
    const { perf } = tracked();
    let release!: () => void;
    const p = perf.operation('download', 'slow').track(() => new Promise<void>((r) => (release = r)));
    expect(perf.activeOperations()).toEqual([{ type: 'download', name: 'slow', active: 1 }]);
    release();
    await p;
    expect(perf.activeOperations()).toEqual([]);
  });

  it('records figures against the operation type and name', async () => {
    const { perf } = tracked();
    await perf.operation('download', 'w').track(async (op) => {
      op.addBytes(1024);
      op.retry();
      op.integrityCheck(false);
    });
    const fig = perf.snapshot().figures.find((f) => f.name === 'w')!;
    expect(fig.values.downloadBytes).toBe(1024);
    expect(fig.values.retries).toBe(1);
    expect(fig.values.integrityFailed).toBe(1);
    expect(fig.values.integrityPassed).toBe(0);
  });

  it('drops and counts hostile figure values without throwing', () => {
    const { perf, drops } = tracked();
    const op = perf.operation('download', 'w');
    const hostile: unknown[] = [NaN, Infinity, -1, '12', null, undefined, {}, Symbol('x')];
    for (const v of hostile) expect(() => op.addBytes(v as number)).not.toThrow();
    expect(() => op.integrityScore(1.5)).not.toThrow();
    expect(() => op.integrityCheck('yes' as unknown as boolean)).not.toThrow();
    expect(drops().invalid_value).toBe(hostile.length + 2);
    expect(perf.snapshot().figures).toHaveLength(0);
  });

  it('drops a non-function instead of throwing', () => {
    const { perf, drops } = tracked();
    expect(perf.operation('download', 'w').track(undefined as unknown as () => void)).toBeUndefined();
    expect(drops().invalid_value).toBe(1);
  });

  it('drops every kind of non-function, records no duration and leaves no operation active', () => {
    const { perf, series, drops } = tracked();
    const op = perf.operation('download', 'w');
    const hostile: unknown[] = [undefined, null, 42, 'fn', {}, [], Symbol('x'), new Proxy({}, {}), Promise.resolve(1)];
    for (const v of hostile) expect(op.track(v as () => void)).toBeUndefined();
    expect(drops().invalid_value).toBe(hostile.length);
    expect(perf.snapshot().active).toEqual([]);
    expect(series('download', 'success').map((s) => s.count)).toEqual([0]); // the row a handle starts with
    expect(series('download', 'failure')).toEqual([]);
  });

  it('re-throws a TypeError thrown by a function (a class called without new included) and records the failure', () => {
    const { perf, series, drops } = tracked();
    const op = perf.operation('download', 'w');
    class Job {}
    const err = new TypeError('bad input');
    expect(() => op.track(() => { throw err; })).toThrow(err);
    expect(() => op.track(Job as unknown as () => void)).toThrow(TypeError);
    expect(series('download', 'failure').map((s) => [s.errorType, s.count])).toEqual([['TypeError', 2]]);
    expect(drops().invalid_value).toBe(0);
    expect(perf.snapshot().active).toEqual([]);
  });

  it('survives a thenable whose then getter throws', () => {
    const { perf, series } = tracked();
    const evil = Object.defineProperty({}, 'then', { get() { throw new Error('boom'); } });
    expect(perf.operation('download', 'w').track(() => evil)).toBe(evil);
    expect(series('download', 'success')[0]!.count).toBe(1);
  });
});

describe('OperationHandle.start', () => {
  it('records an explicit outcome once and counts a second end as dropped', () => {
    const { perf, series, drops } = tracked();
    const t = perf.operation('model_operation', 'generate').start();
    expect(t.isEnded).toBe(false);
    expect(t.end({ outcome: 'timeout' })).toBeGreaterThanOrEqual(0);
    t.end();
    t.fail(new Error('late'));
    expect(t.isEnded).toBe(true);
    expect(series('model_operation', 'timeout')[0]!.count).toBe(1);
    expect(series('model_operation', 'success')[0]!.count).toBe(0);
    expect(drops().already_ended).toBe(2);
  });

  it('drops an unknown outcome and keeps the active count right', () => {
    const { perf, drops } = tracked();
    perf.operation('download', 'x').start().end({ outcome: 'exploded' as never });
    expect(drops().invalid_value).toBe(1);
    expect(perf.activeOperations()).toEqual([]);
  });

  it('records fail() with the error type', () => {
    const { perf, series } = tracked();
    perf.operation('fallback', 'switch').start().fail(new TypeError('x'));
    expect(series('fallback', 'failure')[0]!.errorType).toBe('TypeError');
  });
});

describe('OperationHandle.record', () => {
  it('records an externally timed duration and rejects negative or NaN ones', () => {
    const { perf, series, drops } = tracked();
    const op = perf.operation('analytics_collection', 'batch');
    op.record(0.2);
    op.record(-1);
    op.record(NaN);
    op.record(0.3, { outcome: 'failure', errorType: 'Quota' });
    expect(series('analytics_collection', 'success')[0]!.sum).toBeCloseTo(0.2);
    expect(series('analytics_collection', 'failure')[0]!.errorType).toBe('Quota');
    expect(drops().invalid_value).toBe(2);
  });
});

describe('OperationHandle.track with promise subclasses', () => {
  it('returns a Promise subclass that overrides then as it is, timed as sync work, without calling its then', () => {
    const { perf, series } = tracked();
    class Evil<T> extends Promise<T> {
      override then(): never {
        throw new Error('then exploded');
      }
    }
    const evil = new Evil<number>((r) => r(1));
    expect(perf.operation('download', 'evil').track(() => evil)).toBe(evil);
    expect(series('download', 'success')[0]!.count).toBe(1);
  });
});

describe('OperationHandle rows, outcomes and figures (mutation testing, issue 18)', () => {
  const rows = (perf: Perfkit, type: string) =>
    perf.snapshot().series.filter((s) => s.type === type).map((s) => `${s.name}|${s.outcome}|${s.errorType ?? ''} n=${s.count} sum=${s.sum}`);

  it('records each outcome in its own row, an invalid error type as _OTHER, and drops bad outcomes and durations', () => {
    const { perf, drops } = tracked();
    const op = perf.operation('fallback', 'f');
    op.record(0.5);
    op.record(0.25, { outcome: 'timeout' });
    op.record(1, { outcome: 'timeout' });
    op.record(2, { outcome: 'failure', errorType: 'ECONNRESET' });
    op.record(3, { outcome: 'failure', errorType: 'not valid!' });
    op.record(4, { outcome: 'failure' });
    op.record(0, { outcome: 'cancelled' });
    for (const bad of [{ outcome: 'bogus' }, { outcome: 42 }, { get outcome(): string { throw new Error('getter'); } }]) op.record(1, bad as never);
    for (const bad of [-0.001, NaN, Infinity, '1' as unknown as number]) op.record(bad);
    // Rows in the order they were first needed: success (made with the handle), timeout, the failure types, cancelled.
    expect(rows(perf, 'fallback')).toEqual([
      'f|success| n=1 sum=0.5',
      'f|timeout| n=2 sum=1.25',
      'f|failure|ECONNRESET n=1 sum=2',
      'f|failure|_OTHER n=2 sum=7',
      'f|cancelled| n=1 sum=0',
    ]);
    expect(drops().invalid_value).toBe(7);
  });

  it('puts every outcome in the one row when a view drops the outcome, and every failure in one row when it drops the error type', () => {
    const { perf } = tracked({
      views: [
        { operationType: 'fallback', attributes: ['operation.type', 'operation.name'] },
        { operationType: 'download', attributes: ['operation.type', 'operation.name', 'operation.outcome'] },
      ],
    });
    const f = perf.operation('fallback', 'f');
    f.record(1, { outcome: 'timeout' });
    f.record(2, { outcome: 'failure', errorType: 'E' });
    expect(() => f.track(() => {
      throw new TypeError('x');
    })).toThrow(TypeError);
    f.start().end({ outcome: 'rejected' });
    expect(rows(perf, 'fallback').map((r) => r.replace(/ sum=.*/, ''))).toEqual(['f|| n=4']);
    const d = perf.operation('download', 'd');
    d.record(1, { outcome: 'failure', errorType: 'A' });
    d.record(2, { outcome: 'failure', errorType: 'B' });
    expect(() => d.track(() => {
      throw new RangeError('y');
    })).toThrow(RangeError);
    expect(rows(perf, 'download').map((r) => r.replace(/ sum=.*/, ''))).toEqual(['d|success| n=0', 'd|failure| n=3']);
  });

  it('adds figures per slot and drops negative, NaN, infinite and non-number values, and scores outside 0..1', () => {
    const { perf, drops } = tracked();
    const op = perf.operation('download', 'w');
    op.track((ctx) => {
      ctx.addBytes(100);
      ctx.addBytes(28);
      ctx.retry();
      ctx.retry();
      ctx.addItems(3);
      ctx.integrityCheck(true);
      ctx.integrityCheck(false);
      ctx.integrityCheck(false);
      ctx.corruptionsFound(1);
      ctx.alternativesConsidered(4);
      ctx.addTokens(0);
      ctx.addRecords(7);
      ctx.integrityScore(0.25);
      ctx.compatibilityScore(1);
      for (const bad of [-1, NaN, Infinity, '5' as unknown as number]) ctx.addBytes(bad);
      ctx.integrityCheck('yes' as unknown as boolean);
      for (const bad of [-0.1, 1.1, NaN]) ctx.integrityScore(bad);
      ctx.compatibilityScore(2);
    });
    const fig = perf.snapshot().figures.find((f) => f.name === 'w')!.values;
    expect(fig).toEqual({ retries: 2, items: 3, downloadBytes: 128, integrityPassed: 1, integrityFailed: 2, corruptions: 1, alternatives: 4, tokens: 0, records: 7 });
    expect(drops().invalid_value).toBe(9);
  });

  it('counts active runs of start() and track() until they end, and ends a timer once', () => {
    const { perf, drops } = tracked();
    const op = perf.operation('download', 'act');
    const a = op.start();
    const b = op.start();
    let inside = -1;
    op.track(() => (inside = perf.activeOperations()[0]!.active));
    expect(inside).toBe(3);
    a.end();
    a.end();
    expect([perf.activeOperations(), drops().already_ended]).toEqual([[{ type: 'download', name: 'act', active: 1 }], 1]);
    b.fail(new RangeError('r'));
    expect(perf.activeOperations()).toEqual([]);
    expect(rows(perf, 'download').map((r) => r.replace(/ sum=.*/, ''))).toEqual(['act|success| n=2', 'act|failure|RangeError n=1']);
  });
});
