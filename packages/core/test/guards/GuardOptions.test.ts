import { createPerfkit, guardOptionsSchema, PerfkitConfigError } from '@perfkit/core';

function setup() {
  const perf = createPerfkit({ serviceName: 'guard-options-test', prometheus: { serve: false }, logLevel: 'none' });
  const refusal = (options: unknown): PerfkitConfigError => {
    try {
      perf.guard(options as never);
    } catch (err) {
      return err as PerfkitConfigError;
    }
    throw new Error(`accepted ${String(options)}`);
  };
  return { perf, refusal };
}

describe('GuardOptions', () => {
  it('applies defaults: maxQueue 100, 10 ms memory sampling, no timeouts, no budget', async () => {
    const { perf } = setup();
    const guard = perf.guard({ name: 'defaults', maxConcurrent: 3 });
    expect(guard.options).toEqual({ name: 'defaults', maxConcurrent: 3, maxQueue: 100, memorySampleIntervalMs: 10 });
    expect(Object.isFrozen(guard.options)).toBe(true);
    expect(guardOptionsSchema.safeParse({ name: 'x', maxConcurrent: 1 }).success).toBe(true);
    await perf.shutdown();
  });

  it.each([
    ['maxConcurrent', NaN, /guard\.maxConcurrent = NaN: expected the most operations running at once: an integer from 1 to 100000/],
    ['maxConcurrent', Infinity, /guard\.maxConcurrent = Infinity: expected .* an integer from 1 to 100000/],
    ['maxConcurrent', 0, /guard\.maxConcurrent = 0: expected/],
    ['maxConcurrent', 1.5, /guard\.maxConcurrent = 1\.5: expected/],
    ['maxConcurrent', '4', /guard\.maxConcurrent = "4": expected/],
    ['maxConcurrent', undefined, /guard\.maxConcurrent = undefined: expected/],
    ['maxQueue', -1, /guard\.maxQueue = -1: expected the most operations waiting \(0 = refuse when all slots are busy\)/],
    ['maxQueue', 1e9, /guard\.maxQueue = 1000000000: expected .* from 0 to 1000000/],
    ['queueTimeoutMs', 0, /guard\.queueTimeoutMs = 0: expected the longest queue wait in milliseconds: an integer from 1 to 2147483647/],
    ['timeoutMs', 2 ** 31, /guard\.timeoutMs = 2147483648: expected the longest run time in milliseconds/],
    ['timeoutMs', -Infinity, /guard\.timeoutMs = -Infinity: expected/],
    ['memoryBudgetMb', 0, /guard\.memoryBudgetMb = 0: expected the memory growth budget in MB: a finite number above 0/],
    ['memoryBudgetMb', NaN, /guard\.memoryBudgetMb = NaN: expected the memory growth budget in MB/],
    ['memoryBudgetMb', Infinity, /guard\.memoryBudgetMb = Infinity: expected/],
    ['memorySampleIntervalMs', 0.5, /guard\.memorySampleIntervalMs = 0\.5: expected the memory sampling interval/],
    ['name', '', /guard\.name = "": expected a guard name/],
    ['name', 'has space', /guard\.name = "has space": expected a guard name/],
    ['name', 42, /guard\.name = 42: expected a guard name/],
  ])('rejects %s = %p with a config error naming the key and what is allowed', async (key, value, message) => {
    const { perf, refusal } = setup();
    const err = refusal({ name: 'g', maxConcurrent: 2, [key]: value });
    expect(err).toBeInstanceOf(PerfkitConfigError);
    expect(err.code).toBe('PERFKIT_ERR_INVALID_CONFIG');
    expect(err.key).toBe(`guard.${key}`);
    expect(err.message).toMatch(message);
    expect(err.message.length).toBeLessThan(400);
    await perf.shutdown();
  });

  // Not in the table above: its 100,000-character value would be in the test's title, and StrykerJS passes the titles
  // of the tests it runs as one regular expression, which V8 then refuses as too large.
  it('rejects a 100,000-character name, shown cut', async () => {
    const { perf, refusal } = setup();
    const err = refusal({ name: 'x'.repeat(100_000), maxConcurrent: 2 });
    expect(err.key).toBe('guard.name');
    expect(err.message).toMatch(/guard\.name = "x{20,}\.\.\.: expected a guard name/);
    expect(err.message.length).toBeLessThan(400);
    await perf.shutdown();
  });

  it('rejects unknown keys (a typo must not silently disable a limit)', async () => {
    const { perf, refusal } = setup();
    const err = refusal({ name: 'g', maxConcurrent: 1, timeout: 100 });
    expect(err.key).toBe('guard.timeout');
    expect(err.message).toMatch(/guard\.timeout = 100: unknown option; expected one of name, maxConcurrent, maxQueue, queueTimeoutMs, timeoutMs, memoryBudgetMb/);
    await perf.shutdown();
  });

  it.each([null, undefined, 42, 'gen', [], () => 1])('rejects %p as the options object', async (options) => {
    const { perf, refusal } = setup();
    const err = refusal(options);
    expect(err).toBeInstanceOf(PerfkitConfigError);
    expect(err.key).toMatch(/^guard/);
    await perf.shutdown();
  });
});

describe('GuardOptions at the edges of each range (mutation testing, issue 18)', () => {
  const accepts = (extra: Record<string, unknown>) => guardOptionsSchema.safeParse({ name: 'g', maxConcurrent: 1, ...extra }).success;

  it('accepts each limit at its ends and refuses one past them', () => {
    expect([accepts({ maxConcurrent: 100_000 }), accepts({ maxConcurrent: 100_001 })]).toEqual([true, false]);
    expect([accepts({ maxQueue: 0 }), accepts({ maxQueue: 1_000_000 }), accepts({ maxQueue: 1_000_001 })]).toEqual([true, true, false]);
    // 2^31 - 1 ms is the longest delay a Node.js timer honours.
    expect([accepts({ queueTimeoutMs: 1 }), accepts({ queueTimeoutMs: 2_147_483_647 }), accepts({ queueTimeoutMs: 2_147_483_648 })]).toEqual([true, true, false]);
    expect([accepts({ timeoutMs: 1 }), accepts({ timeoutMs: 2_147_483_647 }), accepts({ timeoutMs: 1.5 })]).toEqual([true, true, false]);
    expect([accepts({ memoryBudgetMb: 0.5 }), accepts({ memoryBudgetMb: 1_048_576 }), accepts({ memoryBudgetMb: 1_048_577 }), accepts({ memoryBudgetMb: -1 })]).toEqual([true, true, false, false]);
    expect([accepts({ memorySampleIntervalMs: 1 }), accepts({ memorySampleIntervalMs: 60_000 }), accepts({ memorySampleIntervalMs: 60_001 }), accepts({ memorySampleIntervalMs: 0 })]).toEqual([true, true, false, false]);
  });

  it('takes names of 1 to 63 letters, digits, "_", "-" and "." starting with a letter', () => {
    const name = (n: string) => guardOptionsSchema.safeParse({ name: n, maxConcurrent: 1 }).success;
    expect(['a', 'A', `a${'b'.repeat(62)}`, 'gen_1.pool-2', 'Z9'].map(name)).toEqual([true, true, true, true, true]);
    expect([`a${'b'.repeat(63)}`, '1gen', '_gen', '.gen', 'gen!', 'gen pool', 'ge\nn'].map(name)).toEqual([false, false, false, false, false, false, false]);
  });

  it('names an unknown key cut to 64 characters, and says so when the options object cannot be read', async () => {
    const { perf, refusal } = setup();
    expect(refusal({ name: 'g', maxConcurrent: 1, ['k'.repeat(100)]: 1 }).key).toBe(`guard.${'k'.repeat(64)}`);
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('boom'); } });
    const err = refusal(hostile);
    expect([err.key, err.message]).toEqual(['guard', expect.stringContaining('could not be read (a getter or proxy threw while reading it)')]);
    // The value is named as unreadable rather than shown (showing it would read the proxy again).
    expect([err.value, err.message]).toEqual(['<unreadable>', expect.stringContaining('guard = "<unreadable>": could not be read')]);
    await perf.shutdown();
  });
});

describe('GuardOptions says what each check allows (mutation testing, issue 18)', () => {
  const RANGE = 'expected the most operations running at once: an integer from 1 to 100000';
  const NAME = 'expected a guard name: 1-63 characters, letters, digits, "_", "-" or ".", starting with a letter';
  const BUDGET = 'expected the memory growth budget in MB: a finite number above 0 and at most 1048576';

  // One value per check (type, integer, minimum, maximum, pattern), each refused with the whole sentence, not zod's
  // default ("Invalid input: expected int, received number" and the like).
  it.each([
    ['maxConcurrent', 1.5, `guard.maxConcurrent = 1.5: ${RANGE}`],
    ['maxConcurrent', 0, `guard.maxConcurrent = 0: ${RANGE}`],
    ['maxConcurrent', 100_001, `guard.maxConcurrent = 100001: ${RANGE}`],
    ['name', 'has space', `guard.name = "has space": ${NAME}`],
    ['memoryBudgetMb', 0, `guard.memoryBudgetMb = 0: ${BUDGET}`],
    ['memoryBudgetMb', 2_000_000, `guard.memoryBudgetMb = 2000000: ${BUDGET}`],
  ])('refuses %s = %p with the whole sentence', async (key, value, line) => {
    const { perf, refusal } = setup();
    const err = refusal({ name: 'g', maxConcurrent: 2, [key]: value });
    expect(err.message).toBe(`Invalid perfkit configuration: ${line}`);
    await perf.shutdown();
  });

  it('reads null and undefined as no options (the name is missing) and refuses other non-objects as not an object', async () => {
    const { perf, refusal } = setup();
    for (const none of [null, undefined]) {
      expect(refusal(none).message).toBe(`Invalid perfkit configuration: 2 problems\n  guard.name = undefined: ${NAME}\n  guard.maxConcurrent = undefined: ${RANGE}`);
    }
    // A string or an array has index keys; they must not be read as unknown options.
    for (const notObject of ['gen', ['x'], 42]) {
      const err = refusal(notObject);
      expect([err.key, err.message]).toEqual(['guard', expect.stringMatching(/: expected an object$/)]);
    }
    await perf.shutdown();
  });
});
