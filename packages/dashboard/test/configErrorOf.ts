import { PerfkitConfigError } from '@perfkit/core';
import { loadDashboardConfig } from '@perfkit/dashboard';

/** The `PerfkitConfigError` that `loadDashboardConfig` throws for these options and variables (any other outcome fails). */
export function configErrorOf(input: unknown, env: NodeJS.ProcessEnv = {}): PerfkitConfigError {
  try {
    loadDashboardConfig(input as never, env);
  } catch (err) {
    if (err instanceof PerfkitConfigError) return err;
    throw err;
  }
  throw new Error('expected a PerfkitConfigError');
}

/** Everything an application may print of the error: its message, `value` and `problems`. */
export const printed = (err: PerfkitConfigError): string => `${err.message} ${JSON.stringify(err.value)} ${JSON.stringify(err.problems)}`;
