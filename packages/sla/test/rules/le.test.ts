import fc from 'fast-check';
import { leMatcher, leSpellings } from '@perfkit/sla';
import { goShortestG } from '../../src/rules/le';

const promRegex = (matcher: string) => {
  const m = /^le=~?"(.*)"$/.exec(matcher)!;
  return new RegExp(`^(?:${m[1]})$`);
};

describe('leSpellings', () => {
  it.each([
    [1, ['1', '1.0']],
    [2, ['2', '2.0']],
    [0.1, ['0.1']],
    [2.5, ['2.5']],
    [100000, ['100000', '100000.0']],
    [1000000, ['1000000', '1e+06']],
    [0.00001, ['0.00001', '1e-05']],
    [1.5e-7, ['1.5e-7', '1.5e-07']],
  ])('lists every spelling of %p', (value, spellings) => {
    expect(leSpellings(value)).toEqual(spellings);
  });

  it('matches Go strconv for the boundaries Go clients write', () => {
    // Reference strings from Go's strconv.FormatFloat(v, 'g', -1, 64).
    const table: Array<[number, string]> = [[0.005, '0.005'], [0.0001, '0.0001'], [123456, '123456'], [1234567, '1.234567e+06'], [60, '60'], [1e21, '1e+21']];
    for (const [v, go] of table) expect(goShortestG(v)).toBe(go);
  });
});

describe('leMatcher', () => {
  it('writes an exact matcher when there is one spelling and a regex without backslashes otherwise', () => {
    expect(leMatcher(0.25)).toBe('le="0.25"');
    expect(leMatcher(2)).toBe('le=~"2|2[.]0"');
    expect(leMatcher(1e6)).toBe('le=~"1000000|1e[+]06"');
  });

  it('matches every spelling of its own boundary and no other boundary', () => {
    const positive = fc.double({ min: 1e-6, max: 1e6, noNaN: true, noDefaultInfinity: true }).filter((v) => v > 0);
    fc.assert(
      fc.property(positive, positive, (a, b) => {
        const re = promRegex(leMatcher(a));
        for (const s of leSpellings(a)) expect(re.test(s)).toBe(true);
        if (a !== b) for (const s of leSpellings(b)) expect(re.test(s)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('goShortestG signs and boundaries (mutation testing, issue 18)', () => {
  it('matches Go strconv.FormatFloat(v, \'g\', -1, 64) at the %e switch points and for signs', () => {
    // Reference strings from Go: %e below 1e-4 and from 1e21's exponent of 6 up, two-digit exponents at least.
    const table: Array<[number, string]> = [
      [0, '0'],
      [0.0001, '0.0001'],
      [0.00012, '0.00012'],
      [0.000099, '9.9e-05'],
      [999999, '999999'],
      [1e6, '1e+06'],
      [1.5e6, '1.5e+06'],
      [120, '120'],
      [1.25, '1.25'],
      [1e100, '1e+100'],
      [1e-10, '1e-10'],
      [-2.5, '-2.5'],
      [-1e6, '-1e+06'],
      [-0.00001, '-1e-05'],
      [-0.001, '-0.001'],
      [-300, '-300'],
    ];
    for (const [v, go] of table) expect([v, goShortestG(v)]).toEqual([v, go]);
  });
});
