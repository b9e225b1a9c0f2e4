import { formatDuration, parseDuration } from '@perfkit/sla';

describe('parseDuration', () => {
  it.each([
    ['28d', 2_419_200],
    ['1h30m', 5400],
    ['100ms', 0.1],
    ['2s', 2],
    ['1w', 604_800],
  ])('reads %s as %p seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '5', '5 m', '-5m', '1.5h', 'm', 'NaN', 'Infinity', '9'.repeat(400) + 's', '1h'.repeat(40)])('returns NaN for %p', (text) => {
    expect(parseDuration(text)).toBeNaN();
  });

  it('returns NaN for non-strings', () => {
    for (const v of [undefined, null, 5, {}, []]) expect(parseDuration(v as unknown as string)).toBeNaN();
  });
});

describe('formatDuration', () => {
  it.each([
    [3600, '1h'],
    [128.57, '2m8s570ms'],
    [86_400 * 3 + 1, '3d1s'],
    [0, '0s'],
    [NaN, '0s'],
    [-5, '0s'],
  ])('writes %p seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('round-trips with parseDuration', () => {
    for (const s of [1, 59, 61, 3599, 7200, 86_401, 2_419_200]) expect(parseDuration(formatDuration(s))).toBe(s);
  });
});
