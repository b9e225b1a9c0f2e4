import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SlaPlugin } from '@perfkit/sla';
import { GuardError, PerfkitConfigError } from '@perfkit/core';
import { ERROR_CODES, ModelServiceError } from '../errors';
import { GenerateWorkerError } from '../generatePool';
import { updateKnobs, type Knobs } from '../knobs';
import { describeState } from '../models/ModelState';
import type { ModelService } from '../service/ModelService';
import { clientGoneSignal } from './clientGoneSignal';
import { readJson, sendJson } from './json';
import type { RequestGuards } from './requestGuards';

/** What the routes need from the running example. */
export interface RouteContext {
  readonly service: ModelService;
  /** The in-process SLA checks, when an SLA spec is in use. */
  readonly sla?: SlaPlugin;
  getKnobs(): Knobs;
  setKnobs(knobs: Knobs): void;
  /** URLs to list on `GET /`. */
  urls(): Record<string, string>;
  /** Host, CSRF and key checks of state-changing routes. */
  readonly guards?: RequestGuards;
}

type Handler = (req: IncomingMessage, params: string[], ctx: RouteContext, res: ServerResponse) => Promise<[number, unknown]>;

const MAX_TOKENS_LIMIT = 4096;

/** HTTP status for a guard's refusal or abort, by the outcome it records. */
const GUARD_STATUS: Record<string, number> = { rejected: 429, timeout: 504, resource_exceeded: 503 };

/** Route table: method, path pattern, handler. */
const ROUTES: ReadonlyArray<readonly [string, RegExp, Handler]> = [
  ['GET', /^\/service$/, async (_req, _p, ctx) => [200, { service: 'perfkit example model service', urls: ctx.urls(), endpoints: ENDPOINTS }]],
  ['GET', /^\/healthz$/, async () => [200, { status: 'ok' }]],
  ['GET', /^\/models$/, async (_req, _p, ctx) => [200, ctx.service.list().map(describeState)]],
  ['GET', /^\/models\/([^/]+)$/, async (_req, [name], ctx) => [200, describeState(ctx.service.get(name!))]],
  ['POST', /^\/models\/([^/]+)\/download$/, async (_req, [name], ctx) => [200, await ctx.service.download(name!)]],
  ['POST', /^\/models\/([^/]+)\/health-check$/, async (_req, [name], ctx) => [200, await ctx.service.checkHealth(name!)]],
  ['POST', /^\/models\/([^/]+)\/load$/, async (_req, [name], ctx) => [200, describeState(await ctx.service.load(name!))]],
  ['POST', /^\/generate$/, generate],
  ['POST', /^\/analytics\/collect$/, async (_req, _p, ctx) => [200, await ctx.service.collectAnalytics()]],
  ['GET', /^\/sla$/, async (_req, _p, ctx) => {
    if (!ctx.sla) throw new ModelServiceError('NO_SLA', 'no SLA spec in use (started with --no-sla?)', 404);
    return [200, ctx.sla.evaluate()];
  }],
  ['GET', /^\/knobs$/, async (_req, _p, ctx) => [200, ctx.getKnobs()]],
  ['POST', /^\/knobs$/, async (req, _p, ctx) => {
    ctx.setKnobs(updateKnobs(ctx.getKnobs(), await readJson(req)));
    return [200, ctx.getKnobs()];
  }],
];

const ENDPOINTS = [
  'GET  /models',
  'POST /models/:name/download',
  'POST /models/:name/health-check',
  'POST /models/:name/load',
  'POST /generate {"model": "...", "prompt": "...", "maxTokens": 128}',
  'POST /analytics/collect',
  'GET  /sla (objectives and limits judged in process, same thresholds as the alert rules)',
  'GET  /knobs',
  'POST /knobs (content-type: application/json; x-api-key when PERFKIT_DASHBOARD_API_KEY is set) {"downloadFailureRate": 0..1, "generateDelayMs": n, "healthCorruptionRate": 0..1, "generateFailureRate": 0..1}',
];

async function generate(req: IncomingMessage, _p: string[], ctx: RouteContext, res: ServerResponse): Promise<[number, unknown]> {
  // Made before the body is read: a client that leaves during the read, the download or the load is seen too.
  const signal = clientGoneSignal(res);
  const body = (await readJson(req)) as { model?: unknown; prompt?: unknown; maxTokens?: unknown };
  const model = body?.model;
  const prompt = body?.prompt ?? '';
  const maxTokens = body?.maxTokens ?? 128;
  if (typeof model !== 'string' || typeof prompt !== 'string' || typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_TOKENS_LIMIT) {
    throw new ModelServiceError(ERROR_CODES.badRequest, `expected {"model": string, "prompt": string, "maxTokens": integer 1..${MAX_TOKENS_LIMIT}}`, 400);
  }
  return [200, await ctx.service.generate(model, prompt.slice(0, 100_000), maxTokens, signal)];
}

/** Routes a request to the service; returns false when no route matches. */
export async function route(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0]!;
  for (const [method, pattern, handler] of ROUTES) {
    const match = pattern.exec(path);
    if (!match || req.method !== method) continue;
    try {
      if (method === 'POST') ctx.guards?.check(req, pattern.source === '^\\/knobs$');
      const params = match.slice(1).map((p) => decodeURIComponent(p));
      const [status, body] = await handler(req, params, ctx, res);
      sendJson(res, status, body);
    } catch (err) {
      // The client has gone (GuardAbortedError on generate, or its body cut off): there is nobody to answer.
      if (res.destroyed) return true;
      // The body may be unread (too large): close the connection rather than parse the rest as a new request.
      if (err instanceof ModelServiceError && (err.status === 413 || err.status === 401 || err.status === 403 || err.status === 415)) res.shouldKeepAlive = false;
      sendError(res, err);
    }
    return true;
  }
  return false;
}

function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof ModelServiceError) sendJson(res, err.status, { error: err.code, message: err.message });
  else if (err instanceof GenerateWorkerError) sendJson(res, 503, { error: err.code, message: err.message });
  else if (err instanceof GuardError) sendJson(res, GUARD_STATUS[err.outcome] ?? 503, { error: err.code, outcome: err.outcome, message: err.message });
  else if (err instanceof PerfkitConfigError) sendJson(res, 400, { error: err.code, key: err.key, message: err.message });
  else if (err instanceof URIError) sendJson(res, 400, { error: ERROR_CODES.badRequest, message: 'bad percent-encoding in the path' });
  else sendJson(res, 500, { error: 'INTERNAL', message: err instanceof Error ? err.message : String(err) });
}
