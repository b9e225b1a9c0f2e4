import { parseDuration, seriesQuery, windowQuery } from '../../src/api/query';

describe('parseDuration', () => {
  it('reads seconds, minutes, hours, days and bare seconds', () => {
    expect([parseDuration('90s'), parseDuration('15m'), parseDuration('24h'), parseDuration('7d'), parseDuration('30'), parseDuration('1.5h')]).toEqual([90_000, 900_000, 86_400_000, 604_800_000, 30_000, 5_400_000]);
  });

  it('returns NaN for anything else', () => {
    for (const text of ['', 'h', '1w', '-5m', '1e3', 'NaN', 'Infinity', '5 m', '0x10', '1h30m']) expect(parseDuration(text)).toBeNaN();
  });
});

describe('query schemas', () => {
  it('accept good values and reject out-of-range, huge and unknown ones', () => {
    expect(windowQuery.parse({ window: '1h' })).toEqual({ window: 3_600_000 });
    expect(seriesQuery.parse({ maxPoints: '300' })).toEqual({ maxPoints: 300 });
    for (const bad of [{ window: '0s' }, { window: '32d' }, { window: 'x'.repeat(100) }, { other: '1' }]) expect(windowQuery.safeParse(bad).success).toBe(false);
    for (const bad of [{ maxPoints: '1' }, { maxPoints: '2001' }, { maxPoints: '3.5' }, { maxPoints: 'NaN' }]) expect(seriesQuery.safeParse(bad).success).toBe(false);
  });
});
