import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { getEnvironmentData, isMainThread, setEnvironmentData, threadId } from 'node:worker_threads';
import type { Meter, ObservableResult } from '@opentelemetry/api';
import { DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { DiagLogger } from '../diag';
import type { OperationStore } from '../store/OperationStore';
import { Aggregator } from './Aggregator';
import { summarizeConfig, type SummarizedConfig } from './configSummary';
import { AGGREGATOR_ENV, parseAggregatorMarker, type WireSdkMetric } from './protocol';
import { Reporter } from './Reporter';

/** Where this perfkit stands among its process's workers, decided once at creation. */
export interface ClusterRole {
  /**
   * `alone`: a process's main thread (it also aggregates the workers and threads that find it).
   * `cluster-worker`: a `node:cluster` worker whose primary runs perfkit: it reports there and serves nothing.
   * `own-port`: a cluster worker whose primary runs no perfkit (PM2): it serves on `port + instance`.
   * `thread`: a worker thread whose main thread runs perfkit: it records into it and serves nothing.
   */
  readonly kind: 'alone' | 'cluster-worker' | 'own-port' | 'thread';
  /** The aggregator's id (`cluster-worker`, `thread`). */
  readonly target?: string;
  /** The instance number added to the port (`own-port`). */
  readonly instance?: number;
}

/** Decides the role from the process's state and the marker an aggregating perfkit left in the environment. */
export function detectRole(env: NodeJS.ProcessEnv = process.env): ClusterRole {
  if (!isMainThread) {
    // Threads learn of their main thread's perfkit through worker_threads' environment data (copied into every
    // worker created after it), which no sandboxed or rewritten process.env can hide.
    const data = getEnvironmentData(AGGREGATOR_ENV);
    const inherited = parseAggregatorMarker(typeof data === 'string' ? data : undefined);
    return inherited && inherited.pid === process.pid ? { kind: 'thread', target: inherited.id } : { kind: 'alone' };
  }
  const marker = parseAggregatorMarker(env[AGGREGATOR_ENV]);
  if (cluster.isWorker) {
    if (marker && marker.pid === process.ppid) return { kind: 'cluster-worker', target: marker.id };
    const pm2 = env.NODE_APP_INSTANCE ? Number(env.NODE_APP_INSTANCE) : NaN;
    return { kind: 'own-port', instance: Number.isInteger(pm2) && pm2 >= 0 ? pm2 : (cluster.worker?.id ?? 1) - 1 };
  }
  return { kind: 'alone' };
}

/** Whether a perfkit in this role serves `/metrics` itself. */
export function servesMetrics(role: ClusterRole): boolean {
  return role.kind === 'alone' || role.kind === 'own-port';
}

/** Whether a perfkit in this role pushes OTLP itself (only the one that holds everyone's counts). */
export function pushesOtlp(role: ClusterRole): boolean {
  return role.kind === 'alone' || role.kind === 'own-port';
}

/** The port a perfkit in this role listens on, given the configured one (0 stays 0: any free port). */
export function portFor(role: ClusterRole, configured: number): number {
  return role.kind === 'own-port' && configured !== 0 ? configured + role.instance! : configured;
}

/** What {@link ClusterLink} needs from its perfkit. */
export interface ClusterLinkOptions {
  readonly store: OperationStore;
  readonly meter: Meter;
  readonly diag: DiagLogger;
  readonly serviceName: string;
  /** The settings compared between a worker and its aggregator (limits, views, resource...). */
  readonly config?: SummarizedConfig;
  /** The perfkit's own SDK metrics (plug-ins), collected now. */
  readonly collectSdk: () => Promise<ResourceMetrics>;
  readonly collectTimeoutMs?: number;
  readonly pushMs?: number;
}

/**
 * Joins a perfkit to its process's others: a main thread aggregates (and tells workers created after it where it
 * is, through `PERFKIT_AGGREGATOR`); a cluster worker or worker thread reports. The record path is untouched: each
 * perfkit keeps its own store, and the aggregator merges at collection time.
 */
export class ClusterLink {
  readonly id = randomBytes(6).toString('hex');
  private readonly aggregator?: Aggregator;
  private readonly reporter?: Reporter;
  private readonly marker?: string;

  constructor(
    readonly role: ClusterRole,
    options: ClusterLinkOptions,
  ) {
    const { store, diag, serviceName } = options;
    const config = summarizeConfig(options.config, store);
    if (role.kind === 'cluster-worker' || role.kind === 'thread') {
      const via = role.kind === 'thread' ? 'thread' : 'cluster';
      const label = via === 'thread' ? `worker thread ${threadId}` : `cluster worker ${cluster.worker?.id} (pid ${process.pid})`;
      this.reporter = new Reporter({
        id: `${via === 'thread' ? 't' : 'c'}${via === 'thread' ? threadId : process.pid}-${this.id}`,
        target: role.target!,
        via,
        label,
        serviceName,
        config,
        store,
        diag,
        pushMs: options.pushMs,
        sdkMetrics: async () => sdkMetricsOf(await options.collectSdk()),
      });
      diag.debug(`perfkit in ${label} reports to the ${via === 'thread' ? 'main thread' : 'cluster primary'}; /metrics and OTLP are served there`);
    }
    if (role.kind === 'own-port') {
      diag.warn(
        `perfkit in cluster worker ${cluster.worker?.id} (pid ${process.pid}): the primary runs no perfkit, so this worker serves /metrics on its own port (prometheus.port + ${role.instance}, the instance number: NODE_APP_INSTANCE or the cluster worker id - 1). Create perfkit in the primary before cluster.fork() to serve one /metrics for all workers.`,
      );
    }
    if (role.kind !== 'thread') {
      this.aggregator = new Aggregator({
        id: this.id,
        store,
        diag,
        serviceName,
        config,
        collectTimeoutMs: options.collectTimeoutMs,
        cluster: cluster.isPrimary,
        threads: true,
      });
      this.marker = `${process.pid}:${this.id}`;
      process.env[AGGREGATOR_ENV] = this.marker;
      setEnvironmentData(AGGREGATOR_ENV, this.marker);
      this.forwardRemoteMetrics(options.meter);
    }
  }

  /** Workers reporting here now. */
  get workers(): number {
    return this.aggregator?.workers ?? 0;
  }

  /** Merges fresh reports of every worker (collection time). */
  refresh(): Promise<void> {
    return this.aggregator?.refresh() ?? Promise.resolve();
  }

  /**
   * Collection hooks: one observable that never observes but makes every collection (a scrape, an OTLP export)
   * wait for the workers' fresh reports, and the workers' plug-in gauges and counters with a `worker` label.
   */
  private forwardRemoteMetrics(meter: Meter): void {
    const aggregator = this.aggregator!;
    meter.createObservableGauge('perfkit.cluster.collect').addCallback(() => aggregator.refresh());
    const instruments = new Map<string, { observe: (r: ObservableResult) => void }>();
    const latest = new Map<string, Array<[Record<string, string | number | boolean>, number]>>();
    const ensure = (m: WireSdkMetric) => {
      const key = `${m.kind}:${m.name}`;
      if (instruments.has(key) || instruments.size >= 500) return;
      const opts = { unit: m.unit, description: typeof m.description === 'string' ? m.description : '' };
      const inst =
        m.kind === 'counter' ? meter.createObservableCounter(m.name, opts) : m.kind === 'updowncounter' ? meter.createObservableUpDownCounter(m.name, opts) : meter.createObservableGauge(m.name, opts);
      const entry = {
        observe: (r: ObservableResult) => {
          for (const [attributes, value] of latest.get(key) ?? []) r.observe(value, attributes);
        },
      };
      inst.addCallback(async (r) => {
        await aggregator.refresh();
        latest.clear();
        for (const { worker, metrics } of aggregator.remoteMetrics()) {
          for (const metric of metrics) {
            const k = `${metric.kind}:${metric.name}`;
            let list = latest.get(k);
            if (!list) latest.set(k, (list = []));
            for (const [attributes, value] of metric.points) if (typeof value === 'number') list.push([{ ...attributes, worker }, value]);
          }
        }
        entry.observe(r);
      });
      instruments.set(key, entry);
    };
    const scan = () => {
      for (const { metrics } of aggregator.remoteMetrics()) for (const m of metrics) ensure(m);
    };
    meter.createObservableGauge('perfkit.cluster.scan').addCallback(async () => {
      await aggregator.refresh();
      scan();
    });
  }

  /** Stops reporting (after a last report) and aggregating; merged counts stay in the store. */
  shutdown(): void {
    this.reporter?.close();
    this.aggregator?.close();
    if (this.marker && process.env[AGGREGATOR_ENV] === this.marker) delete process.env[AGGREGATOR_ENV];
    if (this.marker && getEnvironmentData(AGGREGATOR_ENV) === this.marker) setEnvironmentData(AGGREGATOR_ENV, undefined);
  }
}

/** A worker's own gauges and counters as plain data (histograms stay in the worker: documented). */
function sdkMetricsOf(rm: ResourceMetrics): WireSdkMetric[] {
  const out: WireSdkMetric[] = [];
  for (const scope of rm.scopeMetrics) {
    if (scope.scope.name === '@perfkit/core/cluster') continue;
    for (const m of scope.metrics) {
      const kind = m.dataPointType === DataPointType.GAUGE ? 'gauge' : m.dataPointType === DataPointType.SUM ? (m.isMonotonic ? 'counter' : 'updowncounter') : undefined;
      if (!kind || m.descriptor.name.startsWith('perfkit.cluster.')) continue;
      const points: Array<[Record<string, string | number | boolean>, number]> = [];
      for (const dp of m.dataPoints) {
        const attributes: Record<string, string | number | boolean> = {};
        for (const [k, v] of Object.entries(dp.attributes)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') attributes[k] = v;
        if (typeof dp.value === 'number') points.push([attributes, dp.value]);
      }
      out.push({ name: m.descriptor.name, unit: m.descriptor.unit, description: m.descriptor.description, kind, points });
    }
  }
  return out;
}
