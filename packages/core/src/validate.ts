import type { z } from 'zod';
import { PerfkitConfigError, redactForDisplay, type ConfigProblem } from './errors';
import { nearestKey } from './nearestKey';

/** How one environment variable overrides one configuration key. */
export interface EnvOverride {
  /** Variable name, e.g. `PERFKIT_PROMETHEUS_PORT`. */
  readonly env: string;
  /** Dotted key it sets, e.g. `prometheus.port`. */
  readonly key: string;
  /**
   * How its text becomes a value, white space around it dropped: `string` is the text; `number` is decimal digits
   * (`0x10` and `1e3` are refused); `lower` is a case-insensitive word; `otel-boolean` follows the OpenTelemetry
   * spec ("true" and "false", in any case; any other text is left as text, which `ignoreInvalid` reports and reads as
   * unset, so false by default); `otlp-base` appends `v1/metrics` to the path of a base endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`), its query kept.
   */
  readonly parse: 'string' | 'number' | 'boolean' | 'list' | 'map' | 'lower' | 'otel-boolean' | 'otlp-base';
  /** Applies only when this key is set too (in code or by another variable), e.g. `otlp.intervalMs` needs `otlp.url`. */
  readonly requires?: string;
  /** For a map: merged under the value given in code (code keys win) instead of skipped when code sets the key. */
  readonly merge?: boolean;
  /**
   * For a map: merged under the value this other variable set (its keys win), and only that one; a value from code or
   * any other variable is kept whole. `OTEL_EXPORTER_OTLP_HEADERS` under `OTEL_EXPORTER_OTLP_METRICS_HEADERS`: each
   * variable is read, checked and, when invalid, ignored on its own, so a warning names the variable holding the text.
   */
  readonly mergeUnder?: string;
  /**
   * OpenTelemetry's rule for its numeric, enum and key-value variables: a value that is not valid for the key is
   * treated as unset (the next source applies) and reported to `options.ignored`, not thrown. Without it a bad value
   * fails the configuration.
   */
  readonly ignoreInvalid?: boolean;
}

/**
 * Validates a configuration object against a zod schema after filling keys from environment variables.
 * With `codeWins` (core's configuration): a value given in code wins, then the variables in the order
 * `overrides` lists them (core lists its `PERFKIT_*` variables before the standard `OTEL_*` ones); without it a
 * variable overrides code (the later one listed wins). Every problem is reported at once in one
 * {@link PerfkitConfigError} naming each key, its value (and the variable it came from) and what is allowed,
 * with the nearest known key for an unknown one. Shared by every perfkit package so that all fail the same way.
 */
export function resolveConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  overrides: readonly EnvOverride[],
  env: NodeJS.ProcessEnv = process.env,
  prefix = '',
  options: { codeWins?: boolean; ignored?: ConfigProblem[] } = {},
): z.output<S> {
  const merged = input === undefined || input === null ? {} : input;
  if (typeof merged !== 'object' || Array.isArray(merged)) {
    throw new PerfkitConfigError(prefix || 'config', merged, 'expected an object');
  }
  let base: Record<string, unknown>;
  try {
    base = structuredCloneSafe(merged as Record<string, unknown>);
  } catch {
    throw unreadable(prefix || 'config');
  }
  const sources = new Map<string, string>();
  // Keys set from a variable whose text is not a number: what to say instead of the schema's "received string".
  const notNumbers = new Set<string>();
  // What an `ignoreInvalid` variable's value is refused for, if it is: such a variable counts as unset.
  const refusals = new Map<EnvOverride, string | undefined>();
  const refusal = (o: EnvOverride, parsed: unknown): string | undefined => {
    if (!o.ignoreInvalid) return undefined;
    // A map whose text could not be read is left as text (see parseEnv): say what the text should look like.
    if (!refusals.has(o)) {
      if (typeof parsed === 'string' && o.parse === 'map') refusals.set(o, MAP_EXPECTED);
      else if (typeof parsed === 'string' && o.parse === 'number') refusals.set(o, NUMBER_EXPECTED);
      else if (typeof parsed === 'string' && o.parse === 'otel-boolean') refusals.set(o, OTEL_BOOLEAN_EXPECTED);
      else refusals.set(o, invalidFor(schema, o.key, parsed));
    }
    return refusals.get(o);
  };
  const usable = (o: EnvOverride): boolean => present(env[o.env]) && refusal(o, parseEnv(o, env[o.env]!)) === undefined;
  const given = (key: string) => isSet(base, key) || overrides.some((o) => o.key === key && usable(o));
  // Whether `o` would add to the key's current value rather than be skipped for it.
  const mergesInto = (o: EnvOverride, current: unknown): boolean => !!o.merge || (o.mergeUnder !== undefined && current !== undefined && sources.get(o.key) === o.mergeUnder);
  for (const o of overrides) {
    const text = env[o.env];
    if (!present(text)) continue;
    if (o.requires !== undefined && !given(o.requires)) continue;
    const parsed = parseEnv(o, text);
    const refused = refusal(o, parsed);
    if (refused !== undefined) {
      const current = lookup(base, o.key);
      // Reported only where it would have been used (code, or a variable listed earlier, did not decide the key).
      if (!options.codeWins || (!current.decided && (current.value === undefined || mergesInto(o, current.value)))) {
        options.ignored?.push({ key: prefix ? `${prefix}.${o.key}` : o.key, value: parsed, allowed: refused, source: o.env });
      }
      continue;
    }
    if (!options.codeWins) {
      // Older rule, kept for packages that document it: the variable wins over code.
      setPath(base, o.key, parsed);
      sources.set(o.key, o.env);
      if (o.parse === 'number' && typeof parsed === 'string') notNumbers.add(o.key);
      continue;
    }
    const current = lookup(base, o.key);
    if (current.decided) continue; // code (or a variable listed earlier) decided this key
    if (current.value !== undefined) {
      if (!mergesInto(o, current.value) || !isPlainObject(current.value) || !isPlainObject(parsed)) continue;
      setPath(base, o.key, { ...parsed, ...current.value });
      continue;
    }
    setPath(base, o.key, parsed);
    sources.set(o.key, o.env);
    if (o.parse === 'number' && typeof parsed === 'string') notNumbers.add(o.key);
  }
  let result: ReturnType<typeof schema.safeParse>;
  try {
    result = schema.safeParse(base);
  } catch {
    throw unreadable(prefix || 'config');
  }
  if (result.success) return result.data;
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  let issues: readonly IssueLike[];
  try {
    issues = result.error.issues; // formatted lazily: may read (and trip over) the bad value
  } catch {
    throw unreadable(prefix || 'config');
  }
  let found: Found[];
  try {
    found = issues.flatMap((issue) => deepestIssues(issue, [])); // zod formats issues lazily and may read the bad value
  } catch {
    throw unreadable(prefix || 'config');
  }
  const knownAt = new Map<string, string[]>(); // the known keys beside unknown ones, by the path of their object
  for (const deepest of found) {
    const { path, message } = deepest;
    const key = path.join('.') || 'config';
    if (seen.has(key)) continue;
    seen.add(key);
    let value: unknown;
    try {
      value = getPath(base, path);
    } catch {
      value = '<unreadable>';
    }
    let allowed = notNumbers.has(key) ? NUMBER_EXPECTED : message;
    if (deepest.unknown) {
      const parent = path.slice(0, -1).join('.');
      let known = knownAt.get(parent);
      if (!known) knownAt.set(parent, (known = knownKeys(schema, path.slice(0, -1))));
      const near = nearestKey(path[path.length - 1]!, known);
      if (near) {
        allowed += `; did you mean "${near}"?`;
        // A typo of a secret's key (`otlp.header`, `apiKye`) holds that secret: hidden as the key it was meant to be.
        value = redactForDisplay(value, [...path.slice(0, -1), near].join('.'));
      }
    }
    problems.push({ key: prefix ? `${prefix}.${key}` : key, value, allowed, source: sourceOf(sources, path) });
  }
  const first = problems[0]!;
  throw new PerfkitConfigError(first.key, first.value, first.allowed, first.source, problems);
}

/** The variable that set `path` or the key it lies under (`otlp.headers.x-tenant` was set with `otlp.headers`), if one did. */
function sourceOf(sources: ReadonlyMap<string, string>, path: readonly string[]): string | undefined {
  for (let n = path.length; n > 0; n--) {
    const source = sources.get(path.slice(0, n).join('.'));
    if (source !== undefined) return source;
  }
  return undefined;
}

/** What a key-value variable's text must look like (W3C Baggage without properties, as OpenTelemetry reads it). */
const MAP_EXPECTED = 'expected key=value pairs separated by commas, "," "=" and "%" percent-encoded (a %-escape could not be decoded); the whole variable is ignored';

/**
 * A number in a variable is written in decimal digits (`9464`, `-5`, `0.5`): `Number()` also reads `0x10` as 16,
 * `1e3` as 1000 and `0b11` as 3, which no one writing a port or a timeout means.
 */
const DECIMAL = /^-?\d+(\.\d+)?$/;
const NUMBER_EXPECTED = 'expected number, in decimal digits (no hex, exponent or unit)';

/** OpenTelemetry's booleans (configuration/common.md): only "true" is true; another word than "false" is false, with a warning. */
const OTEL_BOOLEAN_EXPECTED = 'expected true or false, in any case; read as false';

const present = (text: string | undefined): text is string => text !== undefined && text.trim() !== '';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Whether code set `key` (or decided it, e.g. `prometheus: false` decides every `prometheus.*`). */
function isSet(obj: Record<string, unknown>, key: string): boolean {
  const found = lookup(obj, key);
  return found.decided || found.value !== undefined;
}

function lookup(obj: Record<string, unknown>, key: string): { value: unknown; decided: boolean } {
  let cur: unknown = obj;
  const parts = key.split('.');
  for (let i = 0; i < parts.length; i++) {
    if (cur === undefined || cur === null) return { value: undefined, decided: false };
    if (typeof cur !== 'object') return { value: undefined, decided: true };
    cur = (cur as Record<string, unknown>)[parts[i]!];
  }
  return { value: cur, decided: false };
}

/** Why `value` is not valid for the schema's `key` (a dotted path), or undefined when it is (or the key is unknown). */
function invalidFor(schema: unknown, key: string, value: unknown): string | undefined {
  let cur: unknown = schema;
  for (const part of key.split('.')) {
    const shape = (unwrapToObject(cur) as { shape?: Record<string, unknown> } | undefined)?.shape;
    cur = shape?.[part];
    if (!cur) return undefined;
  }
  const result = (cur as z.ZodType).safeParse(value);
  if (result.success) return undefined;
  const { path, message } = deepestIssues(result.error.issues[0] as IssueLike, [])[0]!;
  // Which entry of a map (a header, a resource attribute) is refused, when it is one entry.
  return path.length ? `${JSON.stringify(path.join('.'))}: ${message}` : message;
}

/** The keys an object schema knows at `path` (unwrapping defaults, optionals and unions); empty if unknown. */
function knownKeys(schema: unknown, path: readonly string[]): string[] {
  let cur: unknown = schema;
  for (let i = 0; i <= path.length; i++) {
    cur = unwrapToObject(cur);
    if (!cur) return [];
    const shape = (cur as { shape?: Record<string, unknown> }).shape;
    if (!shape) return [];
    if (i === path.length) return Object.keys(shape);
    cur = shape[path[i]!];
  }
  return [];
}

function unwrapToObject(schema: unknown): unknown {
  let cur = schema as { shape?: unknown; def?: { innerType?: unknown; options?: unknown[]; element?: unknown } } | undefined;
  for (let i = 0; i < 8 && cur; i++) {
    if (cur.shape) return cur;
    const def = cur.def;
    if (!def) return undefined;
    if (def.innerType) cur = def.innerType as typeof cur;
    else if (def.options) cur = def.options.find((o) => unwrapToObject(o)) as typeof cur;
    else if (def.element) cur = def.element as typeof cur;
    else return undefined;
  }
  return undefined;
}

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly errors?: ReadonlyArray<readonly IssueLike[]>;
  readonly keys?: readonly string[];
}

/** One problem zod found: where, what it said, and whether it is an unknown key. */
interface Found {
  readonly path: string[];
  readonly message: string;
  readonly unknown?: boolean;
}

/**
 * The problems one zod issue stands for: each key of an unknown-keys issue (zod lists them all in one issue); for a
 * union (e.g. `false | {...}`), every issue of the branch that got furthest instead of the union itself.
 */
function deepestIssues(issue: IssueLike, prefix: string[]): Found[] {
  const path = [...prefix, ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
    return issue.keys.map((key) => ({ path: [...path, key], message: 'unknown option', unknown: true }));
  }
  if (issue.code === 'invalid_union' && issue.errors?.length) {
    let best: Found[] | undefined;
    for (const branch of issue.errors) {
      if (!branch[0]) continue;
      const candidate = branch.flatMap((i) => deepestIssues(i, path));
      if (!best || candidate[0]!.path.length > best[0]!.path.length) best = candidate;
    }
    if (best && best[0]!.path.length > path.length) return best;
  }
  return [{ path, message: issue.message }];
}

/** A configuration whose reading throws (a getter or a Proxy trap) is as invalid as a wrong value. */
function unreadable(key: string): PerfkitConfigError {
  return new PerfkitConfigError(key, '<unreadable>', 'could not be read (a getter or proxy threw while reading it)');
}

function parseEnv(o: EnvOverride, text: string): unknown {
  switch (o.parse) {
    case 'number': {
      const digits = text.trim();
      return DECIMAL.test(digits) ? Number(digits) : text;
    }
    case 'string':
      return text.trim(); // ' 0.0.0.0 ' from a quoted .env line is 0.0.0.0 (an empty or blank variable counts as unset)
    case 'lower':
      return text.trim().toLowerCase();
    case 'otel-boolean': {
      const word = text.trim().toLowerCase();
      return word === 'true' ? true : word === 'false' ? false : text;
    }
    case 'otlp-base':
      return signalUrl(text.trim(), 'v1/metrics');
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(t)) return true;
      if (['0', 'false', 'no', 'off'].includes(t)) return false;
      return text;
    }
    case 'list':
      return text.split(',').map((s) => s.trim()).filter(Boolean);
    case 'map': {
      const out: Record<string, string> = {};
      for (const pair of text.split(',')) {
        const at = pair.indexOf('=');
        if (at <= 0) continue;
        try {
          out[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
        } catch {
          return text; // malformed %-escape: left as text, so the schema rejects it naming the variable
        }
      }
      return out;
    }
    default:
      return text;
  }
}

/**
 * The signal's URL under a base OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`): `path` appended to the base URL's path,
 * with one slash, its query kept after it (the specification appends the signal path to the base's path; appended to
 * the text, `http://h:4318/?tenant=a` became `http://h:4318/?tenant=a/v1/metrics`, a request for `/` with a mangled
 * query). Text that is no URL is appended to as text, so the configuration error quotes what would have been used.
 */
function signalUrl(base: string, path: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return base.endsWith('/') ? `${base}${path}` : `${base}/${path}`;
  }
  url.pathname = url.pathname.endsWith('/') ? `${url.pathname}${path}` : `${url.pathname}/${path}`;
  return url.href;
}

function structuredCloneSafe(obj: Record<string, unknown>, copies = new Map<object, Record<string, unknown>>()): Record<string, unknown> {
  // Shallow-copies plain objects along the way so overrides never mutate the caller's config; functions (loggers) and
  // class instances are kept by reference. An object met again inside itself (a circular value, copied forever
  // before, and refused as unreadable) becomes its copy: the copy is circular where the original was.
  const out: Record<string, unknown> = {};
  copies.set(obj, out);
  for (const [k, v] of Object.entries(obj)) {
    const isPlain = v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
    out[k] = isPlain ? (copies.get(v) ?? structuredCloneSafe(v as Record<string, unknown>, copies)) : v;
  }
  copies.delete(obj);
  return out;
}

function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (next === false || next === undefined || next === null || typeof next !== 'object') cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

function getPath(obj: unknown, parts: string[]): unknown {
  let cur = obj;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
