import { createPerfkit, PerfkitConfigError } from '@perfkit/core';

const KNOWN = 'unknown option; expected one of name, maxConcurrent, maxQueue, queueTimeoutMs, timeoutMs, memoryBudgetMb, memorySampleIntervalMs';
const RANGE = 'expected the most operations running at once: an integer from 1 to 100000';

function setup() {
  const perf = createPerfkit({ serviceName: 'guard-config-regression', prometheus: { serve: false }, logLevel: 'none' });
  const refusal = (options: unknown): PerfkitConfigError => {
    try {
      perf.guard(options as never);
    } catch (err) {
      return err as PerfkitConfigError;
    }
    throw new Error('accepted');
  };
  return { perf, refusal };
}

// perf.guard() threw at the first unknown key alone: a second typo and every bad value beside it went unreported, so
// fixing a guard's options took one deploy per problem (the rest of perfkit's configuration lists every problem at once).
describe('regression: a guard configuration error stopped at the first unknown key', () => {
  it('lists every problem at once: bad values first, then each unknown key with the nearest known one', async () => {
    const { perf, refusal } = setup();
    const err = refusal({ name: 'g', maxConcurrent: NaN, timeout: 5000, maxQueu: 3 });
    expect(err).toBeInstanceOf(PerfkitConfigError);
    expect(err.code).toBe('PERFKIT_ERR_INVALID_CONFIG');
    expect(err.problems.map((p) => [p.key, p.value, p.allowed])).toEqual([
      ['guard.maxConcurrent', NaN, RANGE],
      ['guard.timeout', 5000, `${KNOWN}; did you mean "timeoutMs"?`],
      ['guard.maxQueu', 3, `${KNOWN}; did you mean "maxQueue"?`],
    ]);
    expect(err.message).toBe(
      'Invalid perfkit configuration: 3 problems\n' +
        `  guard.maxConcurrent = NaN: ${RANGE}\n` +
        `  guard.timeout = 5000: ${KNOWN}; did you mean "timeoutMs"?\n` +
        `  guard.maxQueu = 3: ${KNOWN}; did you mean "maxQueue"?`,
    );
    expect([err.key, err.value]).toEqual(['guard.maxConcurrent', NaN]);
    expect(perf.guards()).toEqual([]);
    await perf.shutdown();
  });

  it('names an unknown key alone when the known ones are valid, and still refuses the guard', async () => {
    const { perf, refusal } = setup();
    const err = refusal({ name: 'g', maxConcurrent: 2, queueTimeout: 100 });
    expect(err.problems).toEqual([{ key: 'guard.queueTimeout', value: 100, allowed: `${KNOWN}; did you mean "queueTimeoutMs"?` }]);
    expect(perf.guards()).toEqual([]);
    await perf.shutdown();
  });

  it('names an unknown key whose getter throws as unreadable, beside the other problems', async () => {
    const { perf, refusal } = setup();
    const options = { name: 'g', maxConcurrent: 0 };
    Object.defineProperty(options, 'zzz', { enumerable: true, get: () => { throw new Error('boom'); } });
    const err = refusal(options);
    expect(err.problems.map((p) => [p.key, p.value])).toEqual([
      ['guard.maxConcurrent', 0],
      ['guard.zzz', '<unreadable>'],
    ]);
    await perf.shutdown();
  });
});
