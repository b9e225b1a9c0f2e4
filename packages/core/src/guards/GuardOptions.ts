import { z } from 'zod';
import { PerfkitConfigError, type ConfigProblem } from '../errors';
import { nearestKey } from '../nearestKey';
import { resolveConfig } from '../validate';

/** The longest delay a Node.js timer honours (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

const count = (what: string, min: number, max: number) =>
  z
    .number({ error: `expected ${what}: an integer from ${min} to ${max}` })
    .int({ error: `expected ${what}: an integer from ${min} to ${max}` })
    .min(min, { error: `expected ${what}: an integer from ${min} to ${max}` })
    .max(max, { error: `expected ${what}: an integer from ${min} to ${max}` });

const millis = (what: string) => count(`${what} in milliseconds`, 1, MAX_TIMER_MS);

/** The options' fields, unknown keys left out: what the known keys are checked against, every problem at once. */
const guardOptionsFields = z.object({
  name: z
    .string({ error: 'expected a guard name: 1-63 characters, letters, digits, "_", "-" or ".", starting with a letter' })
    .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,62}$/, {
      error: 'expected a guard name: 1-63 characters, letters, digits, "_", "-" or ".", starting with a letter',
    }),
  maxConcurrent: count('the most operations running at once', 1, 100_000),
  maxQueue: count('the most operations waiting (0 = refuse when all slots are busy)', 0, 1_000_000).default(100),
  queueTimeoutMs: millis('the longest queue wait').optional(),
  timeoutMs: millis('the longest run time').optional(),
  memoryBudgetMb: z
    .number({ error: 'expected the memory growth budget in MB: a finite number above 0 and at most 1048576' })
    .positive({ error: 'expected the memory growth budget in MB: a finite number above 0 and at most 1048576' })
    .max(1_048_576, { error: 'expected the memory growth budget in MB: a finite number above 0 and at most 1048576' })
    .optional(),
  memorySampleIntervalMs: count('the memory sampling interval in milliseconds', 1, 60_000).default(10),
});

/** Options of `perf.guard()`: validated with zod, every bad value named by key. */
export const guardOptionsSchema = guardOptionsFields.strict();

/** What `perf.guard()` accepts. */
export type GuardOptions = z.input<typeof guardOptionsSchema>;
/** Guard options after validation and defaults. */
export type ResolvedGuardOptions = z.output<typeof guardOptionsSchema>;

const KNOWN_KEYS = Object.keys(guardOptionsFields.shape);

/**
 * Validates guard options; throws one `PerfkitConfigError` listing every problem: each bad value (`guard.<key>`,
 * the value, what is allowed), then each unknown key with the nearest known one.
 */
export function resolveGuardOptions(input: unknown): ResolvedGuardOptions {
  const isObject = input !== null && typeof input === 'object' && !Array.isArray(input);
  // Unknown keys are named here rather than left to zod's strict(), which reports only the first of them, and are
  // left out of what is checked, so that one whose getter throws does not hide the other problems.
  const keys = isObject ? ownKeys(input) : [];
  const unknown = isObject ? unknownKeyProblems(input, keys) : [];
  let resolved: ResolvedGuardOptions;
  try {
    const known = isObject && unknown.length > 0 ? Object.fromEntries(keys.filter((k) => KNOWN_KEYS.includes(k)).map((k) => [k, read(input, k)])) : input;
    resolved = resolveConfig(guardOptionsFields, known, [], {}, 'guard');
  } catch (err) {
    if (!(err instanceof PerfkitConfigError) || unknown.length === 0) throw err;
    const problems = [...err.problems, ...unknown];
    throw new PerfkitConfigError(err.key, err.value, problems[0]!.allowed, problems[0]!.source, problems);
  }
  if (unknown.length > 0) {
    const first = unknown[0]!;
    throw new PerfkitConfigError(first.key, first.value, first.allowed, undefined, unknown);
  }
  return resolved;
}

function ownKeys(input: object): string[] {
  try {
    return Object.keys(input);
  } catch {
    throw new PerfkitConfigError('guard', '<unreadable>', 'could not be read (a getter or proxy threw while reading it)');
  }
}

function read(input: object, key: string): unknown {
  try {
    return (input as Record<string, unknown>)[key];
  } catch {
    return '<unreadable>';
  }
}

function unknownKeyProblems(input: object, keys: readonly string[]): ConfigProblem[] {
  return keys
    .filter((key) => !KNOWN_KEYS.includes(key))
    .map((key) => {
      const near = nearestKey(key, KNOWN_KEYS);
      const allowed = `unknown option; expected one of ${KNOWN_KEYS.join(', ')}${near ? `; did you mean "${near}"?` : ''}`;
      return { key: `guard.${key.slice(0, 64)}`, value: read(input, key), allowed };
    });
}
