/** Every error code `@perfkit/core` throws at configuration or construction time, with its message template. */
export const ERRORS = {
  PERFKIT_ERR_INVALID_CONFIG: 'Invalid perfkit configuration: {detail}',
  PERFKIT_ERR_INVALID_BUCKETS: 'Invalid buckets for operation type "{type}": {detail}',
  PERFKIT_ERR_INVALID_OPERATION_TYPE: 'Invalid operation type {type}: {detail}',
  PERFKIT_ERR_PORT_IN_USE: 'perfkit could not serve /metrics on {host}:{port}: the port is in use (another perfkit instance or server?). Set prometheus.port or PERFKIT_PROMETHEUS_PORT to a free port, or 0 for any.',
  PERFKIT_ERR_LISTEN: 'perfkit could not serve /metrics on {host}:{port}: {detail}',
  PERFKIT_ERR_SHUT_DOWN: 'perfkit has been shut down: {detail}',
  PERFKIT_ERR_INVALID_GUARD: 'Invalid guard option {detail}',
} as const;

/** A code from {@link ERRORS}. */
export type PerfkitErrorCode = keyof typeof ERRORS;

/** The error perfkit throws for configuration and construction mistakes; match on `code`. */
export class PerfkitError extends Error {
  /** The stable error code, one of {@link ERRORS}. */
  readonly code: PerfkitErrorCode;

  constructor(code: PerfkitErrorCode, params: Record<string, string | number>, options?: { cause?: unknown }) {
    super(ERRORS[code].replace(/\{(\w+)\}/g, (_, key: string) => String(params[key] ?? `{${key}}`)), options);
    this.name = 'PerfkitError';
    this.code = code;
  }
}

/** Thrown by `createPerfkit` when a configuration value (or its environment override) is not allowed. */
export class PerfkitConfigError extends PerfkitError {
  /** Dotted path of the offending key, e.g. `prometheus.port`. */
  readonly key: string;
  /** The value that was given. */
  readonly value: unknown;

  constructor(key: string, value: unknown, allowed: string, source?: string) {
    const shown = formatValue(value);
    super('PERFKIT_ERR_INVALID_CONFIG', {
      detail: `${key} = ${shown}${source ? ` (from ${source})` : ''}: ${allowed}`,
    });
    this.name = 'PerfkitConfigError';
    this.key = key;
    this.value = value;
  }
}

/** `String(value)` cut to `max` characters that never throws (a value whose conversion throws reads `<unprintable>`). */
export function safeString(value: unknown, max = 64): string {
  try {
    return String(value).slice(0, max);
  } catch {
    return '<unprintable>';
  }
}

function formatValue(value: unknown): string {
  try {
    const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return '<unprintable>';
  }
}
