/**
 * The page's API calls: JSON in, a bounded time, and failures told the way the server tells them (its `error.code`
 * and `error.message`), or in words when no answer came (unreachable, timed out, not JSON).
 */

import type { Check } from './shape';

/** The longest server message shown (the rest is cut with `…`): a status line, not a log. */
export const MAX_MESSAGE_CHARS = 300;
/** What the server's error codes look like (`api_key_required`); anything else is not shown as a code. */
const CODE = /^[a-z][a-z0-9_]{0,63}$/;
/** The largest failed answer parsed to find its message (the API's are under 1 KiB). */
const MAX_ERROR_BODY_CHARS = 1 << 20;

/** A failed API call: the route, the HTTP status (none when no answer came), the server's code and message. */
export class ApiError extends Error {
  constructor(
    readonly path: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** One line of at most `max` characters: control and bidirectional-override characters become spaces. */
export function clip(text: string, max = MAX_MESSAGE_CHARS): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** The error of a non-2xx answer: `{ error: { code, message } }` when the body is the API's, else the HTTP status. */
async function errorOf(path: string, res: Response): Promise<ApiError> {
  const fallback = `HTTP ${res.status}${res.statusText ? ` ${clip(res.statusText, 64)}` : ''}`;
  let body: unknown;
  try {
    const text = await res.text();
    if (text.length > MAX_ERROR_BODY_CHARS) throw new RangeError('too long to be the API\'s');
    body = JSON.parse(text);
  } catch {
    return new ApiError(path, res.status, undefined, fallback);
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof error?.code === 'string' && CODE.test(error.code) ? error.code : undefined;
  const message = typeof error?.message === 'string' ? clip(error.message) : '';
  return new ApiError(path, res.status, code, message || fallback);
}

/**
 * How a call is made: the key to send, how long to wait for the whole answer, how often to retry a 429, and the
 * fields the caller will read from the answer (checked before it gets them).
 */
export interface CallOptions {
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly retries?: number;
  readonly shape?: Check;
}

/**
 * GETs `path` as JSON. Throws {@link ApiError}: the server's own code and message on an error status, `unreachable`
 * when no connection could be made, `timeout` when the answer (body included) took longer than `timeoutMs`
 * (a request left hanging would otherwise stop the page for good: it refreshes only once the last refresh is back),
 * `malformed_response` when a 2xx body is not JSON (a proxy's HTML page) or lacks a field of `shape` (JSON of
 * another service or version: the page would fail reading it, naming no field). A 429 is retried after the server's
 * `Retry-After` within the same `timeoutMs`: a wait that would end past it is a `timeout` at once.
 */
export async function getJson<T>(path: string, options: CallOptions): Promise<T> {
  const { apiKey, timeoutMs } = options;
  const deadline = performance.now() + timeoutMs;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const timedOut = () => new ApiError(path, undefined, 'timeout', `no answer within ${Math.round(timeoutMs / 1000)} s`);
  let res: Response;
  let text: string;
  try {
    for (let retriesLeft = options.retries ?? 2; ; retriesLeft--) {
      res = await fetch(path, { headers: apiKey ? { 'x-api-key': apiKey } : {}, signal: abort.signal });
      if (res.status !== 429 || retriesLeft <= 0) break;
      // The server limits heavy requests; wait as long as it asks (other tabs or tools are pulling reports).
      const seconds = Math.min(10, Math.max(0.2, Number(res.headers.get('retry-after')) || 1));
      const waitMs = seconds * 1000 * (0.5 + Math.random() * 0.5);
      if (performance.now() + waitMs >= deadline) throw timedOut();
      await new Promise((r) => setTimeout(r, waitMs));
    }
    if (!res.ok) throw await errorOf(path, res);
    text = await res.text();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (abort.signal.aborted) throw timedOut();
    throw new ApiError(path, undefined, 'unreachable', 'cannot reach the service (network error)');
  } finally {
    clearTimeout(timer);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const type = clip(res.headers.get('content-type') ?? 'none', 64);
    throw new ApiError(path, res.status, 'malformed_response', `the answer is not JSON (content-type: ${type})`);
  }
  const problem = options.shape?.(body, '');
  if (problem) throw new ApiError(path, res.status, 'malformed_response', clip(`${problem} in ${path.split('?')[0]}`));
  return body as T;
}
