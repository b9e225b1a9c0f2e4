import { createPerfkit, PerfkitConfigError, type Perfkit, type PerfkitConfig } from '@perfkit/core';

const open: Perfkit[] = [];
function setup(config: PerfkitConfig) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', ...config });
  open.push(perf);
  return perf;
}
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

const bucketLines = (text: string, name: string) =>
  text.split('\n').filter((l) => l.startsWith('perfkit_operation_duration_seconds_bucket{') && l.includes(`operation_name="${name}"`));

describe('regression: views that did nothing', () => {
  it('applies a view with operationName to that name only', async () => {
    const perf = setup({ views: [{ operationType: 'download', operationName: 'big', buckets: [1, 100] }] });
    perf.trackOperation('download', 'big', () => 0);
    perf.trackOperation('download', 'small', () => 0);
    const text = await perf.metrics();
    expect(bucketLines(text, 'big').map((l) => /le="([^"]+)"/.exec(l)![1])).toEqual(['1', '100', '+Inf']);
    expect(bucketLines(text, 'small')).toHaveLength(13); // download's 12 default bounds + +Inf
    const big = perf.snapshot().series.find((s) => s.name === 'big')!;
    expect(big.bounds).toEqual([1, 100]);
  });

  it('drops operation_outcome (and error_type) when the allow-list leaves operation.outcome out', async () => {
    const perf = setup({ views: [{ operationType: 'fallback', attributes: ['operation.type', 'operation.name'] }] });
    const op = perf.operation('fallback', 'f');
    op.track(() => 0);
    expect(() => op.track(() => {
      throw new TypeError('x');
    })).toThrow(TypeError);
    op.record(0.1, { outcome: 'timeout' });
    const text = await perf.metrics();
    const counts = text.split('\n').filter((l) => l.startsWith('perfkit_operation_duration_seconds_count{') && l.includes('operation_type="fallback"'));
    expect(counts).toEqual(['perfkit_operation_duration_seconds_count{operation_type="fallback",operation_name="f"} 3']);
  });

  it('refuses an allow-list without operation.type, naming the key', () => {
    expect(() => setup({ views: [{ attributes: ['operation.name'] }] as PerfkitConfig['views'] })).toThrow(PerfkitConfigError);
    expect(() => setup({ views: [{ attributes: ['operation.name'] }] as PerfkitConfig['views'] })).toThrow(/views\.0\.attributes/);
  });

  it('keeps buckets given to registerOperationType over a wildcard view, and a typed view over both', () => {
    const perf = setup({ views: [{ buckets: [7, 8] }, { operationType: 'typed', buckets: [3] }] });
    perf.registerOperationType('indexing', { buckets: [0.5, 1] });
    perf.registerOperationType('typed', { buckets: [0.5, 1] });
    perf.registerOperationType('plain');
    for (const t of ['indexing', 'typed', 'plain']) perf.trackOperation(t, 'a', () => 0);
    const bounds = Object.fromEntries(perf.snapshot().series.filter((s) => s.name === 'a').map((s) => [s.type, s.bounds]));
    expect(bounds).toEqual({ indexing: [0.5, 1], typed: [3], plain: [7, 8] });
  });

  it('survives hostile view input: a huge name, an unknown type', async () => {
    const perf = setup({ views: [{ operationType: 'nope', operationName: 'x'.repeat(1000), buckets: [1] }] });
    expect(perf.trackOperation('download', 'x'.repeat(100), () => 5)).toBe(5);
    expect(await perf.metrics()).toContain('operation_type="download"');
  });
});
