import { bucketsSchema } from '../config';
import { PerfkitError, safeString } from '../errors';
import { BUILTIN_OPERATION_TYPES } from '../names';

/** Default duration buckets (seconds) of each built-in operation type, and of registered types without their own. */
export const DEFAULT_BUCKETS: Readonly<Record<string, readonly number[]>> = {
  download: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  health_check: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  fallback: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  model_operation: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10, 30, 60],
  analytics_collection: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  default: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
};

const TYPE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Validates an operation type name; throws a coded error naming the problem. */
export function checkTypeName(type: unknown): asserts type is string {
  if (typeof type !== 'string' || !TYPE_NAME.test(type)) {
    throw new PerfkitError('PERFKIT_ERR_INVALID_OPERATION_TYPE', {
      type: JSON.stringify(safeString(type, 78)),
      detail: 'expected lower_snake_case, 1-63 characters, starting with a letter',
    });
  }
}

/** Validates bucket boundaries for a type; throws `PERFKIT_ERR_INVALID_BUCKETS`. */
export function checkBuckets(type: string, buckets: unknown): number[] {
  let parsed: ReturnType<typeof bucketsSchema.safeParse>;
  try {
    parsed = bucketsSchema.safeParse(buckets);
  } catch (err) {
    // An array-like whose reads throw: as invalid as any other non-array.
    throw new PerfkitError('PERFKIT_ERR_INVALID_BUCKETS', { type, detail: 'the buckets could not be read' }, { cause: err });
  }
  if (!parsed.success) {
    throw new PerfkitError('PERFKIT_ERR_INVALID_BUCKETS', { type, detail: parsed.error.issues[0]!.message });
  }
  return parsed.data;
}

/** The built-in types with their default buckets. */
export function builtinTypes(): Map<string, readonly number[]> {
  return new Map(BUILTIN_OPERATION_TYPES.map((t) => [t, DEFAULT_BUCKETS[t]!]));
}
