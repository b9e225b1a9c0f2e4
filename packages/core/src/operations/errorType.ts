/** The `error.type` value used once an operation type has seen its limit of distinct error types. */
export const OTHER_ERROR_TYPE = '_OTHER';

const VALID = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

/**
 * A low-cardinality `error.type` for a thrown value, following the OpenTelemetry convention:
 * the error's string `code` (e.g. `ECONNRESET`) if it has one, else its class name, else `_OTHER`.
 * Never throws, even for objects with throwing getters.
 */
export function errorTypeOf(err: unknown): string {
  try {
    if (err === null || (typeof err !== 'object' && typeof err !== 'function')) return OTHER_ERROR_TYPE;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && VALID.test(code)) return code;
    const ctor = (err as { constructor?: { name?: unknown } }).constructor;
    const name = ctor && typeof ctor.name === 'string' ? ctor.name : undefined;
    if (name && name !== 'Object' && VALID.test(name)) return name;
  } catch {
    // A throwing getter tells us nothing about the error's type.
  }
  return OTHER_ERROR_TYPE;
}

/** True when `value` is a string usable as an `error.type` given by the caller. */
export function isValidErrorType(value: unknown): value is string {
  return typeof value === 'string' && VALID.test(value);
}
