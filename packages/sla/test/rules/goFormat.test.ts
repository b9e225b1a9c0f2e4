import { goG4, humanizeDuration, humanizePercentage } from '../../src/rules/goFormat';

describe('goFormat', () => {
  it.each([
    [50, '50'],
    [92.50000000000001, '92.5'],
    [0.1234567, '0.1235'],
    [12345, '1.234e+04'],
    [0.00001234, '1.234e-05'],
    [0, '0'],
  ])('prints %p like Go %%.4g: %s', (v, text) => {
    expect(goG4(v)).toBe(text);
  });

  it('humanizes like Prometheus templates', () => {
    expect(humanizePercentage(0.5)).toBe('50%');
    expect(humanizePercentage(0.925)).toBe('92.5%');
    expect(humanizeDuration(0.248)).toBe('248ms');
    expect(humanizeDuration(2.5)).toBe('2.5s');
    expect(humanizeDuration(0.0005)).toBe('500us');
  });
});

describe('goG4 rounding and switch points (mutation testing, issue 18)', () => {
  it.each([
    // Go %.4g: round half to even on exact ties, %e from exponent 4 up or below -4.
    [12355, '1.236e+04'], // exact tie, kept digit 5 is odd: up
    [12345, '1.234e+04'], // exact tie, kept digit 4 is even: down
    [12.345, '12.35'], // not a tie in binary: 12.3450000000000006... (C printf "%.4g" gives the same)
    [9999, '9999'],
    [9999.5, '1e+04'],
    [10000, '1e+04'],
    [0.0001, '0.0001'],
    [0.00009999, '9.999e-05'],
    [50.0001, '50'],
    [0.1, '0.1'],
    [-0.25, '-0.25'],
    [-12345678, '-1.235e+07'],
    [1.5e-10, '1.5e-10'],
    [10005, '1e+04'], // exact tie with a zero among the digits, kept digit 0 is even: down (JavaScript: 1.001e+4)
    [0.015625, '0.01562'], // 1/64, an exact tie below 1 (leading zeros), kept digit 2 is even: down
    [1000, '1000'], // no decimal point: trailing zeros are digits, not padding
    [120, '120'],
  ])('prints %p as Go %%.4g does: %s', (v, text) => {
    expect(goG4(v)).toBe(text);
  });

  it('switches humanizeDuration units at exactly 1 s, 1 ms and 1 us', () => {
    expect(humanizeDuration(1)).toBe('1s');
    expect(humanizeDuration(0.999)).toBe('999ms');
    expect(humanizeDuration(0.001)).toBe('1ms');
    expect(humanizeDuration(0.000999)).toBe('999us');
    expect(humanizeDuration(0.000001)).toBe('1us');
    expect(humanizeDuration(0.0000001)).toBe('100ns');
    expect(humanizePercentage(0.00012345)).toBe('0.01234%');
  });
});
