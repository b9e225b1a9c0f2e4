import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { createNoopMeter, type Meter } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader, type MetricProducer, type MetricReader } from '@opentelemetry/sdk-metrics';
import { loadConfig, type PerfkitConfig, type ResolvedConfig } from './config';
import { createDiagLogger, safeExecute, type DiagLogger } from './diag';
import { PerfkitError, formatProblem, safeString, type ConfigProblem } from './errors';
import { ClusterLink, detectRole, portFor, pushesOtlp, servesMetrics } from './cluster/ClusterLink';
import { CountingExporter } from './export/CountingExporter';
import { retryAfterAgent } from './export/retryAfterAgent';
import { withoutEnvHeaders } from './export/withoutEnvHeaders';
import { EMPTY_PRODUCER, PerfkitMetricProducer, loadOtlpExporter } from './export/AppPipeline';
import { exportExemplarsThrough } from './export/OtlpExemplars';
import { prepareRequestsThrough } from './export/SlicedOtlpRequest';
import { attributeLabels, constLabelsOf } from './export/PrometheusSerializer';
import { renamedLabelWarner } from './export/labels';
import { redactUrl } from './redact';
import { ExpositionRenderer, SCRAPE_SLICE_MS } from './export/ExpositionRenderer';
import type { TemporalityPreference } from './export/temporality';
import { PrometheusEndpoint, type ScrapeFn } from './export/PrometheusEndpoint';
import { GuardQueueWaits } from './guards/GuardQueueWaits';
import { GuardRegistry } from './guards/GuardRegistry';
import type { GuardOptions } from './guards/GuardOptions';
import type { Guard } from './guards/types';
import { checkBuckets } from './operations/OperationTypes';
import type { PerfkitPlugin, PluginContext } from './plugins';
import { OperationStore } from './store/OperationStore';
import { snapshotStore, snapshotStoreSliced, type StoreSnapshot } from './store/snapshot';
import { SCOPE, StoreMetricProducer } from './store/StoreMetricProducer';
import type { ActiveOperation, Operation, OperationContext } from './types';

/** Status of the exporters, for health endpoints. */
export interface ExportStatus {
  readonly prometheus: { readonly enabled: boolean; readonly url?: string; readonly scrapes: number; readonly lastScrapeAt: number };
  readonly otlp: { readonly enabled: boolean; readonly url?: string; readonly succeeded: number; readonly failed: number; readonly lastSuccessAt: number; readonly lastFailureAt: number; readonly lastError: string };
}

/** A perfkit instance: operations, export, plug-ins. Create it with {@link createPerfkit}. */
export interface Perfkit {
  /** The validated configuration. */
  readonly config: ResolvedConfig;
  /** Diagnostic logger (never throws). */
  readonly diag: DiagLogger;
  /** The service's OpenTelemetry resource. */
  readonly resource: Resource;
  /** OpenTelemetry meter on the same pipeline, for instruments of your own. */
  readonly meter: Meter;
  /** A bound handle for one operation type and name; resolve it once and reuse it. */
  operation(type: string, name: string): Operation;
  /** Tracks `fn` as one operation of `type`/`name` (sync or async); returns or re-throws what it does. */
  trackOperation<T>(type: string, name: string, fn: (op: OperationContext) => T): T;
  /** Registers a custom operation type (or re-buckets a built-in one before use). Throws on bad input. */
  registerOperationType(type: string, options?: { buckets?: readonly number[] }): void;
  /** Registered operation types. */
  operationTypes(): string[];
  /** What runs now, by type and name. */
  activeOperations(): ActiveOperation[];
  /** A copy of every operation series, for analysis: one synchronous pass (one instant; it holds the loop for every series). */
  snapshot(): StoreSnapshot;
  /**
   * The same copy in slices of about 1 ms that yield to the event loop (each series from one instant, the whole not),
   * for readers of large stores that must not block: 130-240 ms for {@link snapshot} at 100,000 series on Node 20.
   */
  snapshotSliced(): Promise<StoreSnapshot>;
  /** The exposition text a scrape would get. */
  metrics(options?: { openMetrics?: boolean }): Promise<string>;
  /** Request handler serving the metrics, to mount on your own HTTP server. */
  readonly metricsHandler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Resolves once the metrics server listens; rejects with `PERFKIT_ERR_PORT_IN_USE` and the like (`PERFKIT_ERR_SHUT_DOWN`: shut down first). */
  ready(): Promise<void>;
  /** The URL `/metrics` is served at, once ready (undefined without a server of its own). */
  readonly metricsUrl: string | undefined;
  /** Exporter health. */
  exportStatus(): ExportStatus;
  /** Adds a plug-in and starts it; returns it. */
  use<P extends PerfkitPlugin>(plugin: P): P;
  /** A plug-in by name. */
  plugin<P extends PerfkitPlugin = PerfkitPlugin>(name: string): P | undefined;
  /** A guard: concurrency limit, bounded FIFO queue, timeout and memory budget around work (see docs/guards.md). Throws on bad options. */
  guard(options: GuardOptions): Guard;
  /** Every guard made with {@link Perfkit.guard}, in creation order. */
  guards(): Guard[];
  /** perfkit's operations and plug-in instruments as a `MetricProducer` for the app's own reader (`metricProducers: [...]`). */
  metricProducer(): MetricProducer;
  /** A `MetricReader` for the app's own `MeterProvider`: its instruments then appear on perfkit's `/metrics`. One per provider. */
  metricReader(): IMetricReader;
  /** Exports pending OTLP data now. */
  forceFlush(): Promise<void>;
  /** Stops plug-ins, flushes OTLP, closes the server. Idempotent. */
  shutdown(): Promise<void>;
}

/** Creates a perfkit instance. Throws `PerfkitConfigError` for a bad configuration value or environment override. */
export function createPerfkit(config?: PerfkitConfig): Perfkit {
  const ignored: ConfigProblem[] = [];
  const perf = new PerfkitInstance(loadConfig(config, process.env, { ignored }));
  // OpenTelemetry's rule for its variables: a value an SDK cannot use is reported and treated as unset, never fatal.
  for (const problem of ignored) perf.diag.warn(`ignoring an OpenTelemetry variable perfkit cannot use (the next source, or the default, applies): ${formatProblem(problem)}`);
  return perf;
}

class PerfkitInstance implements Perfkit {
  readonly diag: DiagLogger;
  readonly resource: Resource;
  readonly meter: Meter;
  readonly store: OperationStore;
  private readonly guardRegistry: GuardRegistry;
  private readonly queueWaits: GuardQueueWaits;
  readonly metricsHandler: (req: IncomingMessage, res: ServerResponse) => void;
  metricsUrl: string | undefined;

  private readonly provider: MeterProvider;
  private readonly constLabels: string;
  private readonly endpoint?: PrometheusEndpoint;
  private readonly otlp?: CountingExporter;
  private readonly plugins: PerfkitPlugin[] = [];
  /** Plug-ins whose start() returned a promise: settled (never rejecting) when it has. */
  private readonly starting = new Map<PerfkitPlugin, Promise<void>>();
  private readonly readyPromise: Promise<void>;
  private shutdownPromise?: Promise<void>;
  private readonly exposition: ExpositionRenderer;
  /** Serves scrapes (its own server, or the mounted handler); answers 503 once shut down. */
  private readonly scrapeEndpoint: PrometheusEndpoint;
  private isShutDown = false;
  /** Workers of this process (cluster workers, worker threads) that report here, or the perfkit this one reports to. */
  private readonly cluster?: ClusterLink;

  constructor(readonly config: ResolvedConfig) {
    this.diag = createDiagLogger(config.logLevel, config.logger);
    this.resource = resourceFromAttributes({
      'service.name': config.serviceName,
      ...(config.serviceVersion ? { 'service.version': config.serviceVersion } : {}),
      'service.instance.id': config.serviceInstanceId ?? randomUUID(),
      'host.name': os.hostname(),
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
      'telemetry.sdk.name': 'perfkit',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': SCOPE.version,
      ...config.resourceAttributes,
    });
    const prom = config.prometheus;
    const copied = prom ? prom.resourceAttributesAsLabels : [];
    const picked = Object.fromEntries(copied.filter((k) => k in this.resource.attributes).map((k) => [k, this.resource.attributes[k]]));
    this.constLabels = copied.length ? attributeLabels(picked) + ',' : '';
    this.store = new OperationStore({ ...config, constLabels: this.constLabels }, this.diag);
    // Guard queue waits are kept by perfkit (an SDK histogram hashes attributes on every record) and collected by its readers.
    this.queueWaits = new GuardQueueWaits(this.resource);
    const ownProducers = (temporality?: TemporalityPreference) => (config.disabled ? [] : [this.queueWaits.producer(temporality)]);
    this.exposition = new ExpositionRenderer(this.store, this.resource.attributes, constLabelsOf(picked, renamedLabelWarner(this.diag)), this.diag, SCRAPE_SLICE_MS, ownProducers());
    if (prom) {
      const renamed: string[] = [];
      attributeLabels(this.resource.attributes, '', undefined, renamed);
      if (renamed.length) renamedLabelWarner(this.diag)('target_info', renamed);
    }

    const readers: MetricReader[] = [this.exposition.reader];
    const role = config.disabled ? { kind: 'alone' as const } : detectRole();
    if (config.otlp && pushesOtlp(role)) {
      let counting: CountingExporter | undefined;
      const otlp = config.otlp;
      const Exporter = loadOtlpExporter();
      const inner = withoutEnvHeaders(
        () =>
          new Exporter({
            url: otlp.url,
            headers: otlp.headers,
            timeoutMillis: otlp.timeoutMs,
            httpAgentOptions: retryAfterAgent((header) => counting?.retryAfter(header)),
          }),
      );
      if (config.exemplars) exportExemplarsThrough(inner, this.diag);
      // Each request is serialized in slices before the exporter sends it (one call held the loop 66-130 ms at 10,000 series).
      const prepared = prepareRequestsThrough(inner, this.diag);
      this.otlp = counting = new CountingExporter(inner, (n) => this.store.drop('export_failed', n), this.diag, config.otlp.temporality, prepared);
      readers.push(
        new PeriodicExportingMetricReader({
          exporter: this.otlp,
          exportIntervalMillis: config.otlp.intervalMs,
          exportTimeoutMillis: Math.min(config.otlp.timeoutMs, config.otlp.intervalMs),
          metricProducers: [new StoreMetricProducer(this.store, this.resource), ...ownProducers(config.otlp.temporality)],
        }),
      );
    }
    this.provider = new MeterProvider({ resource: this.resource, readers });
    this.meter = config.disabled ? createNoopMeter() : this.provider.getMeter(SCOPE.name, SCOPE.version);
    if (!config.disabled) {
      const reader = this.exposition.reader;
      this.cluster = new ClusterLink(role, { store: this.store, meter: this.meter, diag: this.diag, serviceName: config.serviceName, config, collectSdk: async () => (await reader.collect({ timeoutMillis: 1000 })).resourceMetrics });
    }
    this.guardRegistry = new GuardRegistry(this.meter, (type, name) => this.store.operation(type, name), this.diag, this.queueWaits);

    const scrape: ScrapeFn = (openMetrics, onChunk) => this.exposition.stream(openMetrics, onChunk);
    const endpoint = (this.scrapeEndpoint = new PrometheusEndpoint(scrape, prom ? prom.path : '/metrics', this.diag));
    this.metricsHandler = config.disabled ? answerDisabled : endpoint.handler;
    if (prom && prom.serve && servesMetrics(role)) {
      this.endpoint = endpoint;
      this.readyPromise = endpoint.listen(prom.host, portFor(role, prom.port), role.kind === 'own-port').then((addr) => {
        const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
        this.metricsUrl = `http://${host}:${addr.port}${prom.path}`;
      });
      this.readyPromise.catch((err: unknown) => {
        // Shut down before it listened: asked for, not a failure (ready() says so to whoever awaits it).
        if ((err as { code?: unknown } | null)?.code !== 'PERFKIT_ERR_SHUT_DOWN') this.diag.error('metrics endpoint did not start', err);
      });
    } else {
      this.readyPromise = Promise.resolve();
    }
  }

  operation(type: string, name: string): Operation {
    return this.store.operation(type, name);
  }

  trackOperation<T>(type: string, name: string, fn: (op: OperationContext) => T): T {
    return this.store.operation(type, name).track(fn);
  }

  registerOperationType(type: string, options?: { buckets?: readonly number[] }): void {
    let given: unknown;
    try {
      given = options?.buckets;
    } catch (err) {
      throw new PerfkitError('PERFKIT_ERR_INVALID_BUCKETS', { type: safeString(type), detail: 'options.buckets could not be read' }, { cause: err });
    }
    const buckets = given === undefined ? undefined : checkBuckets(safeString(type), given);
    this.store.registerType(type, buckets);
  }

  operationTypes(): string[] {
    return this.store.operationTypes();
  }

  activeOperations(): ActiveOperation[] {
    return this.store.activeOperations();
  }

  snapshot(): StoreSnapshot {
    return snapshotStore(this.store);
  }

  snapshotSliced(): Promise<StoreSnapshot> {
    return snapshotStoreSliced(this.store);
  }

  metrics(options?: { openMetrics?: boolean }): Promise<string> {
    let openMetrics = false;
    try {
      openMetrics = options?.openMetrics === true;
    } catch {
      // Options with a throwing getter get the plain text format.
    }
    return this.exposition.render(openMetrics);
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  exportStatus(): ExportStatus {
    const prom = this.config.prometheus;
    return {
      prometheus: { enabled: prom !== false, url: this.metricsUrl, ...this.exposition.stats },
      otlp: { enabled: !!this.otlp, url: this.config.otlp ? redactUrl(this.config.otlp.url) : undefined, ...(this.otlp?.stats ?? { succeeded: 0, failed: 0, lastSuccessAt: 0, lastFailureAt: 0, lastError: '' }) },
    };
  }

  use<P extends PerfkitPlugin>(plugin: P): P {
    let isPlugin = false;
    try {
      isPlugin = !!plugin && typeof plugin.start === 'function' && typeof plugin.name === 'string';
    } catch {
      // A plug-in whose properties cannot be read is not a plug-in.
    }
    if (!isPlugin) {
      throw new PerfkitError('PERFKIT_ERR_INVALID_CONFIG', { detail: 'use(plugin): expected an object with a name and a start() method' });
    }
    if (this.isShutDown) {
      throw new PerfkitError('PERFKIT_ERR_SHUT_DOWN', { detail: `use(plugin): plug-in ${safeString(plugin.name)} would never be stopped` });
    }
    if (this.plugins.some((p) => p.name === plugin.name)) {
      throw new PerfkitError('PERFKIT_ERR_INVALID_CONFIG', { detail: `use(plugin): a plug-in named "${plugin.name}" is already in use` });
    }
    this.plugins.push(plugin);
    if (this.config.disabled) {
      this.diag.debug(`perfkit is disabled: plug-in ${plugin.name} is not started`);
      return plugin;
    }
    const context: PluginContext = {
      meter: this.meter,
      diag: this.diag,
      resource: this.resource,
      perf: this,
      expose: (name, value) => {
        if (name in this) {
          this.diag.warn(`plug-in ${plugin.name} cannot expose "${name}": perf.${name} exists already`);
          return;
        }
        Object.defineProperty(this, name, { value, enumerable: true });
      },
    };
    const started = safeExecute(this.diag, `plug-in ${plugin.name} start`, () => plugin.start(context));
    if (started && typeof (started as Promise<void>).catch === 'function') {
      const settled = (started as Promise<void>).then(
        () => undefined,
        (err: unknown) => this.diag.error(`plug-in ${plugin.name} start failed`, err),
      );
      this.starting.set(plugin, settled);
      void settled.then(() => this.starting.delete(plugin));
    }
    return plugin;
  }

  plugin<P extends PerfkitPlugin = PerfkitPlugin>(name: string): P | undefined {
    return this.plugins.find((p) => p.name === name) as P | undefined;
  }

  metricProducer(): MetricProducer {
    if (this.config.disabled) return EMPTY_PRODUCER(this.resource);
    return new PerfkitMetricProducer(new StoreMetricProducer(this.store, this.resource), this.exposition.reader, this.exposition.reader.appReaders, this.diag, () => this.isShutDown);
  }

  metricReader(): IMetricReader {
    return this.exposition.reader.appReaders.create();
  }

  async forceFlush(): Promise<void> {
    try {
      await this.provider.forceFlush();
    } catch (err) {
      this.diag.warn('flush failed', err);
    }
  }

  guard(options: GuardOptions): Guard {
    return this.guardRegistry.create(options);
  }

  guards(): Guard[] {
    return this.guardRegistry.list();
  }

  shutdown(): Promise<void> {
    return (this.shutdownPromise ??= this.doShutdown());
  }

  private async doShutdown(): Promise<void> {
    this.isShutDown = true;
    this.cluster?.shutdown();
    this.guardRegistry.shutdown(); // refuses queued and new guarded work; running work goes on
    // Operations still running get a bounded wait, so the final export carries them.
    const drained = await this.store.waitForIdle(this.config.shutdownTimeoutMs);
    if (!drained) this.diag.warn(`shutdown: operations still running after ${this.config.shutdownTimeoutMs} ms are not in the final export`);
    for (const plugin of [...this.plugins].reverse()) {
      try {
        // A plug-in still starting is stopped once its start() has settled (bounded): stopped before, whatever its
        // start() set up after its first await (a timer, a server) outlived perfkit.
        const starting = this.starting.get(plugin);
        if (starting && !(await settlesWithin(starting, this.config.shutdownTimeoutMs))) {
          this.diag.warn(`shutdown: plug-in ${plugin.name} still starting after ${this.config.shutdownTimeoutMs} ms; stopped anyway`);
        }
        await plugin.shutdown?.();
      } catch (err) {
        this.diag.error(`plug-in ${plugin.name} shutdown failed`, err);
      }
    }
    try {
      await this.provider.shutdown({ timeoutMillis: this.config.otlp?.timeoutMs ?? 5000 });
    } catch (err) {
      this.diag.warn('metric pipeline shutdown failed', err);
    }
    this.exposition.isShutDown = true;
    this.scrapeEndpoint.markShutDown();
    await this.endpoint?.close();
  }
}

/** What a mounted metrics handler answers while perfkit is disabled: nothing is measured, so there is nothing to scrape. */
function answerDisabled(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain' }).end('perfkit is disabled (PERFKIT_DISABLED)\n');
}

/** Whether `promise` (one that never rejects) settles within `ms`. */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  // Not unref'd: a start() waiting on nothing must not let the process exit in the middle of the final flush.
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
