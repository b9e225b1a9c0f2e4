import type { Perfkit } from '@perfkit/core';
import { analyze } from '../analysis/analyze';
import type { AnalysisThresholds } from '../analysis/thresholds';
import type { AnalysisResult } from '../analysis/types';
import type { HistoryRecorder } from '../history/HistoryRecorder';
import type { ResourceSample } from '../history/ResourceSample';
import { keepSnapshot, type KeptSnapshot, type SnapshotLayout } from '../history/KeptSnapshot';
import { deltas, rateSeries, statsBy, statsOf, type OperationStats, type SeriesDelta } from '../history/windowStats';
import { currentResources } from './ResourceService';
import type { DashboardBody, ReportBody, StatsBody, WindowBody } from './schemas';
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

/** Drops the distribution and turns the figures into the API's shape. */
export function statsBody(s: OperationStats): StatsBody {
  const { distribution: _distribution, ...rest } = s;
  return rest;
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

  /** The deltas and samples of the window that ends now. */
  view(windowMs: number, now = Date.now(), byName?: Map<string, OperationStats>): WindowView {
    return this.viewOf(this.liveSnapshot(), windowMs, now, byName);
  }

  /** The store now, as a kept snapshot (on the layout of the newest kept snapshot, else of the last live read, when its series are the same). */
  private liveSnapshot(snapshot = this.perf.snapshot()): KeptSnapshot {
    const latest = this.recorder.snapshots.latest();
    const live = keepSnapshot(snapshot, latest, this.liveLayout);
    this.liveLayout = { layout: live.layout };
    return live;
  }

  private viewOf(live: KeptSnapshot, windowMs: number, now: number, byName?: Map<string, OperationStats>): WindowView {
    const from = now - windowMs;
    const base = this.recorder.snapshots.baselineFor(from, live.startedAt);
    const d = deltas(live, base);
    const coveredFrom = base ? base.takenAt : live.startedAt;
    return {
      window: { requestedSeconds: windowMs / 1000, coveredSeconds: Math.max(0, (live.takenAt - coveredFrom) / 1000), from: coveredFrom, to: live.takenAt },
      live,
      deltas: d,
      overall: statsOf(d),
      byType: statsBy(d, (x) => x.type),
      byName: byName ?? statsBy(d, (x) => `${x.type}\u0000${x.name}`),
      samples: this.recorder.resources.sinceForAnalysis(from),
    };
  }

  /** Runs the analysis on a window. */
  analysis(v: WindowView): AnalysisResult {
    return analyze({ overall: v.overall, byType: v.byType, byName: v.byName, samples: v.samples, thresholds: this.thresholds(), now: v.window.to });
  }

  /** The dashboard summary; reused for `cacheTtlMs` per window length. */
  dashboard(windowMs: number, now = Date.now()): { body: DashboardBody; isCached: boolean } {
    const hit = this.cache.get(windowMs);
    if (hit && now - hit.at < this.cacheTtlMs) return { body: hit.body, isCached: true };
    const v = this.view(windowMs, now);
    const a = this.analysis(v);
    const recent = statsOf(deltas(v.live, this.recorder.snapshots.baselineFor(now - RECENT_ACTIVITY_MS, v.live.startedAt)));
    const recentSeconds = Math.min(RECENT_ACTIVITY_MS, Math.max(1, now - v.live.startedAt)) / 1000;
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
      recentActivity: { windowSeconds: RECENT_ACTIVITY_MS / 1000, operations: recent.total, operationsPerSecond: recent.total / recentSeconds, failures: recent.failures },
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
   * The full report, computed in slices of at most {@link SLICE_MS} that yield to the event loop between them: the store
   * read in one, its copy in the next, the window's deltas in the next, then the per-name figures (most of the work at the series cap) and
   * the analysis, so `/health` and the application answer meanwhile.
   */
  async reportSliced(windowMs: number, now = Date.now(), slicer = new Slicer()): Promise<ReportBody> {
    const snapshot = this.perf.snapshot();
    await slicer.yield();
    const live = this.liveSnapshot(snapshot);
    await slicer.yield();
    const first = this.viewOf(live, windowMs, now, new Map());
    await slicer.yield();
    const groups = new Map<string, SeriesDelta[]>();
    for (const p of first.deltas) {
      const k = `${p.type}\u0000${p.name}`;
      const g = groups.get(k);
      if (g) g.push(p);
      else groups.set(k, [p]);
    }
    const byName = new Map<string, OperationStats>();
    const byNameBody: ReportBody['byName'] = [];
    for (const [k, g] of groups) {
      const s = statsOf(g);
      byName.set(k, s);
      byNameBody.push(nameEntry(k, s));
      if (slicer.isDue) await slicer.yield();
    }
    await slicer.yield();
    const v = { ...first, byName };
    const analysis = this.analysis(v);
    await slicer.yield();
    return this.reportOf(v, now, analysis, byNameBody);
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
  typeMetrics(type: string, windowMs: number, now = Date.now()) {
    if (!this.knownTypes().has(type)) return undefined;
    const v = this.view(windowMs, now);
    const snap = this.perf.snapshot();
    const byName = [...v.byName].filter(([k]) => k.startsWith(`${type}\u0000`));
    return {
      type,
      window: v.window,
      stats: statsBody(v.byType.get(type) ?? statsOf([])),
      byName: byName.map(([k, s]) => ({ name: k.slice(type.length + 1), stats: statsBody(s) })),
      figures: snap.figures.filter((f) => f.type === type).map((f) => ({ name: f.name, values: { ...f.values } })),
      active: snap.active.filter((a) => a.type === type).reduce((n, a) => n + a.active, 0),
      points: this.points(Math.min(windowMs, 86_400_000), 300, type, now),
    };
  }

  /** Operation types known to the store (registered or seen). */
  knownTypes(): Set<string> {
    const types = new Set(this.perf.operationTypes());
    for (const s of this.perf.snapshot().series) types.add(s.type);
    return types;
  }

  /**
   * Rates and latency quantiles over the window, at most `maxPoints`: from the per-type rollups (per snapshot interval,
   * per hour for long windows), then one point from the newest snapshot to the live state.
   */
  points(windowMs: number, maxPoints: number, type?: string, now = Date.now()) {
    const latest = this.recorder.snapshots.latest();
    const rows = this.recorder.rollups.points(now - windowMs, Math.max(1, maxPoints - 1), type);
    if (!latest) return rows;
    return [...rows, ...rateSeries([latest, this.liveSnapshot()], type)];
  }

  /** What the history holds. */
  historyInfo(): { samples: number; snapshots: number; bytes: number; budgetBytes: number } {
    const r = this.recorder;
    return { samples: r.resources.size, snapshots: r.snapshots.size, bytes: r.resources.bytes + r.snapshots.bytes + r.rollups.bytes, budgetBytes: r.budgetBytes };
  }
}
