import { isKeyNamed, redactForDisplay } from '@perfkit/core';

/** Every error code `@perfkit/sla` throws, with its message template. */
export const SLA_ERRORS = {
  PERFKIT_ERR_INVALID_SLA_SPEC: 'Invalid SLA spec: {field} = {value}: {detail}',
  PERFKIT_ERR_SLA_THRESHOLD_NOT_BOUNDARY: 'Invalid SLA spec: {field} = {value} cannot be a bucket boundary: {detail}',
  PERFKIT_ERR_SLA_SPEC_FILE: 'Cannot read SLA spec {path}: {detail}',
} as const;

/** A code from {@link SLA_ERRORS}. */
export type SlaErrorCode = keyof typeof SLA_ERRORS;

/** One problem of a spec: the field, the value found there, what is allowed, and its code. */
export interface SlaProblem {
  readonly code: SlaErrorCode;
  /** Dotted path of the field, e.g. `objectives[generate-latency].latency.threshold`. */
  readonly field: string;
  readonly value: unknown;
  readonly detail: string;
}

/** Problems spelled out in the message; `problems` keeps them all. */
const MAX_PROBLEMS_IN_MESSAGE = 10;
const PREFIX = 'Invalid SLA spec: ';

/**
 * Thrown for a spec that cannot be used; `field`, `value` and `code` are the first problem's, `problems` has every
 * one. The message lists them all, one per line (the first ten, then how many more), as core's configuration errors do.
 */
export class SlaSpecError extends Error {
  /** The stable error code (the first problem's). */
  readonly code: SlaErrorCode;
  /** Dotted path of the (first) field, e.g. `objectives[generate-latency].latency.threshold`. */
  readonly field: string;
  /** The value found there, secrets redacted as the message shows it. */
  readonly value: unknown;
  /** Every problem found, in the order of the spec, each as the message shows it (secrets redacted). */
  readonly problems: readonly SlaProblem[];

  constructor(code: SlaErrorCode, field: string, value: unknown, detail: string, problems?: readonly SlaProblem[]) {
    const all = (problems && problems.length > 0 ? problems : [{ code, field, value, detail }]).map(shownProblem);
    super(all.length === 1 ? render(all[0]!) : several(all));
    this.name = 'SlaSpecError';
    this.code = all[0]!.code;
    this.field = all[0]!.field;
    this.value = all[0]!.value;
    this.problems = all;
  }

  /** One error for several problems (the first one's code, field and value on the error itself). */
  static of(problems: readonly SlaProblem[]): SlaSpecError {
    const first = problems[0]!;
    return new SlaSpecError(first.code, first.field, first.value, first.detail, problems);
  }
}

/** The message of one problem. Replaced by functions: a replacement string reads `$'`, `$&` and `` $` `` in a value as patterns. */
function render(p: SlaProblem): string {
  return SLA_ERRORS[p.code]
    .replace('{field}', () => p.field)
    .replace('{path}', () => p.field)
    .replace('{value}', () => show(p.value))
    .replace('{detail}', () => p.detail);
}

function several(all: readonly SlaProblem[]): string {
  const lines = all.slice(0, MAX_PROBLEMS_IN_MESSAGE).map((p) => {
    const text = render(p);
    return text.startsWith(PREFIX) ? text.slice(PREFIX.length) : text;
  });
  if (all.length > MAX_PROBLEMS_IN_MESSAGE) lines.push(`... and ${all.length - MAX_PROBLEMS_IN_MESSAGE} more (err.problems lists every one)`);
  return `${PREFIX}${all.length} problems\n  ${lines.join('\n  ')}`;
}

/** A value shown in the message: already redacted; object keys may still hold a URL, cut as everywhere. */
function show(value: unknown): string {
  try {
    // Numbers as JavaScript writes them: JSON would show NaN and Infinity as null.
    const text = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' || value === undefined ? String(value) : hideUrlPaths(JSON.stringify(value) ?? String(value));
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return '<unprintable>';
  }
}

/**
 * The problem as the message shows it and as `err.problems` holds it (an application logs it as JSON): core's
 * redaction (keys named like secrets, headers, URL user info), every URL cut to `scheme://host/…`, and a value under a
 * key named like a URL that is no URL at all (a webhook pasted without its scheme) redacted whole. See the README,
 * "Secrets in errors".
 */
function shownProblem(p: SlaProblem): SlaProblem {
  const field = hideUrlPaths(p.field);
  const detail = hideUrlPaths(p.detail);
  // The field's own name decides for its whole value (a list or an object pasted under `pageWebhookUrl` is as much
  // its URL); keys inside the value decide for theirs. Only a link in one of the two runbook fields is exempt.
  const isNested = typeof p.value !== 'string';
  const isRunbookLink = !isNested && RUNBOOK_FIELD.test(p.field) && !p.detail.startsWith('unknown key');
  const isUrlField = isUrlKey(p.field) && !isRunbookLink;
  const value = withUrlKeysCut(redactForDisplay(p.value, p.field, (text, key) => shownText(text, isUrlField || (isNested && isUrlKey(key)))));
  return field === p.field && detail === p.detail && Object.is(value, p.value) ? p : { ...p, field, value, detail };
}

/**
 * Keys that name a URL, read by core's rule for key names (`isKeyNamed`: letters and digits only, array indices at the
 * end skipped): `webhookUrl`, `api_url`, `url`, `endpoint`, `slackHook`, `'webhookUrl '`.
 */
const URL_KEY = /(urls?|uris?|hooks?|endpoints?)$/;

const isUrlKey = (key: string): boolean => isKeyNamed(key, URL_KEY);

/**
 * The fields that hold a runbook link, printed in every alert anyway and often a relative path without a scheme
 * (`docs/runbooks`): exempt from redacting a URL-named value that is no URL whole. These fields only, not any key of
 * that name (one under `alertmanager`, in a pasted receiver, or a top-level key written `alerting.runbookBaseUrl`).
 */
const RUNBOOK_FIELD = /^(?:alerting\.runbookBaseUrl|objectives\[[^\]]*\]\.alerting\.annotations\.runbook_url)$/;

/** Strings as errors show them: URL paths cut, and a URL's value (`isUrl`) redacted whole when it is no URL. */
function shownText(text: string, isUrl: boolean): string {
  if (!isUrl) return hideUrlPaths(text);
  const scheme = URL_START.exec(text);
  // The whole value is the URL here, white space and all; without a scheme it may be the bare secret (a routing key).
  return scheme ? cutUrl(scheme[1]!, text.slice(scheme[0].length)) : (redactForDisplay(text, 'secret') as string); // core's `[redacted, N characters]`
}

/**
 * `value` (already through redactForDisplay: a tree without cycles, at most 64 deep and 10,000 entries) with every
 * object key that holds a URL cut as {@link hideUrlPaths} cuts it, as the message shows it; `value` itself when no key
 * does. `err.problems` is logged as JSON: a webhook pasted as a key must not print there whole.
 */
function withUrlKeysCut(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  try {
    if (Array.isArray(value)) {
      const items = value.map((v: unknown) => withUrlKeysCut(v, depth + 1));
      return items.every((v, i) => Object.is(v, value[i])) ? value : items;
    }
    const entries = Object.entries(value);
    const shown = entries.map(([k, v]) => [hideUrlPaths(k), withUrlKeysCut(v, depth + 1)] as const);
    return shown.every(([k, v], i) => k === entries[i]![0] && Object.is(v, entries[i]![1])) ? value : Object.fromEntries(shown);
  } catch {
    return '<unprintable>';
  }
}

/** A URL's scheme at the start of a value. */
const URL_START = /^\s*([a-z][a-z0-9+.-]*:\/\/)/i;
/** A URL inside text: its scheme (no scheme character before it), and the rest up to white space or a quote. */
const URL_IN_TEXT = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)([^\s"']*)/gi;

/**
 * Every URL in `text` as `scheme://host/…`: a webhook's path and query are often its secret (Slack's
 * `/services/T…/B…/…`, Discord's and Teams' tokens, a `?token=`). Idempotent: its output is kept as it is.
 */
function hideUrlPaths(text: string): string {
  return text.replace(URL_IN_TEXT, (_m, scheme: string, rest: string) => cutUrl(scheme, rest));
}

/**
 * `scheme` and the host of what follows it, then `/…` when anything but a lone `/` follows the host. User info is
 * `[REDACTED]@`, up to the **last** `@` (a password may hold `/`, `?` or `#`, as core's `redactText` reads it).
 */
function cutUrl(scheme: string, rest: string): string {
  const at = rest.lastIndexOf('@');
  const afterAt = rest.slice(at + 1);
  const host = /^[^/?#\s]*/.exec(afterAt)![0];
  const isCut = afterAt.length > host.length && afterAt.slice(host.length) !== '/';
  return `${scheme}${at >= 0 ? '[REDACTED]@' : ''}${host}${isCut ? '/…' : ''}`;
}
