import fs from 'node:fs';
import path from 'node:path';
import type { Perfkit } from '@perfkit/core';
import type { z } from 'zod';
import type { HistoryRecorder } from '../history/HistoryRecorder';
import type { PerformanceService } from './PerformanceService';
import { noQuery, operationSeriesQuery, seriesQuery, windowQuery } from './query';
import { gpuBackendOf, orNull, RESOURCE_KINDS, resourceGroup } from './ResourceService';
import * as S from './schemas';

/** What a route handler returns: a body (validated against the route's schema) or an error. */
export type RouteResult =
  | { readonly body: unknown; readonly headers?: Record<string, string> }
  | { readonly status: number; readonly code: string; readonly message: string };

/** One API route: method, path template (`{param}`), query and response schemas, handler. */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly summary: string;
  /** Served without the API key (liveness only; no data). */
  readonly isPublic?: boolean;
  /**
   * Takes no query parameters and ignores any it is sent, instead of answering 400: liveness probes add cache-busting
   * ones (`/health?t=…`), and a probe that gets 400 sees the service as down. Every other route rejects unknown ones.
   */
  readonly ignoresQuery?: boolean;
  /** Costs real main-thread time (windowed figures): runs through the concurrency limit, else 429. */
  readonly isHeavy?: boolean;
  readonly query: z.ZodType;
  readonly response: z.ZodType;
  /** Error statuses the route may answer besides 400/401. */
  readonly errors?: readonly number[];
  handle(query: Record<string, unknown>, params: Record<string, string>): RouteResult | Promise<RouteResult>;
}

/** What the routes read from. */
export interface RouteDeps {
  readonly perf: Perfkit;
  readonly service: PerformanceService;
  readonly recorder: HistoryRecorder;
  readonly benchmarksPath: string;
  readonly startedAt: number;
  readonly defaultWindowMs: number;
  readonly thresholdsSource: () => 'options' | 'sla' | 'defaults';
}

const CHART_WINDOW_MS = 15 * 60_000;
const DEFAULT_POINTS = 300;

/** The API's route table; also the source of the OpenAPI document. */
export function createRoutes(d: RouteDeps): Route[] {
  const win = (q: Record<string, unknown>, fallback = d.defaultWindowMs) => (q.window as number | undefined) ?? fallback;
  const points = (q: Record<string, unknown>) => (q.maxPoints as number | undefined) ?? DEFAULT_POINTS;
  const uptime = () => (Date.now() - d.startedAt) / 1000;
  const routes: Route[] = [
    { method: 'GET', path: '/health', summary: 'Liveness (ignores query parameters)', isPublic: true, ignoresQuery: true, query: noQuery, response: S.healthSchema, handle: () => ({ body: { status: 'ok', uptimeSeconds: uptime() } }) },
    { method: 'GET', path: '/health/detailed', summary: 'Exporter status, last collection times, GPU back end', query: noQuery, response: S.healthDetailedSchema, handle: () => ({ body: healthDetailed(d, uptime()) }) },
    {
      method: 'GET', path: '/api/v1/performance/dashboard', summary: 'Summary, resources, bottlenecks, recommendations, trends (cached)', query: windowQuery, response: S.dashboardSchema, isHeavy: true, errors: [429],
      handle: async (q) => {
        const w = win(q);
        // The store is read in slices (turns of about 1 ms) unless the answer comes from the cache.
        const snapshot = d.service.isCached(w) ? undefined : await d.service.readStore();
        const { body, isCached } = d.service.dashboard(w, Date.now(), snapshot);
        return { body, headers: { 'x-cache': isCached ? 'hit' : 'miss' } };
      },
    },
    { method: 'GET', path: '/api/v1/performance/report', summary: 'Figures of every type and name, and the analysis', query: windowQuery, response: S.reportSchema, isHeavy: true, errors: [429], handle: async (q) => ({ body: await d.service.reportSliced(win(q)) }) },
    {
      method: 'GET', path: '/api/v1/performance/metrics/{type}', summary: 'Figures of one operation type', query: windowQuery, response: S.typeMetricsSchema, isHeavy: true, errors: [404, 429],
      handle: async (q, p) => {
        const snapshot = await d.service.readStore();
        const body = d.service.typeMetrics(p.type!, win(q), Date.now(), snapshot);
        if (body) return { body };
        const known = [...d.service.knownTypes(snapshot)].sort().join(', ');
        return { status: 404, code: 'unknown_operation_type', message: `unknown operation type "${p.type!.slice(0, 128)}"; known types: ${known || '(none)'}` };
      },
    },
    {
      method: 'GET', path: '/api/v1/performance/history', summary: 'Operation rates and latency quantiles over time', query: operationSeriesQuery, response: S.operationHistorySchema, isHeavy: true, errors: [429],
      handle: async (q) => ({ body: await d.service.historySliced(win(q, CHART_WINDOW_MS), points(q), q.type as string | undefined) }),
    },
    {
      method: 'GET', path: '/api/v1/performance/operations/active', summary: 'Operations running now', query: noQuery, response: S.activeSchema,
      handle: () => {
        const ops = d.perf.activeOperations();
        return { body: { total: ops.reduce((n, o) => n + o.active, 0), operations: ops } };
      },
    },
    { method: 'GET', path: '/api/v1/performance/benchmarks', summary: 'Latest benchmark results, if present', query: noQuery, response: S.benchmarksSchema, handle: () => ({ body: readBenchmarks(d.benchmarksPath) }) },
    {
      method: 'POST', path: '/api/v1/performance/optimize', summary: 'Runs the analysis now (needs content-type: application/json)', query: windowQuery, response: S.optimizeSchema, isHeavy: true, errors: [415, 429],
      handle: async (q) => {
        // A fresh analysis of its own; the dashboard cache stays (dropping it would let any client defeat it).
        const v = d.service.view(win(q), Date.now(), undefined, await d.service.readStore());
        return { body: { window: v.window, analysis: d.service.analysis(v) } };
      },
    },
    ...Object.keys(RESOURCE_KINDS).map(
      (kind): Route => ({ method: 'GET', path: `/api/v1/resources/${kind}`, summary: `Current ${kind} figures`, query: noQuery, response: S.resourceSchema, handle: () => ({ body: resourceGroup(d.recorder, kind) }) }),
    ),
    {
      method: 'GET', path: '/api/v1/resources/history', summary: 'Host samples over time (columns)', query: seriesQuery, response: S.resourceHistorySchema, isHeavy: true, errors: [429],
      handle: (q) => {
        const now = Date.now();
        const w = win(q, CHART_WINDOW_MS);
        const cols = d.recorder.resources.columnsSince(now - w, points(q));
        const from = cols.t[0] ?? now;
        return { body: { window: { requestedSeconds: w / 1000, coveredSeconds: (now - from) / 1000, from, to: now }, source: d.recorder.source, ...cols } };
      },
    },
  ];
  return routes;
}

function healthDetailed(d: RouteDeps, uptimeSeconds: number) {
  const host = d.recorder.host();
  let lastHost: number | null = null;
  try {
    lastHost = orNull((typeof host?.lastCollectionAt === 'function' ? host.lastCollectionAt() : 0) || NaN);
  } catch {
    lastHost = null;
  }
  const exporters = d.perf.exportStatus();
  const problems: string[] = [];
  if (exporters.otlp.enabled && exporters.otlp.lastFailureAt > exporters.otlp.lastSuccessAt) problems.push(`OTLP export failing: ${exporters.otlp.lastError}`);
  if (!host) problems.push('host plug-in not in use: resources come from the built-in fallback sampler');
  const r = d.recorder;
  return {
    status: problems.some((p) => p.startsWith('OTLP')) ? ('degraded' as const) : ('ok' as const),
    uptimeSeconds,
    exporters,
    collection: { resourceSource: r.source, hostPlugin: !!host, lastSampleAt: orNull(r.lastSampleAt || NaN), lastSnapshotAt: orNull(r.lastSnapshotAt || NaN), lastHostCollectionAt: lastHost },
    gpuBackend: gpuBackendOf(host),
    thresholdsSource: d.thresholdsSource(),
    history: d.service.historyInfo(),
    problems,
  };
}

function readBenchmarks(file: string) {
  const full = path.resolve(file);
  try {
    const stat = fs.statSync(full);
    return { available: true, path: full, modifiedAt: stat.mtimeMs, results: JSON.parse(fs.readFileSync(full, 'utf8')) as unknown };
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { available: false, path: full, modifiedAt: null, message: missing ? 'no benchmark results yet: run the benchmarks (npm run bench) to write them' : `could not read benchmark results: ${(err as Error).message}` };
  }
}
