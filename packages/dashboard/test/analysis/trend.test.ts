import { classifyTrend, fittedAt, leastSquares } from '@perfkit/dashboard';

const times = (n: number, stepMs = 1000) => Array.from({ length: n }, (_, i) => 1e12 + i * stepMs);

describe('leastSquares', () => {
  it('recovers slope and intercept of an exact line', () => {
    const t = times(10);
    const fit = leastSquares(t, t.map((_, i) => 3 + 0.5 * i))!;
    expect(fit.slope).toBeCloseTo(0.5, 12);
    expect(fit.intercept).toBeCloseTo(3, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fittedAt(fit, t[9]!)).toBeCloseTo(7.5, 12);
  });

  it('returns undefined with fewer than 3 finite points or no time spread', () => {
    expect(leastSquares([1, 2], [1, 2])).toBeUndefined();
    expect(leastSquares([1, 2, 3, 4], [NaN, Infinity, 1, 2])).toBeUndefined();
    expect(leastSquares([5, 5, 5], [1, 2, 3])).toBeUndefined();
    expect(leastSquares([], [])).toBeUndefined();
  });
});

describe('classifyTrend', () => {
  it('says increasing, decreasing or stable by the fitted change over the span', () => {
    const t = times(61, 60_000); // one hour
    const up = leastSquares(t, t.map((_, i) => 0.2 + i * 0.005));
    const down = leastSquares(t, t.map((_, i) => 0.8 - i * 0.005));
    const flat = leastSquares(t, t.map((_, i) => 0.5 + (i % 2 ? 0.001 : -0.001)));
    expect(classifyTrend(up, 1)).toBe('increasing');
    expect(classifyTrend(down, 1)).toBe('decreasing');
    expect(classifyTrend(flat, 1)).toBe('stable');
    expect(classifyTrend(undefined, 1)).toBe('unknown');
    expect(classifyTrend(up, NaN)).toBe('unknown');
  });
});
