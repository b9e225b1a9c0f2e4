import { Buffer } from 'node:buffer';
import { types } from 'node:util';
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

/** A key's part as the secret rules read it: NFKC (full-width letters as theirs), lower-cased, letters and digits only. */
const bare = (part: string): string => part.normalize('NFKC').toLowerCase().replace(/[^a-z0-9]/g, '');

/** Whether the value under a key (dotted or not) is a map of headers or one header's value: secrets, never shown. */
const isHeadersKey = (key: string): boolean => key.split('.').some((part) => bare(part) === 'headers');

/**
 * Names of keys that hold a secret, matched against the end of a key {@link bare}d (every character but letters and
 * digits dropped, so `-`, `_`, dots, white space and punctuation count for nothing): `apiKey`, `x-api-key`,
 * `accessToken`, `client_secret`, `DB_PASSWORD`, `Authorization`, `awsCredentials`, `apiKeys`, `'apiKey '`,
 * `'Authorization:'`. Only the end counts: `apiKeyFile` (a path), `tokenBucketSize` and `keyPrefix` are shown. No
 * option of perfkit's own packages ends so but the dashboard's `apiKey`, a secret; names chosen by the user (an
 * operation type, a resource attribute) that end so are hidden too, the safe side.
 */
const SECRET_NAME = /(keys?|tokens?|secrets?|passwords?|authorization|credentials?)$/;

/**
 * Whether a key (dotted or not), {@link bare}d, matches `ending` (a pattern anchored at the end, such as
 * {@link SECRET_NAME}): its array indices at the end are not a name (`plugin.apiKeys.1` is one of the keys). The one
 * rule for names of keys: `@perfkit/sla` reads URL-named keys with it.
 */
export function isKeyNamed(key: string, ending: RegExp): boolean {
  let end = key.length;
  for (let dot = key.lastIndexOf('.'); dot >= 0 && isIndex(key.slice(dot + 1, end)); dot = key.lastIndexOf('.', dot - 1)) end = dot;
  return ending.test(bare(key.slice(0, end)));
}

/** Whether a key is named like a secret, see {@link SECRET_NAME}. */
const isSecretKey = (key: string): boolean => isKeyNamed(key, SECRET_NAME);

/** Whether a key is written as an array index (`0`, `12`; not `01`, `1e3` or `-1`). */
const isIndex = (key: string): boolean => /^(0|[1-9][0-9]*)$/.test(key);

/**
 * What a secret was redacted to (a header value's `[REDACTED]` too): kept as it is when redacted again (an error built
 * from another's problems, a header named `x-api-key`).
 */
const REDACTED_SECRET = /^\[(redacted(, \d+ characters)?|REDACTED)\]$/;

/** A secret as perfkit shows it: its length for a string (a clue to a truncated paste), nothing of anything else. */
function redactedSecret(value: unknown): string {
  if (typeof value !== 'string') return '[redacted]';
  return REDACTED_SECRET.test(value) ? value : `[redacted, ${value.length} characters]`;
}

/** Shown in place of an object met again inside itself. */
const CIRCULAR = '[Circular]';
/** Shown in place of an object past {@link MAX_DEPTH} levels or {@link MAX_ENTRIES} entries: not searched, so not shown. */
const TOO_LARGE = '[too large to show]';
const MAX_DEPTH = 64;
/** The most entries (of every object and array in it together) a value is searched through for secrets. */
const MAX_ENTRIES = 10_000;

/** A caller's own rule for the strings {@link redactedValue} keeps: the text (URL user info already redacted) and its key. */
export type ShownText = (text: string, key: string) => string;

/**
 * Where {@link redactedValue} is in a value: the objects it is inside, how many entries it may still read, and the
 * caller's rule for strings.
 */
interface Walk {
  readonly ancestors: Set<object>;
  entriesLeft: number;
  readonly shownText?: ShownText;
}

const walk = (shownText?: ShownText): Walk => ({ ancestors: new Set(), entriesLeft: MAX_ENTRIES, ...(shownText ? { shownText } : {}) });

/**
 * `value`, given under `key`, as perfkit may show it: a header map's values and a header value as `[REDACTED]`, the
 * value of a key named like a secret as {@link redactedSecret}, URL user info in strings redacted; the same inside
 * objects and arrays, an object met again inside itself shown as `[Circular]`, one too deep or too large to search as
 * `[too large to show]` (never read whole: a sparse array a billion long stays cheap), binary data by kind and size
 * (never read: a 100 MB Buffer stays cheap). An object is searched as JSON
 * prints it: what its `toJSON` returns (a URL's text), else its own keys. Returns `value` itself when it is a plain
 * object or array with nothing hidden, else a copy made of plain objects and arrays (the caller's object is never
 * changed, and an object of another class is never kept: a `URL`, a `Map` or an `Error` holds what its keys do not
 * show, and `util.inspect` prints it; nor are an array's named or an object's symbol-keyed properties). May throw where reading the value throws (a getter, a Proxy, a `toJSON`).
 */
function redactedValue(value: unknown, key: string, at: Walk): unknown {
  if (isHeadersKey(key)) return isObject(value) ? Object.fromEntries(Object.keys(value).map((k) => [shownHeaderName(k), REDACTED])) : REDACTED;
  if (isSecretKey(key)) return redactedSecret(value);
  if (typeof value === 'string') return at.shownText ? at.shownText(redactText(value), key) : redactText(value);
  if (!isObject(value)) return value;
  if (types.isAnyArrayBuffer(value) || ArrayBuffer.isView(value)) return binary(value);
  if (at.ancestors.has(value)) return CIRCULAR;
  if (at.ancestors.size >= MAX_DEPTH) return TOO_LARGE;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  const json: unknown = typeof toJSON === 'function' ? toJSON.call(value, key) : value;
  at.ancestors.add(value);
  try {
    return json === value ? redactedEntries(value, at) : redactedValue(json, key, at);
  } finally {
    at.ancestors.delete(value);
  }
}

/** The entries of an object or array (its own enumerable keys, or its indices) searched by {@link redactedValue}. */
function redactedEntries(value: object, at: Walk): unknown {
  const keys = Array.isArray(value) ? undefined : Object.keys(value);
  const size = keys ? keys.length : (value as unknown[]).length;
  if (size > at.entriesLeft) return TOO_LARGE;
  at.entriesLeft -= size;
  const entries = Array.from({ length: size }, (_, i) => (value as Record<string, unknown>)[keys ? keys[i]! : i]);
  const shown = entries.map((v, i) => redactedValue(v, keys ? keys[i]! : '', at));
  if (isPlain(value) && !hasUnprintedKeys(value) && shown.every((v, i) => Object.is(v, entries[i]))) return value;
  return keys ? Object.fromEntries(keys.map((k, i) => [k, shown[i]])) : shown;
}

/**
 * Whether `value` has own enumerable properties that JSON leaves out and `util.inspect` prints: a symbol-keyed one, or
 * an array's named one (`Object.assign(['a'], { apiKey })`). Called on an array no longer than the entries left to read.
 */
function hasUnprintedKeys(value: object): boolean {
  if (Object.getOwnPropertySymbols(value).some((symbol) => Object.prototype.propertyIsEnumerable.call(value, symbol))) return true;
  if (!Array.isArray(value)) return false;
  return Object.keys(value).some((key) => !isIndex(key) || Number(key) >= value.length);
}

/**
 * Binary data (a Buffer, a typed array, a DataView, an ArrayBuffer or SharedArrayBuffer) as its kind and size,
 * `[Buffer, 104857600 bytes]`: never read (its `toJSON` or keys list every byte, before any bound could apply).
 */
function binary(value: ArrayBufferLike | ArrayBufferView): string {
  const kind = Buffer.isBuffer(value) ? 'Buffer' : Object.prototype.toString.call(value).slice(8, -1);
  return `[${kind.slice(0, 64)}, ${value.byteLength} bytes]`;
}

/** An object literal, an `Object.create(null)` or an array: nothing of it is out of sight of its keys. */
function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || (proto === Array.prototype && Array.isArray(value));
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * `value`, given under `key` (dotted or not), as perfkit's errors show it, for any package's error to hold and print:
 * the value of a key named like a secret (`apiKey`, `routing_key`, `credentials`, `DB_PASSWORD`) as `[redacted, N
 * characters]`, header values as `[REDACTED]`, URL user info redacted in every string, the same inside objects and
 * arrays (a circular one as `[Circular]`, one too deep or large to search as `[too large to show]`); `value` itself when
 * nothing is hidden, else a copy. `shownText`, when given, rewrites every string that rule keeps (a package's own rule,
 * such as hiding webhook URL paths). Never throws: a value whose reading throws (a getter, a Proxy) is `<unprintable>`.
 */
export function redactForDisplay(value: unknown, key: string, shownText?: ShownText): unknown {
  try {
    return redactedValue(value, key, walk(shownText));
  } catch {
    return '<unprintable>';
  }
}

/**
 * The problem as an application may log it (`JSON.stringify(err.problems)`): its value as the message shows it
 * ({@link redactForDisplay}). The given value stays out of the error object.
 */
function withoutSecrets(p: ConfigProblem): ConfigProblem {
  const value = redactForDisplay(p.value, p.key);
  return Object.is(value, p.value) ? p : { ...p, value };
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
    const shown = redactedValue(value, key, walk());
    let text: string;
    if (typeof shown === 'string') text = JSON.stringify(shown);
    else if (typeof shown === 'bigint' || typeof shown === 'symbol' || typeof shown === 'function' || shown === undefined) text = String(shown);
    else if (typeof shown === 'object' && shown !== null) text = redactText(JSON.stringify(shown, jsonReplacer) ?? String(shown));
    else text = String(shown);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return '<unprintable>';
  }
}

/** Bigints as their digits; a secret-named key's value that a `toJSON` method returned redacted too. */
function jsonReplacer(key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return String(value);
  return isSecretKey(key) ? redactedSecret(value) : value;
}
