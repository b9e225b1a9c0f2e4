import { createPerfkit, histogramQuantile, type Perfkit } from '@perfkit/core';

const open: Perfkit[] = [];
function setup() {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  open.push(perf);
  return { perf };
}
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

// Quantiles worked out by hand with Prometheus's histogram_quantile rule: find the bucket holding rank q × total,
// then interpolate linearly between its lower bound (0 for the first) and its upper bound.
describe('histogramQuantile', () => {
  const bounds = [1, 2, 4];

  it('interpolates inside the bucket that holds the rank', () => {
    const counts = [2, 2, 0, 0]; // 4 values: two in (0, 1], two in (1, 2]
    expect(histogramQuantile(0.5, bounds, counts)).toBe(1); // rank 2: end of the first bucket
    expect(histogramQuantile(0.75, bounds, counts)).toBe(1.5); // rank 3: 1 + (2 − 1) × (3 − 2) / 2
    expect(histogramQuantile(1, bounds, counts)).toBe(2);
    expect(histogramQuantile(0, bounds, counts)).toBe(0);
    expect(histogramQuantile(0.25, bounds, counts)).toBe(0.5); // rank 1: 0 + 1 × 1 / 2
  });

  it('skips empty buckets and interpolates from the lower bound of the bucket reached', () => {
    const counts = [1, 0, 1, 0];
    expect(histogramQuantile(0.5, bounds, counts)).toBe(1);
    expect(histogramQuantile(0.75, bounds, counts)).toBe(3); // rank 1.5 in (2, 4]: 2 + 2 × 0.5 / 1
  });

  it('answers the highest finite bound when the rank falls in +Inf', () => {
    expect(histogramQuantile(0.5, bounds, [0, 0, 0, 5])).toBe(4);
    expect(histogramQuantile(0.9, bounds, [9, 0, 0, 1])).toBe(1); // rank 9 ends the first bucket
    expect(histogramQuantile(0.95, bounds, [9, 0, 0, 1])).toBe(4);
  });

  it('answers NaN for an empty distribution, a q outside 0..1 or no finite bound', () => {
    expect(histogramQuantile(0.5, bounds, [0, 0, 0, 0])).toBeNaN();
    expect(histogramQuantile(0.5, bounds, [])).toBeNaN();
    expect(histogramQuantile(-0.1, bounds, [1, 0, 0, 0])).toBeNaN();
    expect(histogramQuantile(1.1, bounds, [1, 0, 0, 0])).toBeNaN();
    expect(histogramQuantile(NaN, bounds, [1, 0, 0, 0])).toBeNaN();
    expect(histogramQuantile(0.5, [], [3])).toBeNaN();
  });
});

describe('snapshotStore (perf.snapshot())', () => {
  it('copies each series with per-bucket counts (+Inf last), count and sum', () => {
    const { perf } = setup();
    const op = perf.operation('download', 'model');
    op.record(0.05);
    op.record(0.3);
    op.record(1000);
    op.record(0.2, { outcome: 'failure', errorType: 'ETIMEDOUT' });
    const before = Date.now();
    const snap = perf.snapshot();
    expect(snap.takenAt).toBeGreaterThanOrEqual(before);
    expect(snap.takenAt).toBeLessThanOrEqual(Date.now());
    expect(snap.startedAt).toBeLessThanOrEqual(before);
    const mine = snap.series.filter((s) => s.name === 'model' && s.count > 0);
    const success = mine.find((s) => s.outcome === 'success')!;
    expect(success).toEqual({
      type: 'download',
      name: 'model',
      outcome: 'success',
      isOverflow: false,
      bounds: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      counts: [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
      count: 3,
      sum: 1000.35,
    });
    const failure = mine.find((s) => s.outcome === 'failure')!;
    expect(failure).toMatchObject({ errorType: 'ETIMEDOUT', counts: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], count: 1, sum: 0.2 });
    expect('errorType' in success).toBe(false);
  });

  it('copies counter figures by name and every drop reason, zeros included', () => {
    const { perf } = setup();
    perf.operation('download', 'w').track((ctx) => {
      ctx.addBytes(2048);
      ctx.addBytes(1);
      ctx.retry();
      ctx.integrityCheck(true);
      ctx.integrityCheck(false);
      ctx.integrityCheck(false);
    });
    perf.operation('download', 'w').record(NaN);
    const snap = perf.snapshot();
    const figures = snap.figures.find((f) => f.name === 'w')!;
    expect(figures.type).toBe('download');
    expect(figures.values).toMatchObject({ downloadBytes: 2049, retries: 1, integrityPassed: 1, integrityFailed: 2, items: 0, tokens: 0 });
    expect(snap.drops).toMatchObject({ invalid_value: 1, invalid_name: 0, unknown_operation_type: 0, already_ended: 0, export_failed: 0 });
  });

  it('lists operations running now with their count', () => {
    const { perf } = setup();
    const t = perf.operation('model_operation', 'gen').start();
    expect(perf.snapshot().active).toEqual([{ type: 'model_operation', name: 'gen', active: 1 }]);
    t.end();
    expect(perf.snapshot().active).toEqual([]);
  });

  it('copies rows past the first chunk of 128 with their own numbers, keys in the documented order', () => {
    const { perf } = setup();
    // Row r of download gets r + 1 values of 0.2 s (bucket le 0.25); row 130 also fails once at 700 s (+Inf).
    for (let r = 0; r < 131; r++) for (let i = 0; i <= r; i++) perf.operation('download', `n${r}`).record(0.2);
    perf.operation('download', 'n130').record(700, { outcome: 'failure', errorType: 'EIO' });
    const series = perf.snapshot().series.filter((s) => s.type === 'download');
    const row = (name: string, outcome: string) => series.find((s) => s.name === name && s.outcome === outcome)!;
    expect(row('n0', 'success')).toMatchObject({ counts: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], count: 1 });
    expect(row('n129', 'success')).toMatchObject({ counts: [0, 130, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], count: 130 });
    expect(row('n129', 'success').sum).toBeCloseTo(26, 9);
    expect(JSON.stringify(row('n130', 'failure'))).toBe(
      '{"type":"download","name":"n130","outcome":"failure","errorType":"EIO","isOverflow":false,' +
        '"bounds":[0.1,0.25,0.5,1,2.5,5,10,30,60,120,300,600],"counts":[0,0,0,0,0,0,0,0,0,0,0,0,1],"count":1,"sum":700}',
    );
    expect(Object.keys(row('n130', 'success'))).toEqual(['type', 'name', 'outcome', 'isOverflow', 'bounds', 'counts', 'count', 'sum']);
  });
});

describe('snapshot edges (mutation testing, issue 18)', () => {
  it('answers the lower bound of the first non-empty bucket for q = 0, skipping empty buckets before it', () => {
    // Rank 0: the empty first bucket is skipped; the second bucket (1, 2] starts at 1.
    expect(histogramQuantile(0, [1, 2], [0, 5, 0])).toBe(1);
  });

  it('lists no counter figures for an instance that recorded none', () => {
    expect(setup().perf.snapshot().figures).toEqual([]);
  });
});
