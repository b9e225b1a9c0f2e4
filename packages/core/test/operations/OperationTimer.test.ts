import { createPerfkit, type Perfkit } from '@perfkit/core';

const open: Perfkit[] = [];
function setup() {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  open.push(perf);
  const series = (outcome: string) => perf.snapshot().series.filter((s) => s.name === 'job' && s.outcome === outcome && s.count > 0);
  return { perf, op: perf.operation('download', 'job'), series };
}
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Timer (handle.start())', () => {
  it('returns the seconds between start and end, within the wall time the test measured around it', async () => {
    const { op, series } = setup();
    const before = Date.now();
    const t = op.start();
    await sleep(40);
    expect(t.isEnded).toBe(false);
    const seconds = t.end();
    const wall = (Date.now() - before) / 1000;
    expect(t.isEnded).toBe(true);
    expect(seconds).toBeGreaterThanOrEqual(0.035);
    expect(seconds).toBeLessThanOrEqual(wall + 0.002);
    const [s] = series('success');
    expect(s!.count).toBe(1);
    expect(s!.sum).toBe(seconds);
  });

  it('counts a running timer as active until it ends', () => {
    const { perf, op } = setup();
    const t = op.start();
    const second = op.start();
    expect(perf.activeOperations().find((a) => a.name === 'job')?.active).toBe(2);
    t.end();
    t.end();
    expect(perf.activeOperations().find((a) => a.name === 'job')?.active).toBe(1);
    second.fail(new Error('x'));
    expect(perf.activeOperations().find((a) => a.name === 'job')?.active ?? 0).toBe(0);
  });

  it('records fail(err) as a failure with the error type and returns its seconds', () => {
    const { op, series } = setup();
    const t = op.start();
    const seconds = t.fail(Object.assign(new Error('x'), { code: 'ECONNRESET' }));
    expect(seconds).toBeGreaterThanOrEqual(0);
    expect(t.isEnded).toBe(true);
    expect(series('failure').map((s) => [s.errorType, s.count])).toEqual([['ECONNRESET', 1]]);
    expect(series('success')).toEqual([]);
  });

  it('drops and counts a second end() or fail(), returning 0 and recording nothing more', () => {
    const { perf, op, series } = setup();
    const t = op.start();
    t.end();
    expect(t.end()).toBe(0);
    expect(t.fail(new Error('late'))).toBe(0);
    expect(t.end({ outcome: 'failure' })).toBe(0);
    expect(perf.snapshot().drops.already_ended).toBe(3);
    expect(series('success')[0]!.count).toBe(1);
    expect(series('failure')).toEqual([]);
    const f = op.start();
    f.fail(new TypeError('x'));
    expect(f.end()).toBe(0);
    expect(perf.snapshot().drops.already_ended).toBe(4);
  });

  it('takes an explicit outcome and error type from end(options)', () => {
    const { op, series } = setup();
    op.start().end({ outcome: 'failure', errorType: 'Quota' });
    op.start().end({ outcome: 'timeout' });
    op.start().end({});
    op.start().end(null as never);
    expect(series('failure').map((s) => [s.errorType, s.count])).toEqual([['Quota', 1]]);
    expect(series('timeout')[0]!.count).toBe(1);
    expect(series('success')[0]!.count).toBe(2);
  });

  it('drops (never throws) an end() whose options are hostile: unknown outcome, throwing getter', () => {
    const { perf, op, series } = setup();
    const hostile = Object.defineProperty({}, 'outcome', {
      get() {
        throw new Error('getter');
      },
    });
    expect(op.start().end({ outcome: 'exploded' as never })).toBeGreaterThanOrEqual(0);
    expect(() => op.start().end(hostile)).not.toThrow();
    expect(perf.snapshot().drops.invalid_value).toBe(2);
    expect(series('success')).toEqual([]);
  });
});
