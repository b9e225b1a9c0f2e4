import type { Perfkit, StoreSnapshot } from '@perfkit/core';
import { analyze } from '../analysis/analyze';
import type { AnalysisThresholds } from '../analysis/thresholds';
import type { AnalysisResult } from '../analysis/types';
import type { HistoryRecorder } from '../history/HistoryRecorder';
import type { ResourceSample } from '../history/ResourceSample';
import { keepSnapshot, type KeptSnapshot, type SnapshotLayout } from '../history/KeptSnapshot';
import { readStoreSliced } from '../history/readStore';
import { deltas, rateSeries, statsBy, statsOf, type OperationStats, type RatePoint, type SeriesDelta } from '../history/windowStats';
import { currentResources } from './ResourceService';
import type { DashboardBody, ReportBody, WindowBody } from './schemas';
import { deltasSliced, rollupPointsSliced, statsBody, statsByNameSliced, statsByTypeSliced } from './slicedFigures';
import { Slicer } from './Slicer';

/** The window "recent activity" looks at. */
export const RECENT_ACTIVITY_MS = 5 * 60_000;

/** Everything known about one window: the deltas, their figures, the samples. */
export interface WindowView {
  readonly window: WindowBody;
  readonly live: KeptSnapshot;
  readonly deltas: SeriesDelta[];
  readonly overall: OperationStats;
  readonly byType: Map<string, OperationStats>;
  /** By `type + "\u0000" + name`. */
  readonly byName: Map<string, OperationStats>;
  readonly samples: ResourceSample[];
}

function nameEntry(key: string, s: OperationStats): ReportBody['byName'][number] {
  const [type, name] = key.split('\u0000') as [string, string];
  return { type, name, stats: statsBody(s) };
}

/** Computes the windowed figures, analysis and charts the API serves; caches the dashboard for `cacheTtlMs`. */
export class PerformanceService {
  private cache = new Map<number, { at: number; body: DashboardBody }>();
  /** The series layout of the last live snapshot: reused while no series is added, as kept snapshots do. */
  private liveLayout?: { readonly layout: SnapshotLayout };

  constructor(
    private readonly perf: Perfkit,
    private readonly recorder: HistoryRecorder,
    private readonly thresholds: () => AnalysisThresholds,
    private readonly cacheTtlMs: number,
  ) {}

  /** The deltas and samples of the window that ends now (`snapshot`: the store read to use, else one read now). */
  view(windowMs: number, now = Date.now(), byName?: Map<string, OperationStats>, snapshot?: StoreSnapshot): WindowView {
    return this.viewOf(this.liveSnapshot(snapshot), windowMs, now, byName);
  }

  /** The store read in slices ({@link readStoreSliced}), for routes that then compute from it. */
  readStore(): Promise<StoreSnapshot> {
    return readStoreSliced(this.perf);
  }

  /** Whether {@link dashboard} would answer `windowMs` from its cache now. */
  isCached(windowMs: number, now = Date.now()): boolean {
    const hit = this.cache.get(windowMs);
    return hit !== undefined && now - hit.at < this.cacheTtlMs;
  }

  /** The store now, as a kept snapshot (on the layout of the newest kept snapshot, else of the last live read, when its series are the same). */
  private liveSnapshot(snapshot = this.perf.snapshot()): KeptSnapshot {
    const latest = this.recorder.snapshots.latest();
    const live = keepSnapshot(snapshot, latest, this.liveLayout);
    this.liveLayout = { layout: live.layout };
    return live;
  }

  /** The window that ends at `live`, and the kept snapshot its deltas start from. */
  private windowOf(live: KeptSnapshot, windowMs: number, now: number): { window: WindowBody; base: KeptSnapshot | undefined } {
    const base = this.recorder.snapshots.baselineFor(now - windowMs, live.startedAt);
    const coveredFrom = base ? base.takenAt : live.startedAt;
    return { window: { requestedSeconds: windowMs / 1000, coveredSeconds: Math.max(0, (live.takenAt - coveredFrom) / 1000), from: coveredFrom, to: live.takenAt }, base };
  }

  private viewOf(live: KeptSnapshot, windowMs: number, now: number, byName?: Map<string, OperationStats>): WindowView {
    const { window, base } = this.windowOf(live, windowMs, now);
    const d = deltas(live, base);
    return {
      window,
      live,
      deltas: d,
      overall: statsOf(d),
      byType: statsBy(d, (x) => x.type),
      byName: byName ?? statsBy(d, (x) => `${x.type}\u0000${x.name}`),
      samples: this.recorder.resources.sinceForAnalysis(now - windowMs),
    };
  }

  /** Runs the analysis on a window. */
  analysis(v: WindowView): AnalysisResult {
    return analyze({ overall: v.overall, byType: v.byType, byName: v.byName, samples: v.samples, thresholds: this.thresholds(), now: v.window.to });
  }

  /** The dashboard summary; reused for `cacheTtlMs` per window length. */
  dashboard(windowMs: number, now = Date.now(), snapshot?: StoreSnapshot): { body: DashboardBody; isCached: boolean } {
    const hit = this.cache.get(windowMs);
    if (hit && now - hit.at < this.cacheTtlMs) return { body: hit.body, isCached: true };
    const v = this.view(windowMs, now, undefined, snapshot);
    const a = this.analysis(v);
    const recentBase = this.recorder.snapshots.baselineFor(now - RECENT_ACTIVITY_MS, v.live.startedAt);
    const recent = statsOf(deltas(v.live, recentBase));
    // The count runs from the baseline, up to a snapshot interval (more once thinned) before the 5 minutes: the rate is
    // over the time it really covers, not over 300 s.
    const recentSeconds = Math.max(1, v.live.takenAt - (recentBase ? recentBase.takenAt : v.live.startedAt)) / 1000;
    const active = this.perf.activeOperations();
    const body: DashboardBody = {
      generatedAt: now,
      window: v.window,
      performanceSummary: {
        totalOperations: v.overall.total,
        failures: v.overall.failures,
        successRate: v.overall.successRate,
        averageDurationSeconds: v.overall.averageSeconds,
        p95DurationSeconds: v.overall.p95Seconds,
      },
      currentResources: currentResources(this.recorder),
      operationsByType: Object.fromEntries([...v.byType].map(([k, s]) => [k, statsBody(s)])),
      recentActivity: { windowSeconds: RECENT_ACTIVITY_MS / 1000, coveredSeconds: recentSeconds, operations: recent.total, operationsPerSecond: recent.total / recentSeconds, failures: recent.failures },
      activeOperations: { total: active.reduce((n, o) => n + o.active, 0), operations: active },
      bottlenecks: a.bottlenecks,
      recommendations: a.recommendations,
      resourceTrends: a.trends,
      forecasts: a.forecasts,
      score: a.score,
    };
    this.cache.set(windowMs, { at: now, body });
    if (this.cache.size > 16) this.cache.delete(this.cache.keys().next().value!);
    return { body, isCached: false };
  }

  /** Forgets cached dashboards (after an explicit analysis run). */
  invalidate(): void {
    this.cache.clear();
  }

  /**
   * The full report (the same body as {@link report}), computed in slices that yield to the event loop once
   * {@link SLICE_YIELD_MS} have passed, so `/health` and the application answer meanwhile: the store read in the core's
   * own slices (`perf.snapshotSliced()`; one synchronous pass with a core that lacks it), its copy in the next turn,
   * then the window's deltas, the per-type and per-name figures, each checking the slice clock every few dozen series
   * or every name, then the analysis and the body.
   */
  async reportSliced(windowMs: number, now = Date.now(), slicer = new Slicer()): Promise<ReportBody> {
    const snapshot = await this.readStore();
    await slicer.yield();
    const live = this.liveSnapshot(snapshot);
    await slicer.yield();
    const { window, base } = this.windowOf(live, windowMs, now);
    const d = await deltasSliced(live, base, slicer);
    const overall = statsOf(d);
    if (slicer.isDue) await slicer.yield();
    const byType = await statsByTypeSliced(d, slicer);
    const { byName, entries } = await statsByNameSliced(d, slicer);
    const v: WindowView = { window, live, deltas: d, overall, byType, byName, samples: this.recorder.resources.sinceForAnalysis(now - windowMs) };
    await slicer.yield();
    const analysis = this.analysis(v);
    await slicer.yield();
    return this.reportOf(v, now, analysis, entries);
  }

  /** The full report: every type and name, and the analysis. */
  report(windowMs: number, now = Date.now()): ReportBody {
    const v = this.view(windowMs, now);
    return this.reportOf(v, now, this.analysis(v), [...v.byName].map(([k, s]) => nameEntry(k, s)));
  }

  private reportOf(v: WindowView, now: number, analysis: AnalysisResult, byName: ReportBody['byName']): ReportBody {
    return {
      generatedAt: now,
      window: v.window,
      overall: statsBody(v.overall),
      byType: Object.fromEntries([...v.byType].map(([k, s]) => [k, statsBody(s)])),
      byName,
      analysis,
      history: this.historyInfo(),
    };
  }

  /** One type's figures, per name, counters, active count and rates; undefined for a type the store does not know. */
  typeMetrics(type: string, windowMs: number, now = Date.now(), snapshot?: StoreSnapshot) {
    // One copy of the store for the type check, the window, the figures and the last point (it was four: four passes
    // over every series a request).
    const snap = snapshot ?? this.perf.snapshot();
    if (!this.knownTypes(snap).has(type)) return undefined;
    const v = this.viewOf(this.liveSnapshot(snap), windowMs, now);
    const byName = [...v.byName].filter(([k]) => k.startsWith(`${type}\u0000`));
    return {
      type,
      window: v.window,
      stats: statsBody(v.byType.get(type) ?? statsOf([])),
      byName: byName.map(([k, s]) => ({ name: k.slice(type.length + 1), stats: statsBody(s) })),
      figures: snap.figures.filter((f) => f.type === type).map((f) => ({ name: f.name, values: { ...f.values } })),
      active: snap.active.filter((a) => a.type === type).reduce((n, a) => n + a.active, 0),
      points: this.points(Math.min(windowMs, 86_400_000), 300, type, now, v.live),
    };
  }

  /** Operation types known to the store (registered or seen). */
  knownTypes(snapshot: StoreSnapshot = this.perf.snapshot()): Set<string> {
    const types = new Set(this.perf.operationTypes());
    for (const s of snapshot.series) types.add(s.type);
    return types;
  }

  /**
   * The window and {@link points} for `/history`, in slices (the store read in the core's slices, then one rollup point
   * per unit; a 31-day window at 2,000 points merges ~800 rows of every type, 14 ms of CPU in one piece), from one live
   * snapshot.
   */
  async historySliced(windowMs: number, maxPoints: number, type?: string, now = Date.now(), slicer = new Slicer()): Promise<{ window: WindowBody; type: string | null; points: RatePoint[] }> {
    // The store read in the core's slices (the page polls this route every 2 s), its copy in a turn of its own.
    const snapshot = await this.readStore();
    await slicer.yield();
    // The newest kept snapshot and the rows are picked in the turn of the live copy: a snapshot the recorder keeps
    // meanwhile would be counted twice. One kept during the read, after it, is newer than the live state: the live
    // point is then left out (no time between them), as the rows already reach it.
    const latest = this.recorder.snapshots.latest();
    const live = this.liveSnapshot(snapshot);
    const { window } = this.windowOf(live, windowMs, now);
    const rowGroups = this.recorder.rollups.pointRows(now - windowMs, Math.max(1, maxPoints - 1));
    if (slicer.isDue) await slicer.yield();
    const rows = await rollupPointsSliced(rowGroups, type, slicer);
    return { window, type: type ?? null, points: latest ? [...rows, ...rateSeries([latest, live], type)] : rows };
  }

  /**
   * Rates and latency quantiles over the window, at most `maxPoints`: from the per-type rollups (per snapshot interval,
   * per hour for long windows), then one point from the newest snapshot to the live state.
   */
  points(windowMs: number, maxPoints: number, type?: string, now = Date.now(), live?: KeptSnapshot) {
    const latest = this.recorder.snapshots.latest();
    const rows = this.recorder.rollups.points(now - windowMs, Math.max(1, maxPoints - 1), type);
    if (!latest) return rows;
    return [...rows, ...rateSeries([latest, live ?? this.liveSnapshot()], type)];
  }

  /** What the history holds. */
  historyInfo(): { samples: number; snapshots: number; bytes: number; budgetBytes: number } {
    const r = this.recorder;
    return { samples: r.resources.size, snapshots: r.snapshots.size, bytes: r.resources.bytes + r.snapshots.bytes + r.rollups.bytes, budgetBytes: r.budgetBytes };
  }
}
