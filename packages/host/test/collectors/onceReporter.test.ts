import { MAX_DISTINCT_PROBLEMS, OnceReporter } from '../../src/collectors/onceReporter';
import { captureDiag } from '../fixtures/fakes';

function setup(max?: number) {
  const { diag, lines } = captureDiag();
  return { reporter: new OnceReporter(diag, 'host test', max), lines };
}

describe('OnceReporter', () => {
  it('says a problem once per key, at the level asked for', () => {
    const { reporter, lines } = setup();
    expect(reporter.report('a', 'problem a')).toBe(true);
    expect(reporter.report('a', 'problem a again')).toBe(false);
    expect(reporter.report('b', 'problem b', 'info')).toBe(true);
    expect(lines).toEqual(['warn: problem a', 'info: problem b']);
  });

  it('says at most the cap of distinct problems, then one line that further ones are suppressed', () => {
    const { reporter, lines } = setup(3);
    for (let i = 0; i < 10; i++) reporter.report(`k${i}`, `problem ${i}`);
    reporter.report('k0', 'problem 0');
    expect(lines).toEqual(['warn: problem 0', 'warn: problem 1', 'warn: problem 2', 'warn: host test: 3 distinct problems said; further problems are suppressed']);
  });

  it('caps at 100 distinct problems by default', () => {
    const { reporter, lines } = setup();
    expect(MAX_DISTINCT_PROBLEMS).toBe(100);
    for (let i = 0; i < 1000; i++) reporter.report(String(i), `p${i}`);
    expect(lines).toHaveLength(101);
  });

  it('does not throw without a logger or with hostile keys', () => {
    const reporter = new OnceReporter(undefined, 'host test');
    expect(() => reporter.report('x'.repeat(100_000), 'huge')).not.toThrow();
    expect(() => reporter.report('', '')).not.toThrow();
  });
});
