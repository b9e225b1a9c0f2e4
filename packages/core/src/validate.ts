import type { z } from 'zod';
import { PerfkitConfigError } from './errors';

/** How one environment variable overrides one configuration key. */
export interface EnvOverride {
  /** Variable name, e.g. `PERFKIT_PROMETHEUS_PORT`. */
  readonly env: string;
  /** Dotted key it sets, e.g. `prometheus.port`. */
  readonly key: string;
  /** How its text becomes a value. */
  readonly parse: 'string' | 'number' | 'boolean' | 'list' | 'map';
}

/**
 * Validates a configuration object against a zod schema after applying `PERFKIT_*` environment overrides.
 * The first problem becomes a {@link PerfkitConfigError} naming the key, the value (and the variable it came
 * from) and what is allowed. Shared by every perfkit package so that all fail the same way.
 */
export function resolveConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  overrides: readonly EnvOverride[],
  env: NodeJS.ProcessEnv = process.env,
  prefix = '',
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
  for (const o of overrides) {
    const text = env[o.env];
    if (text === undefined || text === '') continue;
    setPath(base, o.key, parseEnv(o, text));
    sources.set(o.key, o.env);
  }
  let result: ReturnType<typeof schema.safeParse>;
  try {
    result = schema.safeParse(base);
  } catch {
    throw unreadable(prefix || 'config');
  }
  if (result.success) return result.data;
  let deepest: ReturnType<typeof deepestIssue>;
  try {
    deepest = deepestIssue(result.error.issues[0]!, []); // zod formats issues lazily and may read the bad value
  } catch {
    throw unreadable(prefix || 'config');
  }
  const { path, message } = deepest;
  const key = path.join('.') || 'config';
  let value: unknown;
  try {
    value = getPath(base, path);
  } catch {
    value = '<unreadable>';
  }
  const issue = { message };
  const fullKey = prefix ? `${prefix}.${key}` : key;
  throw new PerfkitConfigError(fullKey, value, issue.message, sources.get(key));
}

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly errors?: ReadonlyArray<readonly IssueLike[]>;
  readonly keys?: readonly string[];
}

/** For a union (e.g. `false | {...}`), reports the branch that got furthest instead of the union itself. */
function deepestIssue(issue: IssueLike, prefix: string[]): { path: string[]; message: string } {
  const path = [...prefix, ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
    return { path: [...path, issue.keys[0]!], message: `unknown option (${issue.message})` };
  }
  if (issue.code === 'invalid_union' && issue.errors?.length) {
    let best: { path: string[]; message: string } | undefined;
    for (const branch of issue.errors) {
      if (!branch[0]) continue;
      const candidate = deepestIssue(branch[0], path);
      if (!best || candidate.path.length > best.path.length) best = candidate;
    }
    if (best && best.path.length > path.length) return best;
  }
  return { path, message: issue.message };
}

/** A configuration whose reading throws (a getter or a Proxy trap) is as invalid as a wrong value. */
function unreadable(key: string): PerfkitConfigError {
  return new PerfkitConfigError(key, '<unreadable>', 'could not be read (a getter or proxy threw while reading it)');
}

function parseEnv(o: EnvOverride, text: string): unknown {
  switch (o.parse) {
    case 'number': {
      const n = Number(text.trim());
      return text.trim() === '' || Number.isNaN(n) ? text : n;
    }
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

function structuredCloneSafe(obj: Record<string, unknown>): Record<string, unknown> {
  // Shallow-copies plain objects along the way so overrides never mutate the caller's config;
  // functions (loggers) and class instances are kept by reference.
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] = v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype ? structuredCloneSafe(v as Record<string, unknown>) : v;
  }
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
