import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Perfkit, PerfkitPlugin, PluginContext } from '@perfkit/core';
import type { SlaPlugin, SlaThresholds } from '@perfkit/sla';
import { thresholdsFromSla } from './analysis/fromSla';
import { mergeThresholds, thresholdsSchema, type AnalysisThresholds, type ThresholdsInput } from './analysis/thresholds';
import type { AnalysisResult } from './analysis/types';
import { createApiKeyCheck } from './api/auth';
import { sendError } from './api/http';
import { openApiDocument } from './api/openapi';
import { PerformanceService } from './api/PerformanceService';
import { createRoutes } from './api/routes';
import { loadDashboardConfig, type DashboardConfig, type DashboardOptions } from './config';
import { HistoryRecorder } from './history/HistoryRecorder';
import { DashboardServer } from './server/DashboardServer';
import { Router } from './server/Router';
import { StaticPage } from './server/StaticPage';
import { HeavyLimiter } from './server/HeavyLimiter';
import { createHostCheck, createRedactor } from './server/security';
import { assertKeyForHost } from './config';

/** The package version, shown in the OpenAPI document. */
export const DASHBOARD_VERSION = '0.1.0';
const DEFAULT_WINDOW_MS = 24 * 3_600_000;

/** The `dashboard` plug-in: JSON API, analysis and the live page. */
export interface DashboardPlugin extends PerfkitPlugin {
  readonly name: 'dashboard';
  /** The validated options. */
  readonly config: DashboardConfig;
  /** Serves the request if its path is the dashboard's (`/`, `/assets/*`, `/api/v1/*`, `/health*`); false otherwise. */
  handler(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * Resolves once started: its history holds a first snapshot of the store (taken in slices), and with a port, it
   * listens. Rejects with `PERFKIT_ERR_DASHBOARD_*` if it cannot listen.
   */
  ready(): Promise<void>;
  /**
   * Throws `PERFKIT_ERR_DASHBOARD_API_KEY_REQUIRED` (naming the remedy) when the server the handler is mounted on would
   * listen on `host` beyond loopback without an API key. Call it before `listen`; without the call, such requests
   * get 403 `api_key_required` anyway.
   */
  assertListenable(host: string): void;
  /** The page's URL once its own server listens. */
  readonly url: string | undefined;
  /** Runs the analysis on the last `windowMs` now (throws if not started). */
  analyze(windowMs?: number): AnalysisResult;
  /** Replaces the thresholds given in code (undefined: back to the SLA plug-in's, else defaults); validated like the option. */
  setThresholds(thresholds: ThresholdsInput | undefined): void;
  /** The thresholds in use: given in code, else the `sla` plug-in's spec, else {@link DEFAULT_THRESHOLDS}. */
  thresholds(): AnalysisThresholds;
  /** Where the thresholds in use come from. */
  thresholdsSource(): 'options' | 'sla' | 'defaults';
}

/**
 * Creates the dashboard plug-in: `perf.use(dashboardPlugin({ thresholds }))`, then either mount `handler` on your
 * HTTP server or pass `port` for its own server on 127.0.0.1. Throws `PerfkitConfigError` for bad options.
 */
export function dashboardPlugin(options?: DashboardOptions): DashboardPlugin {
  return new DashboardPluginImpl(loadDashboardConfig(options));
}

class DashboardPluginImpl implements DashboardPlugin {
  readonly name = 'dashboard' as const;
  url: string | undefined;
  private explicit: AnalysisThresholds | undefined;
  private readonly defaults = mergeThresholds(undefined);
  private fromSla?: { source: SlaThresholds; merged: AnalysisThresholds };
  private perf?: Perfkit;
  private router?: Router;
  private recorder?: HistoryRecorder;
  private service?: PerformanceService;
  private server?: DashboardServer;
  private readonly readyPromise: Promise<void>;
  private settle!: { resolve: () => void; reject: (err: unknown) => void };
  private stopped?: Promise<void>;

  constructor(readonly config: DashboardConfig) {
    this.explicit = config.thresholds ? mergeThresholds(config.thresholds) : undefined;
    this.readyPromise = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.readyPromise.catch(() => undefined);
  }

  start(ctx: PluginContext): Promise<void> {
    const c = this.config;
    this.perf = ctx.perf;
    this.recorder = new HistoryRecorder(ctx.perf, c, ctx.diag);
    this.service = new PerformanceService(ctx.perf, this.recorder, () => this.thresholds(), c.cacheTtlMs);
    const routes = createRoutes({ perf: ctx.perf, service: this.service, recorder: this.recorder, benchmarksPath: c.benchmarksPath, startedAt: Date.now(), defaultWindowMs: DEFAULT_WINDOW_MS, thresholdsSource: () => this.thresholdsSource() });
    const openApi = openApiDocument(routes, DASHBOARD_VERSION, !!c.apiKey);
    const redact = createRedactor([c.apiKey, ...Object.values(ctx.perf.config.otlp?.headers ?? {})]);
    const guards = { isAuthorized: createApiKeyCheck(c.apiKey), hasKey: !!c.apiKey, isHostAllowed: createHostCheck(c.allowedHosts), redact, limiter: new HeavyLimiter(c.maxConcurrentHeavy), validate: c.validateResponses };
    this.router = new Router(routes, new StaticPage(), () => openApi, guards, ctx.diag);
    // Ready once the history holds its first snapshot (the baseline of every window), and the server listens.
    const firstSnapshot = this.recorder.start();
    if (c.port === undefined) {
      void firstSnapshot.then(() => this.settle.resolve());
      return this.readyPromise;
    }
    this.server = new DashboardServer(this.handler);
    this.server.listen(c.host, c.port).then(
      (addr) => {
        const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
        this.url = `http://${host}:${addr.port}/`;
        void firstSnapshot.then(() => this.settle.resolve());
      },
      (err: unknown) => this.settle.reject(err),
    );
    return this.readyPromise;
  }

  readonly handler = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (this.router) return this.router.handle(req, res);
    const path = (req.url ?? '/').split('?')[0]!;
    if (path !== '/' && !path.startsWith('/api/v1/') && !path.startsWith('/health') && !path.startsWith('/assets/')) return false;
    sendError(res, 503, 'not_started', 'the dashboard plug-in is not started yet: call perf.use(dashboard)');
    return true;
  };

  ready(): Promise<void> {
    return this.readyPromise;
  }

  assertListenable(host: string): void {
    assertKeyForHost(host, this.config.apiKey);
  }

  analyze(windowMs = DEFAULT_WINDOW_MS): AnalysisResult {
    if (!this.service) throw new Error('dashboard: analyze() before perf.use(dashboard)');
    return this.service.analysis(this.service.view(windowMs));
  }

  setThresholds(thresholds: ThresholdsInput | undefined): void {
    this.explicit = thresholds === undefined ? undefined : mergeThresholds(thresholdsSchema.parse(thresholds));
    this.service?.invalidate();
  }

  thresholds(): AnalysisThresholds {
    if (this.explicit) return this.explicit;
    const sla = this.slaThresholds();
    if (!sla) return this.defaults;
    if (this.fromSla?.source !== sla) this.fromSla = { source: sla, merged: mergeThresholds(thresholdsFromSla(sla)) };
    return this.fromSla.merged;
  }

  thresholdsSource(): 'options' | 'sla' | 'defaults' {
    return this.explicit ? 'options' : this.slaThresholds() ? 'sla' : 'defaults';
  }

  private slaThresholds(): SlaThresholds | undefined {
    const t = this.perf?.plugin<SlaPlugin>('sla')?.thresholds;
    return t && Array.isArray(t.objectives) && Array.isArray(t.limits) ? t : undefined;
  }

  shutdown(): Promise<void> {
    return (this.stopped ??= (async () => {
      this.recorder?.stop();
      await this.server?.close();
    })());
  }
}
