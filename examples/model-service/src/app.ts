import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { DashboardError, dashboardPlugin, drainServer, isLoopbackAddress, trackResponses, type DashboardPlugin } from '@perfkit/dashboard';
import { hostMetrics } from '@perfkit/host';
import { slaPlugin, viewsFromSpec, type SlaPlugin } from '@perfkit/sla';
import type { ExampleOptions } from './cli';
import { route } from './http/routes';
import { sendJson } from './http/json';
import { createRequestGuards } from './http/requestGuards';
import { knobsFromEnv, type Knobs } from './knobs';
import { ModelService } from './service/ModelService';
import { TrafficGenerator } from './traffic/TrafficGenerator';
import { adminAccessFromEnv } from './wiring/adminAccess';
import { loadExampleSla } from './wiring/slaSpec';

/** URLs of a running example (what the READY line prints). */
export interface ExampleUrls {
  readonly app: string;
  readonly metrics: string;
  readonly knobs: string;
  readonly models: string;
  readonly [name: string]: string;
}

/** A running example service. */
export interface RunningExample {
  readonly perf: Perfkit;
  readonly service: ModelService;
  readonly urls: ExampleUrls;
  /** The SLA spec file in use, if any. */
  readonly slaPath: string | undefined;
  /** Whether POST /knobs and the dashboard's data need the `x-api-key` header (a key is configured). */
  readonly hasApiKey: boolean;
  /** The HTTP server (for {@link gracefulShutdown}). */
  readonly server: Server;
  /** Stops the generated traffic and the periodic background work (nothing new starts). */
  quiesce(): void;
  /** After the server closed: terminates the generate workers and shuts perfkit down (the final OTLP flush). */
  flush(): Promise<void>;
  /** quiesce(), drains the server (requests in flight finish, at most `drainTimeoutMs`), then flush(). Idempotent. */
  stop(drainTimeoutMs?: number): Promise<void>;
}

/** A URL a browser can open for an address a server listens on (0.0.0.0 becomes 127.0.0.1). */
function browsable(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/** Records one operation under each of `count` synthetic names, spread over the built-in types (benchmarks only). */
function seedSeries(perf: Perfkit, count: number): void {
  const types = ['download', 'health_check', 'fallback', 'model_operation', 'analytics_collection'];
  for (let i = 0; i < count; i++) {
    const op = perf.operation(types[i % types.length]!, `seed-${i}`);
    op.record(0.001 * (1 + (i % 500)), i % 10 === 0 ? { outcome: 'failure', errorType: 'SEEDED' } : undefined);
  }
}

/** Starts perfkit, the model service and its HTTP server, and (unless turned off) its own traffic. */
export async function startModelService(options: ExampleOptions): Promise<RunningExample> {
  let knobs: Knobs = knobsFromEnv();
  const hasDashboard = options.dashboard && options.perfkit;
  // Without the dashboard its key and Host names still guard POST /knobs: the dashboard's rules, before anything starts.
  const access = hasDashboard ? undefined : adminAccessFromEnv();
  const sla = options.perfkit ? loadExampleSla(options.sla) : undefined;
  const perf = createPerfkit({
    disabled: !options.perfkit,
    ...(sla ? viewsFromSpec(sla.spec) : {}),
    serviceName: options.serviceName ?? 'model-service',
    ...(options.instanceId ? { serviceInstanceId: options.instanceId } : {}),
    prometheus: {
      ...(options.metricsPort !== undefined ? { port: options.metricsPort } : {}),
      ...(options.metricsHost ? { host: options.metricsHost } : {}),
    },
    ...(options.otlpUrl ? { otlp: { url: options.otlpUrl, ...(options.otlpIntervalMs ? { intervalMs: options.otlpIntervalMs } : {}) } } : {}),
  });
  try {
    await perf.ready();
  } catch (err) {
    await perf.shutdown();
    throw err;
  }
  if (options.hostMetrics && options.perfkit) perf.use(hostMetrics());
  // In-process SLA checks on the same thresholds as the generated rules; a change of verdict is logged.
  const slaChecks: SlaPlugin | undefined = sla ? perf.use(slaPlugin(sla.spec, { intervalMs: 15_000 })) : undefined;
  const dashboard: DashboardPlugin | undefined = hasDashboard
    ? perf.use(dashboardPlugin()) // its analysis reads the SLA plug-in's thresholds: the same ones the rules use
    : undefined;
  const service = new ModelService(perf, {
    knobs: () => knobs,
    healthCheckIntervalMs: options.healthIntervalMs,
    analyticsIntervalMs: options.analyticsIntervalMs,
    generateTimeoutMs: options.generateTimeoutMs,
    generateWorkers: options.generateWorkers,
  });
  // The dashboard's key also guards the knobs; without a key nothing may listen beyond loopback.
  const apiKey = dashboard ? dashboard.config.apiKey : access?.apiKey;
  const allowedHosts = dashboard ? dashboard.config.allowedHosts : (access?.allowedHosts ?? []);
  try {
    if (dashboard) dashboard.assertListenable(options.host);
    else if (!isLoopbackAddress(options.host) && !apiKey) throw new DashboardError('PERFKIT_ERR_DASHBOARD_API_KEY_REQUIRED', { host: options.host });
  } catch (err) {
    await service.stop();
    await perf.shutdown();
    throw err;
  }
  let urls: ExampleUrls | undefined;
  const context = {
    guards: createRequestGuards(apiKey, allowedHosts),
    service,
    sla: slaChecks,
    getKnobs: () => knobs,
    setKnobs: (next: Knobs) => {
      knobs = next;
    },
    urls: () => urls ?? ({} as ExampleUrls),
  };
  const server: Server = createServer((req, res) => {
    route(req, res, context)
      .then((handled) => {
        if (handled || dashboard?.handler(req, res)) return;
        // Without a /metrics server of its own (PERFKIT_PROMETHEUS_ENABLED=false, OTLP only), serve it here.
        if (!perf.metricsUrl && perf.config.prometheus === false && req.url?.split('?')[0] === '/metrics') {
          perf.metricsHandler(req, res);
          return;
        }
        if (req.url === '/' && req.method === 'GET') {
          res.writeHead(302, { location: '/service' }).end();
          return;
        }
        sendJson(res, 404, { error: 'NOT_FOUND', message: `no route for ${req.method} ${req.url}`, see: '/service' });
      })
      .catch((err: unknown) => {
        perf.diag.error('request handling failed', err);
        if (!res.headersSent) sendJson(res, 500, { error: 'INTERNAL' });
      });
  });
  trackResponses(server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
  } catch (err) {
    await service.stop();
    await perf.shutdown();
    throw err;
  }
  const app = browsable(options.host, (server.address() as AddressInfo).port);
  const metricsUrl = new URL(perf.metricsUrl ?? `${app}/metrics`);
  const metrics = `${browsable(metricsUrl.hostname.replace(/^\[|\]$/g, ''), Number(metricsUrl.port))}${metricsUrl.pathname}`;
  urls = {
    app,
    metrics,
    knobs: `${app}/knobs`,
    models: `${app}/models`,
    service: `${app}/service`,
    ...(slaChecks ? { sla: `${app}/sla` } : {}),
    ...(dashboard ? { dashboard: `${app}/`, api: `${app}/api/v1/performance/dashboard`, health: `${app}/health/detailed` } : {}),
  };

  seedSeries(perf, options.seedSeries);
  let stopped = false;
  const traffic = new TrafficGenerator(app, options.trafficRate, perf.diag);
  service.start();
  // A real service loads its models before taking traffic: without this, the first requests wait behind downloads
  // in the generate queue and the service starts its life outside its own SLA. Bounded, and traffic starts anyway.
  if (options.traffic) {
    const warm = Promise.allSettled(service.list().map((m) => service.load(m.spec.name)));
    const bound = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
    void Promise.race([warm, bound]).then(() => {
      if (!stopped) traffic.start();
    });
  }

  const quiesce = () => {
    stopped = true;
    traffic.stop();
    service.stopBackground();
  };
  let flushing: Promise<void> | undefined;
  const flush = () =>
    (flushing ??= (async () => {
      await service.stop();
      await perf.shutdown();
    })());
  let stopping: Promise<void> | undefined;
  const stop = (drainTimeoutMs = 10_000) =>
    (stopping ??= (async () => {
      quiesce();
      await drainServer(server, drainTimeoutMs).done;
      await flush();
    })());
  return { perf, service, urls, slaPath: sla?.path, hasApiKey: apiKey !== undefined, server, quiesce, flush, stop };
}
