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

/** Dispatches requests to the page, the OpenAPI document and the route table: host, auth, CSRF, limits, validation. */
export class Router {
  private readonly compiled: Compiled[];

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
      url = new URL(req.url ?? '/', 'http://localhost');
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
    if (this.page.owns(url.pathname)) {
      if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, 'method_not_allowed', `${method} is not allowed here`, { allow: 'GET' });
      return this.page.serve(url.pathname, res);
    }
    if (url.pathname === '/api/v1/openapi.json') return sendJson(res, 200, this.openApi());
    const matches = this.compiled.map((c) => ({ c, m: c.pattern.exec(url.pathname) })).filter((x) => x.m);
    if (matches.length === 0) return sendError(res, 404, 'not_found', `no route ${url.pathname.slice(0, 128)}; see /api/v1/openapi.json`);
    const hit = matches.find((x) => x.c.route.method === method);
    if (!hit) {
      const allow = matches.map((x) => x.c.route.method).join(', ');
      return sendError(res, 405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}; use ${allow}`, { allow });
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
    if (method !== 'GET' && method !== 'HEAD') {
      // CSRF: a cross-site form or fetch cannot send application/json without a preflight this server never allows.
      if (isCrossSite(req)) return sendError(res, 403, 'cross_site_request', 'cross-site requests may not change state');
      if (!isJsonRequest(req)) return sendError(res, 415, 'unsupported_media_type', `${method} needs "content-type: application/json"`);
    }
    const raw: Record<string, string> = {};
    for (const [k, v] of url.searchParams) {
      if (k in raw) return sendError(res, 400, 'bad_request', `query parameter "${k.slice(0, 64)}" is repeated`);
      raw[k] = v;
    }
    const query = route.query.safeParse(raw);
    if (!query.success) return sendError(res, 400, 'bad_request', queryProblem(query.error));
    const params: Record<string, string> = {};
    try {
      names.forEach((n, i) => (params[n] = decodeURIComponent(hit.m![i + 1]!)));
    } catch {
      return sendError(res, 400, 'bad_request', 'malformed percent-encoding in the path');
    }
    const run = () => this.respond(route, query.data as Record<string, unknown>, params, res);
    if (!route.isHeavy) return void run();
    if (!this.guards.limiter.tryRun(() => (res.destroyed ? undefined : run()))) {
      sendError(res, 429, 'too_many_requests', `at most ${this.guards.limiter.max} heavy requests at once; retry after ${RETRY_AFTER_SECONDS} s`, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    }
  }

  private respond(route: Route, query: Record<string, unknown>, params: Record<string, string>, res: ServerResponse): Promise<void> {
    let pending: Promise<Awaited<ReturnType<Route['handle']>>>;
    try {
      pending = Promise.resolve(route.handle(query, params));
    } catch (err) {
      pending = Promise.reject(err);
    }
    // A heavy answer is serialized in event-loop turns of its own (in slices), not in the same one as its computation.
    if (route.isHeavy) pending = pending.then(async (r) => (await nextTurn(), r));
    return pending.then(
      async (result) => {
        if ('status' in result) return sendError(res, result.status, result.code, result.message);
        let body = result.body;
        if (this.guards.validate !== false) {
          const checked = route.response.safeParse(body);
          if (!checked.success) {
            this.diag.error(`dashboard: response of ${route.path} does not match its schema`, checked.error.issues.slice(0, 3));
            return sendError(res, 500, 'invalid_response', 'the response did not match its schema (a bug; see the service log)');
          }
          body = checked.data;
        }
        if (!route.isHeavy) return sendJson(res, 200, body, result.headers, this.guards.redact);
        const text = await stringifySliced(body, this.guards.redact);
        if (!res.destroyed) sendJsonText(res, 200, text ?? 'null', result.headers);
      },
      (err: unknown) => this.fail(res, err),
    );
  }

  private fail(res: ServerResponse, err: unknown): void {
    this.diag.error('dashboard: request failed', this.guards.redact(err instanceof Error ? `${err.name}: ${err.message}` : String(err)));
    if (!res.headersSent) sendError(res, 500, 'internal_error', 'the request failed (see the service log)');
    else res.destroy();
  }
}
