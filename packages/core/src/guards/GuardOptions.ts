import { z } from 'zod';
import { PerfkitConfigError } from '../errors';
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

/** Options of `perf.guard()`: validated with zod, every bad value named by key. */
export const guardOptionsSchema = z
  .object({
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
  })
  .strict();

/** What `perf.guard()` accepts. */
export type GuardOptions = z.input<typeof guardOptionsSchema>;
/** Guard options after validation and defaults. */
export type ResolvedGuardOptions = z.output<typeof guardOptionsSchema>;

/** Validates guard options; throws `PerfkitConfigError` naming `guard.<key>`, the value and what is allowed. */
export function resolveGuardOptions(input: unknown): ResolvedGuardOptions {
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    // Named here rather than left to zod's strict(), whose message names neither the key's path nor its value.
    const known = Object.keys(guardOptionsSchema.shape);
    let unknown: string | undefined;
    try {
      unknown = Object.keys(input).find((key) => !known.includes(key));
    } catch {
      throw new PerfkitConfigError('guard', '<unreadable>', 'could not be read (a getter or proxy threw while reading it)');
    }
    if (unknown !== undefined) {
      throw new PerfkitConfigError(`guard.${unknown.slice(0, 64)}`, (input as Record<string, unknown>)[unknown], `unknown option; expected one of ${known.join(', ')}`);
    }
  }
  return resolveConfig(guardOptionsSchema, input, [], {}, 'guard');
}
