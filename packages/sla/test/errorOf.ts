import { SlaSpecError } from '@perfkit/sla';

/** Runs `fn` and returns the SlaSpecError it throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): SlaSpecError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SlaSpecError) return err;
    throw err;
  }
  throw new Error('expected a SlaSpecError');
}
