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

describe('leastSquares and classifyTrend worked out by hand (mutation testing, issue 18)', () => {
  it('fits y = 1, 2, 4 at 0, 1, 2 s: slope 1.5, intercept 5/6, r² = 0.964...', () => {
    // x̄ = 1, ȳ = 7/3; Sxx = 2, Sxy = 3, Syy = 14/3: slope 3/2, intercept 7/3 − 3/2 = 5/6, r² = 9 / (2 × 14/3) = 27/28.
    const fit = leastSquares([5000, 6000, 7000], [1, 2, 4])!;
    expect(fit).toEqual({ slope: expect.closeTo(1.5, 12), intercept: expect.closeTo(5 / 6, 12), t0: 5000, tLast: 7000, r2: expect.closeTo(27 / 28, 12), n: 3 });
    expect(fittedAt(fit, 8000)).toBeCloseTo(5 / 6 + 4.5, 12);
  });

  it('skips non-finite points, anchoring at the first finite one, and gives r² = 1 for a flat line', () => {
    const fit = leastSquares([NaN, 1000, 2000, Infinity, 3000, 4000], [1, 7, 7, 7, NaN, 7])!;
    expect(fit).toMatchObject({ slope: 0, intercept: 7, t0: 1000, tLast: 4000, n: 3 });
    expect(fit.r2).toBe(1);
  });

  it('keeps the digits of values near 5e11 (centred sums)', () => {
    const fit = leastSquares([0, 1000, 2000, 3000], [5e11, 5e11 + 10, 5e11 + 20, 5e11 + 30])!;
    expect(fit.slope).toBeCloseTo(10, 6);
    expect(fit.r2).toBeCloseTo(1, 9);
  });

  it('calls a change of exactly the tolerance stable and anything past it a direction', () => {
    const fit = (change: number) => ({ slope: change / 100, intercept: 0, t0: 0, tLast: 100_000, r2: 1, n: 3 });
    expect(classifyTrend(fit(2), 100)).toBe('stable');
    expect(classifyTrend(fit(-2), 100)).toBe('stable');
    expect(classifyTrend(fit(2.01), 100)).toBe('increasing');
    expect(classifyTrend(fit(-2.01), 100)).toBe('decreasing');
    expect(classifyTrend(fit(5), 100, 0.05)).toBe('stable');
    expect(classifyTrend(fit(5), 0)).toBe('unknown');
    expect(classifyTrend(fit(5), -1)).toBe('unknown');
  });
});

describe('classifyTrend over a span that does not start at 0 (mutation testing, issue 18)', () => {
  it('measures the change over tLast - t0', () => {
    // 0.02 per second over 101 s - 1 s = 100 s: a change of 2, exactly 2 % of 100 (stable); over 102 s it would not be.
    const fit = { slope: 0.02, intercept: 0, t0: 1000, tLast: 101_000, r2: 1, n: 3 };
    expect(classifyTrend(fit, 100)).toBe('stable');
    expect(classifyTrend({ ...fit, tLast: 102_000 }, 100)).toBe('increasing');
  });
});
