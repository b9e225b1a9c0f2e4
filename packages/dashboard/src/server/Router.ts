import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DiagLogger } from '@perfkit/core';
import { sendError, sendJson } from '../api/http';
import { queryProblem } from '../api/query';
import type { Route } from '../api/routes';
import type { StaticPage } from './StaticPage';

interface Compiled {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: string[];
}

/** Dispatches requests to the page, the OpenAPI document and the route table: auth, query validation, response validation. */
export class Router {
  private readonly compiled: Compiled[];

  constructor(
    routes: readonly Route[],
    private readonly page: StaticPage,
    private readonly openApi: () => unknown,
    private readonly isAuthorized: (req: IncomingMessage) => boolean,
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
    if (!route.isPublic && !this.isAuthorized(req)) {
      return sendError(res, 401, 'unauthorized', 'missing or wrong x-api-key header', { 'www-authenticate': 'ApiKey header="x-api-key"' });
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
    Promise.resolve(route.handle(query.data as Record<string, unknown>, params)).then(
      (result) => {
        if ('status' in result) return sendError(res, result.status, result.code, result.message);
        const checked = route.response.safeParse(result.body);
        if (!checked.success) {
          this.diag.error(`dashboard: response of ${route.path} does not match its schema`, checked.error.issues.slice(0, 3));
          return sendError(res, 500, 'invalid_response', 'the response did not match its schema (a bug; see the service log)');
        }
        sendJson(res, 200, checked.data, result.headers);
      },
      (err: unknown) => this.fail(res, err),
    );
  }

  private fail(res: ServerResponse, err: unknown): void {
    this.diag.error('dashboard: request failed', err);
    if (!res.headersSent) sendError(res, 500, 'internal_error', 'the request failed (see the service log)');
    else res.destroy();
  }
}
