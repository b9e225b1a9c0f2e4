import { PerfkitConfigError } from '@perfkit/core';

/** The `PerfkitConfigError` that `fn` throws (any other outcome fails the test). */
export function configErrorOf(fn: () => unknown): PerfkitConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PerfkitConfigError) return err;
    throw err;
  }
  throw new Error('expected a PerfkitConfigError');
}

/** Everything an application may print of the error: its message, `value` and `problems` as JSON. */
export const printed = (err: PerfkitConfigError): string => `${err.message} ${JSON.stringify(err.value)} ${JSON.stringify(err.problems)}`;
