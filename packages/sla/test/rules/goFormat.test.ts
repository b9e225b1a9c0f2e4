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
