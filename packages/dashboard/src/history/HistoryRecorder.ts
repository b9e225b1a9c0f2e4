import type { DiagLogger, Perfkit, StoreSnapshot } from '@perfkit/core';
import type { HostMetricsPlugin } from '@perfkit/host';
import { FallbackSampler } from './FallbackSampler';
import { fromHostSample, type NetworkCounters } from './hostSample';
import { RESOURCE_ROW_BYTES, ResourceHistory } from './ResourceHistory';
import type { ResourceSample, ResourceSource } from './ResourceSample';
import { SnapshotHistory } from './SnapshotHistory';
import { OperationRollups } from './OperationRollups';
import { readStoreSliced } from './readStore';

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
/** Share of the memory budget the rollups may take at most (estimated at {@link ROLLUP_ROW_BYTES} a row). */
const ROLLUP_BUDGET_SHARE = 0.2;
/** A generous estimate of one rollup row: a handful of operation types, ~20 buckets each. */
const ROLLUP_ROW_BYTES = 2048;

/**
 * Fills the histories in the background: a host sample every `sampleIntervalMs` (from the `host` plug-in when in
 * use, else a small built-in sampler) and a store snapshot every `snapshotIntervalMs`. Timers are unref()'d;
 * failures go to the logger.
 */
export class HistoryRecorder {
  readonly resources: ResourceHistory;
  readonly snapshots: SnapshotHistory;
  /** Operation history per type, per snapshot interval and per hour (the charts read these). */
  readonly rollups: OperationRollups;
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
    const periods = Math.ceil(options.retentionMs / options.snapshotIntervalMs) + 1;
    const rollupRows = Math.max(2, Math.min(periods, Math.floor((options.memoryBudgetBytes * ROLLUP_BUDGET_SHARE) / ROLLUP_ROW_BYTES)));
    this.rollups = new OperationRollups(rollupRows);
    const rollupBudget = rollupRows * ROLLUP_ROW_BYTES;
    this.snapshots = new SnapshotHistory(options.retentionMs, Math.max(64 * 1024, options.memoryBudgetBytes - this.resources.bytes - rollupBudget));
  }

  /** The `host` plug-in, if one is in use. */
  host(): HostPluginLike | undefined {
    return this.perf.plugin('host') as HostPluginLike | undefined;
  }

  /**
   * Takes the first sample now, starts the first snapshot (sliced, as the timer's: a plug-in added to a perfkit that
   * already holds many series held the loop for all of them at once) and starts the timers. Resolves once that first
   * snapshot is kept (never rejects); a second call resolves at once.
   */
  start(): Promise<void> {
    if (this.timers.length) return Promise.resolve();
    this.sampleNow();
    const first = this.snapshotSlicedNow();
    this.timers = [
      setInterval(() => this.sampleNow(), this.options.sampleIntervalMs),
      setInterval(() => void this.snapshotSlicedNow(), this.options.snapshotIntervalMs),
    ];
    for (const t of this.timers) t.unref();
    return first;
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

  private slicing = false;

  /**
   * Keeps one snapshot taken in slices that yield to the event loop ({@link readStoreSliced}), as the timer does: a
   * synchronous one held the loop for every series at every interval. One at a time; never rejects.
   */
  async snapshotSlicedNow(): Promise<void> {
    if (this.slicing) return;
    this.slicing = true;
    try {
      this.keep(await readStoreSliced(this.perf));
    } catch (err) {
      this.diag.warn('dashboard: store snapshot failed', err);
    } finally {
      this.slicing = false;
    }
  }

  private keep(snapshot: StoreSnapshot): void {
    const previous = this.snapshots.latest();
    const kept = this.snapshots.push(snapshot);
    if (kept !== previous && kept.takenAt > 0) this.rollups.add(previous, kept);
    this.lastSnapshotAt = Date.now();
  }
}
