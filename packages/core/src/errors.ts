import { REDACTED, redactText, shownHeaderName } from './redact';

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

/** Problems spelled out in a configuration error's message; `problems` keeps them all. */
const MAX_PROBLEMS_IN_MESSAGE = 10;

/**
 * One line of at most `max` characters: line breaks in hostile keys or explanations are shown as `\n`, other control
 * characters (a lone carriage return in a header name) as `\xNN`.
 */
const cut = (text: string, max: number): string => {
  const one = text.replace(/\r?\n/g, '\\n').replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return one.length > max ? `${one.slice(0, max - 3)}...` : one;
};

/**
 * Thrown by `createPerfkit` when configuration values (or environment variables) are not allowed. The message
 * lists every problem, one per line (the first ten, then how many more; keys and explanations shortened), so a
 * hostile configuration cannot make an unreadable message; `key` and `value` are the first one's, `problems` has them all.
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
    const line = formatProblem;
    const shown = all.slice(0, MAX_PROBLEMS_IN_MESSAGE).map(line);
    if (all.length > MAX_PROBLEMS_IN_MESSAGE) shown.push(`... and ${all.length - MAX_PROBLEMS_IN_MESSAGE} more (err.problems lists every one)`);
    super('PERFKIT_ERR_INVALID_CONFIG', {
      detail: all.length === 1 ? line(all[0]!) : `${all.length} problems\n  ${shown.join('\n  ')}`,
    });
    this.name = 'PerfkitConfigError';
    this.key = key;
    this.value = withoutSecrets({ key, value, allowed }).value;
    this.problems = all.map(withoutSecrets);
  }
}

/** Keys whose value is a map of headers or one header's value: secrets, never shown. */
const HEADERS_KEY = /(^|\.)headers(\.|$)/i;

/**
 * The problem as an application may log it (`JSON.stringify(err.problems)`): header values, and the user info of
 * URLs, replaced by `[REDACTED]` as the message shows them. The given value stays out of the error object.
 */
function withoutSecrets(p: ConfigProblem): ConfigProblem {
  try {
    if (HEADERS_KEY.test(p.key)) {
      const value = typeof p.value === 'object' && p.value !== null ? Object.fromEntries(Object.keys(p.value).map((k) => [shownHeaderName(k), REDACTED])) : REDACTED;
      return { ...p, value };
    }
    if (typeof p.value === 'string') {
      const shown = redactText(p.value);
      return shown === p.value ? p : { ...p, value: shown };
    }
    return p;
  } catch {
    return { ...p, value: '<unprintable>' };
  }
}

/** One problem on one line: `key = value (from VARIABLE): what is allowed`, the value shortened and its secrets redacted. */
export function formatProblem(p: ConfigProblem): string {
  return `${cut(p.key, 100)} = ${cut(formatValue(p.value, p.key), 100)}${p.source ? ` (from ${p.source})` : ''}: ${cut(p.allowed, 200)}`;
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
    if (HEADERS_KEY.test(key)) return typeof value === 'object' && value !== null ? `{${Object.keys(value).map((k) => `${JSON.stringify(shownHeaderName(k))}: "[REDACTED]"`).join(', ')}}` : '"[REDACTED]"';
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

