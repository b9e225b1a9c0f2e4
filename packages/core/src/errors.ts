import { redactText } from './redact';

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

/** One configuration problem: the key, the value given, what is allowed, and the variable it came from. */
export interface ConfigProblem {
  readonly key: string;
  readonly value: unknown;
  readonly allowed: string;
  readonly source?: string;
}

/**
 * Thrown by `createPerfkit` when configuration values (or environment variables) are not allowed. The message
 * lists every problem, one per line; `key` and `value` are the first one's, `problems` has them all.
 */
export class PerfkitConfigError extends PerfkitError {
  /** Dotted path of the (first) offending key, e.g. `prometheus.port`. */
  readonly key: string;
  /** The value that was given. */
  readonly value: unknown;
  /** Every problem found. */
  readonly problems: readonly ConfigProblem[];

  constructor(key: string, value: unknown, allowed: string, source?: string, problems?: readonly ConfigProblem[]) {
    const all = problems && problems.length ? problems : [{ key, value, allowed, source }];
    const line = (p: ConfigProblem) => `${p.key} = ${formatValue(p.value, p.key)}${p.source ? ` (from ${p.source})` : ''}: ${p.allowed}`;
    super('PERFKIT_ERR_INVALID_CONFIG', {
      detail: all.length === 1 ? line(all[0]!) : `${all.length} problems\n  ${all.map(line).join('\n  ')}`,
    });
    this.name = 'PerfkitConfigError';
    this.key = key;
    this.value = value;
    this.problems = all;
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

/** A value as a reader wants to see it: strings quoted, arrays in brackets, objects as JSON; secrets redacted. */
function formatValue(value: unknown, key = ''): string {
  try {
    if (/(^|\.)headers(\.|$)/i.test(key)) return typeof value === 'object' && value !== null ? `{${Object.keys(value).map((k) => `${JSON.stringify(k)}: "[REDACTED]"`).join(', ')}}` : '"[REDACTED]"';
    let text: string;
    if (typeof value === 'string') text = JSON.stringify(redactText(value));
    else if (typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function' || value === undefined) text = String(value);
    else if (typeof value === 'object' && value !== null) text = redactText(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? String(value));
    else text = String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return '<unprintable>';
  }
}

