import type { DiagLogger, Perfkit } from '@perfkit/core';
import type { HostMetricsPlugin } from '@perfkit/host';
import { FallbackSampler } from './FallbackSampler';
import { fromHostSample, type NetworkCounters } from './hostSample';
import { RESOURCE_ROW_BYTES, ResourceHistory } from './ResourceHistory';
import type { ResourceSample, ResourceSource } from './ResourceSample';
import { SnapshotHistory } from './SnapshotHistory';

/** What the dashboard reads from `@perfkit/host`; members are checked before use, so an older plug-in degrades. */
export type HostPluginLike = Partial<Pick<HostMetricsPlugin, 'latest' | 'gpuBackend' | 'lastCollectionAt'>> & { readonly name: string };

/** How the recorder is set up. */
export interface RecorderOptions {
  readonly sampleIntervalMs: number;
  readonly snapshotIntervalMs: number;
  readonly retentionMs: number;
  readonly memoryBudgetBytes: number;
}

/** Share of the memory budget given to resource samples; snapshots get the rest. */
const RESOURCE_BUDGET_SHARE = 0.25;

/**
 * Fills the histories in the background: a host sample every `sampleIntervalMs` (from the `host` plug-in when in
 * use, else a small built-in sampler) and a store snapshot every `snapshotIntervalMs`. Timers are unref()'d;
 * failures go to the logger.
 */
export class HistoryRecorder {
  readonly resources: ResourceHistory;
  readonly snapshots: SnapshotHistory;
  lastSampleAt = 0;
  lastSnapshotAt = 0;
  source: ResourceSource = 'none';
  /** The memory budget both histories share. */
  readonly budgetBytes: number;
  private readonly fallback = new FallbackSampler();
  private network: NetworkCounters | undefined;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly perf: Perfkit,
    private readonly options: RecorderOptions,
    private readonly diag: DiagLogger,
  ) {
    this.budgetBytes = options.memoryBudgetBytes;
    const wanted = Math.ceil(options.retentionMs / options.sampleIntervalMs) + 1;
    const affordable = Math.floor((options.memoryBudgetBytes * RESOURCE_BUDGET_SHARE) / RESOURCE_ROW_BYTES);
    this.resources = new ResourceHistory(Math.min(wanted, affordable));
    this.snapshots = new SnapshotHistory(options.retentionMs, options.memoryBudgetBytes - this.resources.bytes);
  }

  /** The `host` plug-in, if one is in use. */
  host(): HostPluginLike | undefined {
    return this.perf.plugin('host') as HostPluginLike | undefined;
  }

  /** Takes the first sample and snapshot now and starts the timers. */
  start(): void {
    if (this.timers.length) return;
    this.sampleNow();
    this.snapshotNow();
    this.timers = [
      setInterval(() => this.sampleNow(), this.options.sampleIntervalMs),
      setInterval(() => this.snapshotNow(), this.options.snapshotIntervalMs),
    ];
    for (const t of this.timers) t.unref();
  }

  /** Stops the timers; idempotent. */
  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Takes one host sample into history; never throws. */
  sampleNow(now = Date.now()): ResourceSample | undefined {
    try {
      const host = this.host();
      let sample: ResourceSample;
      if (host && typeof host.latest === 'function') {
        // The host plug-in is in use: wait for its first collection rather than mix in another source's figures.
        const raw = host.latest();
        if (raw === undefined) return undefined;
        const read = fromHostSample(raw, now, this.network);
        this.network = read.network;
        sample = read.sample;
        this.source = 'host';
      } else {
        sample = this.fallback.sample(now);
        this.source = 'fallback';
      }
      if (this.resources.push(sample)) this.lastSampleAt = now;
      return sample;
    } catch (err) {
      this.diag.warn('dashboard: host sample failed', err);
      return undefined;
    }
  }

  /** Keeps one snapshot of the operation store; never throws. */
  snapshotNow(): void {
    try {
      this.snapshots.push(this.perf.snapshot());
      this.lastSnapshotAt = Date.now();
    } catch (err) {
      this.diag.warn('dashboard: store snapshot failed', err);
    }
  }
}
