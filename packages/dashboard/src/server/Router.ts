import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DiagLogger } from '@perfkit/core';
import { sendError, sendJson, sendJsonText } from '../api/http';
import { nextTurn } from '../api/Slicer';
import { stringifySliced } from '../api/stringifySliced';
import { queryProblem } from '../api/query';
import type { Route } from '../api/routes';
import type { HeavyLimiter } from './HeavyLimiter';
import { isCrossSite, isJsonRequest, isLoopbackAddress } from './security';
import type { StaticPage } from './StaticPage';

interface Compiled {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: string[];
}

/** What the router checks before a route runs. */
export interface RouterGuards {
  /** Whether the `x-api-key` header is right (always true without a configured key). */
  readonly isAuthorized: (req: IncomingMessage) => boolean;
  /** Whether a key is configured at all. */
  readonly hasKey: boolean;
  /** The `Host` allow-list (DNS rebinding). */
  readonly isHostAllowed: (req: IncomingMessage) => boolean;
  /** Scrubs secrets from every JSON answer. */
  readonly redact: (text: string) => string;
  /** Concurrency limit of heavy routes. */
  readonly limiter: HeavyLimiter;
  /** Whether answers are checked against their schemas (default true). */
  readonly validate?: boolean;
}

const RETRY_AFTER_SECONDS = 1;

/** A finished answer: an error, or JSON text already serialized and redacted. */
type Answer =
  | { readonly status: number; readonly code: string; readonly message: string }
  | { readonly status: 200; readonly text: string | Buffer; readonly headers?: Record<string, string> };

/** A heavy GET being answered, and the responses waiting for it. */
interface Flight {
  readonly waiters: ServerResponse[];
  readonly answer: Promise<Answer>;
}

/** The answer of a request whose clients all went away before it ran (nobody to send it to). */
const GONE: Answer = { status: 499, code: 'client_gone', message: 'the client went away' };

/** Dispatches requests to the page, the OpenAPI document and the route table: host, auth, CSRF, limits, validation. */
export class Router {
  private readonly compiled: Compiled[];
  private readonly inFlight = new Map<string, Flight>();

  constructor(
    routes: readonly Route[],
    private readonly page: StaticPage,
    private readonly openApi: () => unknown,
    private readonly guards: RouterGuards,
    private readonly diag: DiagLogger,
  ) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const segments = route.path.split('/').map((seg) => {
        const param = /^\{(\w+)\}$/.exec(seg);
        if (!param) return seg.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
        names.push(param[1]!);
        return '([^/]+)';
      });
      return { route, pattern: new RegExp(`^${segments.join('/')}$`), names };
    });
  }

  /** Whether a path belongs to the dashboard. */
  owns(pathname: string): boolean {
    return this.page.owns(pathname) || pathname === '/health' || pathname === '/health/detailed' || pathname.startsWith('/api/v1/');
  }

  /** Handles the request if it is the dashboard's; returns false (touching nothing) otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    let url: URL;
    try {
      url = requestUrl(req.url ?? '/');
    } catch {
      return false;
    }
    if (!this.owns(url.pathname)) return false;
    req.resume();
    try {
      this.dispatch(req, res, url);
    } catch (err) {
      this.fail(res, err);
    }
    return true;
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const method = req.method ?? 'GET';
    // Liveness stays answerable by any load balancer, whatever Host it sends; it carries no data.
    if (url.pathname !== '/health' && !this.guards.isHostAllowed(req)) {
      return sendError(res, 403, 'host_not_allowed', 'this Host header is not allowed (DNS rebinding guard): add the name to allowedHosts or PERFKIT_DASHBOARD_ALLOWED_HOSTS');
    }
    // HEAD is GET without the body (RFC 9110 9.3.2; node:http drops the body and keeps the headers): uptime checks
    // and load balancers probe with it.
    const isRead = method === 'GET' || method === 'HEAD';
    if (this.page.owns(url.pathname) || url.pathname === '/api/v1/openapi.json') {
      if (!isRead) return sendError(res, 405, 'method_not_allowed', `${method} is not allowed on ${url.pathname.slice(0, 128)}; use GET, HEAD`, { allow: 'GET, HEAD' });
      return this.page.owns(url.pathname) ? this.page.serve(url.pathname, res, req.headers['if-none-match']) : sendJson(res, 200, this.openApi());
    }
    const matches = this.compiled.map((c) => ({ c, m: c.pattern.exec(url.pathname) })).filter((x) => x.m);
    if (matches.length === 0) return sendError(res, 404, 'not_found', `no route ${url.pathname.slice(0, 128)}; see /api/v1/openapi.json`);
    const hit = matches.find((x) => x.c.route.method === (method === 'HEAD' ? 'GET' : method));
    if (!hit) {
      const allow = matches.flatMap((x) => (x.c.route.method === 'GET' ? ['GET', 'HEAD'] : [x.c.route.method])).join(', ');
      return sendError(res, 405, 'method_not_allowed', `${method} is not allowed on ${url.pathname.slice(0, 128)}; use ${allow}`, { allow });
    }
    const { route, names } = hit.c;
    if (!route.isPublic) {
      // Mounted on a server that listens beyond loopback, a keyless dashboard would serve anyone on the network.
      if (!this.guards.hasKey && !isLoopbackAddress(req.socket?.localAddress)) {
        return sendError(res, 403, 'api_key_required', 'the dashboard answers clients beyond loopback only with an API key: set apiKey or PERFKIT_DASHBOARD_API_KEY (at least 16 characters)');
      }
      if (!this.guards.isAuthorized(req)) {
        return sendError(res, 401, 'unauthorized', 'missing or wrong x-api-key header', { 'www-authenticate': 'ApiKey header="x-api-key"' });
      }
    }
    if (!isRead) {
      // CSRF: a cross-site form or fetch cannot send application/json without a preflight this server never allows.
      if (isCrossSite(req)) return sendError(res, 403, 'cross_site_request', 'cross-site requests may not change state');
      if (!isJsonRequest(req)) return sendError(res, 415, 'unsupported_media_type', `${method} needs "content-type: application/json"`);
    }
    let data: Record<string, unknown> = {};
    if (!route.ignoresQuery) {
      const raw: Record<string, string> = {};
      for (const [k, v] of url.searchParams) {
        if (k in raw) return sendError(res, 400, 'bad_request', `query parameter "${k.slice(0, 64)}" is repeated`);
        raw[k] = v;
      }
      const query = route.query.safeParse(raw);
      if (!query.success) return sendError(res, 400, 'bad_request', queryProblem(query.error));
      data = query.data as Record<string, unknown>;
    }
    const params: Record<string, string> = {};
    try {
      names.forEach((n, i) => (params[n] = decodeURIComponent(hit.m![i + 1]!)));
    } catch {
      return sendError(res, 400, 'bad_request', 'malformed percent-encoding in the path');
    }
    if (!route.isHeavy) return void this.answer(route, data, params).then((a) => this.deliver(res, a), (err: unknown) => this.fail(res, err));
    // Identical heavy GETs that arrive while one is being answered share its answer (taken moments before they
    // came): ten open pages pulling the same report cost one computation, and take no slot of the limit.
    const key = isRead ? `${url.pathname}?${JSON.stringify(data)}` : undefined;
    const shared = key === undefined ? undefined : this.inFlight.get(key);
    if (shared) {
      shared.waiters.push(res);
      return void shared.answer.then((a) => this.deliver(res, a));
    }
    let settle!: (answer: Promise<Answer>) => void;
    const flight: Flight = { waiters: [res], answer: new Promise<Answer>((resolve) => (settle = resolve)) };
    const isQueued = this.guards.limiter.tryRun(() => {
      // Nobody is left to answer (every client went away while this waited): skip the work.
      const pending = flight.waiters.every((r) => r.destroyed) ? Promise.resolve(GONE) : this.answer(route, data, params).catch((err: unknown) => this.failure(err));
      settle(pending);
      return pending;
    });
    if (!isQueued) {
      return sendError(res, 429, 'too_many_requests', `at most ${this.guards.limiter.max} heavy requests at once; retry after ${RETRY_AFTER_SECONDS} s`, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    }
    if (key !== undefined) {
      this.inFlight.set(key, flight);
      void flight.answer.then(() => this.inFlight.delete(key));
    }
    void flight.answer.then((a) => this.deliver(res, a));
  }

  /** Runs the route and serializes its answer (a heavy one in slices, in turns of its own). */
  private async answer(route: Route, query: Record<string, unknown>, params: Record<string, string>): Promise<Answer> {
    const result = await route.handle(query, params);
    // A heavy answer is serialized in event-loop turns of its own (in slices), not in the same one as its computation.
    if (route.isHeavy) await nextTurn();
    if ('status' in result) return result;
    let body = result.body;
    if (this.guards.validate !== false) {
      const checked = route.response.safeParse(body);
      if (!checked.success) {
        this.diag.error(`dashboard: response of ${route.path} does not match its schema`, checked.error.issues.slice(0, 3));
        return { status: 500, code: 'invalid_response', message: 'the response did not match its schema (a bug; see the service log)' };
      }
      body = checked.data;
    }
    if (!route.isHeavy) return { status: 200, text: this.guards.redact(JSON.stringify(body)), headers: result.headers };
    // Encoded once: the answer may go to many clients that asked at once.
    const text = Buffer.from((await stringifySliced(body, this.guards.redact)) ?? 'null');
    return { status: 200, text, headers: result.headers };
  }

  private deliver(res: ServerResponse, answer: Answer): void {
    if (res.destroyed || answer === GONE) return;
    if (res.headersSent) res.destroy();
    else if ('text' in answer) sendJsonText(res, 200, answer.text, answer.headers);
    else sendError(res, answer.status, answer.code, answer.message);
  }

  /** Logs a failed request once; the answer every waiting client gets. */
  private failure(err: unknown): Answer {
    this.diag.error('dashboard: request failed', this.guards.redact(err instanceof Error ? `${err.name}: ${err.message}` : String(err)));
    return { status: 500, code: 'internal_error', message: 'the request failed (see the service log)' };
  }

  private fail(res: ServerResponse, err: unknown): void {
    this.deliver(res, this.failure(err));
  }
}

/**
 * The request target as a URL. An origin-form target (`/path?query`) is taken as a path even when it starts with `//`:
 * resolved against a base, `//x/api/v1/...` read as host `x` and path `/api/v1/...`, so a handler mounted on an
 * application's server took `//anything` for the page and `//x/api/...` for the API, requests the application never
 * saw. An absolute-form target (`http://host/path`, RFC 9112 3.2.2) is parsed as it is.
 */
function requestUrl(target: string): URL {
  return target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target);
}

