import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import { ApiError, clip, getJson } from './api';
import { dashboardShape, operationHistoryShape, resourceHistoryShape, type Dashboard, type OperationHistory, type ResourceHistory, type RatePoint } from './answers';
import type { Check } from './shape';
import { bytes, count, percent, seconds } from './format';

type Num = number | null;

const REFRESH_MS = Math.max(500, Number(new URLSearchParams(location.search).get('refresh')) || 2000);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Tiles: id, label, how to read the raw value from the dashboard, how to show it, how to colour it. */
const TILES: Array<{ id: string; label: string; raw: (d: Dashboard) => Num; show: (v: Num) => string; tone?: (v: number) => string }> = [
  { id: 'score', label: 'Score', raw: (d) => d.score.value, show: (v) => count(v), tone: (v) => (v >= 90 ? 'good' : v >= 70 ? 'warn' : 'bad') },
  { id: 'totalOperations', label: 'Operations (window)', raw: (d) => d.performanceSummary.totalOperations, show: count },
  { id: 'successRate', label: 'Success rate', raw: (d) => d.performanceSummary.successRate, show: percent, tone: (v) => (v >= 0.99 ? 'good' : v >= 0.95 ? 'warn' : 'bad') },
  { id: 'averageDuration', label: 'Average duration', raw: (d) => d.performanceSummary.averageDurationSeconds, show: seconds },
  { id: 'p95Duration', label: 'p95 duration', raw: (d) => d.performanceSummary.p95DurationSeconds, show: seconds },
  { id: 'recentRate', label: 'Ops/s (last 5 min)', raw: (d) => d.recentActivity.operationsPerSecond, show: (v) => (v === null ? '–' : v.toFixed(1)) },
  { id: 'active', label: 'Active operations', raw: (d) => d.activeOperations.total, show: count },
  { id: 'cpu', label: 'CPU', raw: (d) => d.currentResources.cpuUtilization as Num, show: percent },
  { id: 'memory', label: 'Memory', raw: (d) => d.currentResources.memoryUtilization as Num, show: percent },
  { id: 'diskFree', label: 'Disk free', raw: (d) => d.currentResources.diskFreeBytes as Num, show: bytes },
  { id: 'gpu', label: 'GPU', raw: (d) => d.currentResources.gpuUtilization as Num, show: percent },
  { id: 'gpuMemory', label: 'GPU memory', raw: (d) => d.currentResources.gpuMemoryUsedBytes as Num, show: bytes },
];

function buildTiles(): void {
  $('tiles').innerHTML = TILES.map((t) => `<div class="tile" data-tile="${t.id}"><span class="label">${t.label}</span><span class="value" data-raw="">–</span></div>`).join('');
}

function renderTiles(d: Dashboard): void {
  for (const t of TILES) {
    const el = document.querySelector<HTMLElement>(`[data-tile="${t.id}"]`)!;
    const v = t.raw(d);
    const value = el.querySelector<HTMLElement>('.value')!;
    value.textContent = t.show(v);
    value.dataset.raw = v === null ? '' : String(v);
    el.className = `tile ${v !== null && t.tone ? t.tone(v) : ''}`;
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const rows = (id: string, html: string[], cols: number) => {
  $(id).querySelector('tbody')!.innerHTML = html.length ? html.join('') : `<tr><td class="empty" colspan="${cols}">none</td></tr>`;
};
const list = (id: string, items: string[]) => {
  $(id).innerHTML = items.length ? items.join('') : '<li class="empty">none</li>';
};

function renderTables(d: Dashboard): void {
  rows('by-type', Object.entries(d.operationsByType).sort((a, b) => b[1].total - a[1].total).map(([type, s]) =>
    `<tr data-type="${esc(type)}"><td>${esc(type)}</td><td>${count(s.total)}</td><td>${percent(s.successRate)}</td><td>${seconds(s.averageSeconds)}</td><td>${seconds(s.p95Seconds)}</td></tr>`), 5);
  rows('active', d.activeOperations.operations.map((o) => `<tr><td>${esc(o.type)}</td><td>${esc(o.name)}</td><td>${o.active}</td></tr>`), 3);
  list('bottlenecks', d.bottlenecks.map((b) => `<li class="${esc(b.severity)}" data-id="${esc(b.id)}">${esc(b.message)}</li>`));
  list('recommendations', d.recommendations.map((r) => `<li data-id="${esc(r.id)}">${esc(r.message)}</li>`));
  const runsOut = new Map(d.forecasts.map((f) => [f.resource, f.secondsUntilExhausted]));
  rows('trends', Object.entries(d.resourceTrends).filter(([, t]) => t.samples > 0).map(([r, t]) => {
    const slope = t.slopePerHour === null ? '–' : perHour(r, t.slopePerHour);
    const limit = t.thresholdPerHour === null ? '' : ` (beyond ±${perHour(r, t.thresholdPerHour).replace(/^\+/, '')})`;
    const left = runsOut.get(r);
    const trend = t.direction === 'unknown' ? `collecting (${t.samples} samples)` : `${t.direction}${limit}`;
    return `<tr data-resource="${esc(r)}" data-direction="${esc(t.direction)}"><td>${esc(r.replace('_', ' '))}</td><td class="trend">${esc(trend)}</td><td class="slope">${esc(slope)}</td><td>${left === undefined ? '–' : `${(left / 3600).toFixed(1)} h`}</td></tr>`;
  }), 4);
  list('deductions', d.score.deductions.map((x) => `<li>−${x.points}: ${esc(x.reason)}</li>`));
}

/** A slope per hour with its unit: seconds for the event-loop delay, percentage points for ratios. */
function perHour(resource: string, v: number): string {
  const sign = v >= 0 ? '+' : '−';
  return resource === 'event_loop' ? `${sign}${seconds(Math.abs(v))}/h` : `${sign}${Math.abs(v * 100).toFixed(2)} pts/h`;
}

/** The time axis: with one point (or none) uPlot would span years; show the last minutes around it instead. */
function timeRange(t: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < t.length; i++) if (Number.isFinite(t[i]!)) (lo = Math.min(lo, t[i]!)), (hi = Math.max(hi, t[i]!));
  if (!Number.isFinite(hi)) lo = hi = Date.now() / 1000;
  return hi - lo < 60 ? [hi - 300, hi + 10] : [lo, hi];
}

const COLORS = ['#58a6ff', '#d29922', '#f85149', '#3fb950', '#bc8cff'];
const CHART_HEIGHT = 190;
/** A chart's width: its figure's content box (8 px of padding each side), at least 300 px. */
const chartWidth = (figure: HTMLElement) => Math.max(300, figure.clientWidth - 16);
const charts = new Map<string, uPlot>();

function chart(id: string, labels: string[], data: uPlot.AlignedData, value: (v: number) => string, range?: [number, number]): void {
  const el = $(id);
  el.dataset.points = String(data[0].length);
  // No point yet: one empty point at "now", so the time axis shows the minutes around it, not uPlot's default span.
  if (data[0].length === 0) data = [[Date.now() / 1000], ...labels.map(() => [null])] as unknown as uPlot.AlignedData;
  const [lo, hi] = timeRange(data[0] as ArrayLike<number>);
  const existing = charts.get(id);
  if (existing) {
    existing.setData(data, false);
    existing.setScale('x', { min: lo, max: hi });
    return;
  }
  const opts: uPlot.Options = {
    width: chartWidth(el),
    height: CHART_HEIGHT,
    series: [{}, ...labels.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 1.5, value: (_u: uPlot, v: number | null) => (v === null ? '–' : value(v)) }))],
    axes: [{ stroke: '#8b98a5', grid: { stroke: '#2d3741' } }, { stroke: '#8b98a5', grid: { stroke: '#2d3741' }, size: 60, values: (_u, vals) => vals.map((v) => value(v)) }],
    scales: { x: { time: true, auto: false, range: [lo, hi] }, ...(range ? { y: { range } } : {}) },
    legend: { live: false },
    // The axis span, for tests and for anyone inspecting the page.
    hooks: { setScale: [(u: uPlot, key: string) => void (key === 'x' && ((el.dataset.xMin = String(u.scales.x!.min)), (el.dataset.xMax = String(u.scales.x!.max))))] },
  };
  const plot = new uPlot(opts, data, el);
  charts.set(id, plot);
  // uPlot draws at a fixed size: without this a chart kept the width of the first layout, overlapping its neighbours
  // (or leaving a gap) once the window was resized or the grid changed its number of columns.
  new ResizeObserver(() => {
    const width = chartWidth(el);
    if (width !== plot.width) plot.setSize({ width, height: CHART_HEIGHT });
  }).observe(el);
}

function renderOperationCharts(points: RatePoint[]): void {
  const t = points.map((p) => p.t / 1000);
  chart('chart-latency', ['p50', 'p95', 'p99'], [t, points.map((p) => p.p50Seconds), points.map((p) => p.p95Seconds), points.map((p) => p.p99Seconds)], seconds);
  chart('chart-rates', ['ops/s', 'failures/s'], [t, points.map((p) => p.operationsPerSecond), points.map((p) => p.failuresPerSecond)], (v) => v.toFixed(2));
  chart('chart-errors', ['failure ratio'], [t, points.map((p) => (p.operationsPerSecond > 0 ? p.failuresPerSecond / p.operationsPerSecond : null))], percent, [0, 1]);
}

function renderHostCharts(h: ResourceHistory): void {
  const t = h.t.map((x) => x / 1000);
  const v = h.values;
  chart('chart-host', ['CPU', 'memory', 'disk'], [t, v.cpuUtilization ?? [], v.memoryUtilization ?? [], v.diskUtilization ?? []], percent, [0, 1]);
  chart('chart-gpu', ['GPU', 'GPU memory'], [t, v.gpuUtilization ?? [], v.gpuMemoryUtilization ?? []], percent, [0, 1]);
  const hasGpu = (v.gpuUtilization ?? []).some((x) => x !== null) || (v.gpuMemoryUtilization ?? []).some((x) => x !== null);
  $('chart-gpu').querySelector('figcaption')!.textContent = `GPU: utilization, memory${hasGpu ? '' : ' (no GPU reported)'}`;
}

const KEY_ITEM = 'perfkit-api-key';
let apiKey = sessionStorage.getItem(KEY_ITEM) ?? '';
/** Where the key in use came from: this tab's storage (an earlier load) or the key form. */
let keySource: 'stored' | 'entered' = 'stored';
/** A key the server refused since the last one entered, and where it came from: the status line keeps saying so. */
let refusedKey: 'stored' | 'entered' | undefined;
/** How long one answer may take (`?timeout=ms`): a request left hanging must not stop the refreshes for good. */
const TIMEOUT_MS = Math.max(1000, Number(new URLSearchParams(location.search).get('timeout')) || 20_000);

const get = <T>(path: string, shape: Check) => getJson<T>(path, { apiKey, timeoutMs: TIMEOUT_MS, shape });

/**
 * Forgets a key the server answered 401 to: kept, it went out again with every refresh and every reload of the tab,
 * refused every time, until a new one was entered.
 */
function forgetRefusedKey(sentKey: string): void {
  if (!sentKey || sentKey !== apiKey) return;
  refusedKey = keySource;
  apiKey = '';
  sessionStorage.removeItem(KEY_ITEM);
}

/**
 * What the status line says about a failed refresh: the server's own code and message (as text, bounded by
 * {@link getJson}) and, for a key problem, how to supply the key.
 */
function describe(err: unknown): string {
  if (!(err instanceof ApiError)) return clip(`the page failed to show the answer: ${String((err as Error)?.message ?? err)}`);
  const said = err.code ? `${err.code}: ${err.message}` : err.message;
  if (err.status === undefined) {
    const retry = `retrying every ${REFRESH_MS / 1000} s`;
    return err.code === 'timeout' ? `${said} from ${location.host}; ${retry}` : `${said} at ${location.host}; ${retry}`;
  }
  if (err.status === 401) {
    const ask = "enter the service's key (its apiKey, PERFKIT_DASHBOARD_API_KEY) above.";
    if (refusedKey === 'stored') return `${said}. The stored API key was refused and has been forgotten: ${ask}`;
    return refusedKey === 'entered' ? `${said}. The API key entered was refused: ${ask}` : `${said}. This dashboard needs an API key: ${ask}`;
  }
  if (err.code === 'api_key_required') {
    return `${said}. Or open this page on the service's own machine (http://127.0.0.1); once the service has a key, this page asks for it.`;
  }
  return err.code ? `${said} (HTTP ${err.status})` : said;
}

/** The three answers of one refresh; waits for all of them (none left out when the next refresh starts). */
async function getAll<A, B, C>(calls: [[string, Check], [string, Check], [string, Check]]): Promise<[A, B, C]> {
  const settled = await Promise.allSettled([get<A>(...calls[0]), get<B>(...calls[1]), get<C>(...calls[2])]);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [A, B, C];
}

/** When the figures shown were fetched, and for which window; none before the first good refresh. */
let shown: { at: Date; window: string } | undefined;
/** When the first refresh failed since the last good one: the figures have been out of date since then. */
let staleSince: Date | undefined;

/** `HH:MM:SS` in the page's local time, whatever the browser's locale. */
const clock = (t: Date) => [t.getHours(), t.getMinutes(), t.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');

/**
 * The last refresh failed: the figures stay (the last known state is still worth reading) but are dimmed, under a
 * marker that says since when they are out of date. Before any good refresh there is nothing to mark.
 */
function markStale(): void {
  if (!shown) return;
  staleSince ??= new Date();
  const marker = $('stale');
  marker.textContent = `stale since ${clock(staleSince)}: the figures below are from ${clock(shown.at)} (${shown.window} window) and are not being updated`;
  marker.hidden = false;
  document.querySelector('main')!.classList.add('stale');
}

/** A good refresh: the figures are current again. */
function markFresh(window: string): void {
  shown = { at: new Date(), window };
  staleSince = undefined;
  $('stale').hidden = true;
  document.querySelector('main')!.classList.remove('stale');
}

/** The newest refresh started; only its answers are shown. */
let newestRefresh = 0;
let isRefreshing = false;

/**
 * Fetches and shows the three answers. A refresh overtaken by a newer one (the window was switched, a key entered)
 * shows nothing: its answers, for the old window, may arrive after the new ones (a 24 h report is the slowest).
 */
async function refresh(): Promise<void> {
  const id = ++newestRefresh;
  const sentKey = apiKey;
  isRefreshing = true;
  const window = ($('window') as HTMLSelectElement).value;
  const chartWindow = window === '24h' ? '1h' : window;
  try {
    const [d, ops, host] = await getAll<Dashboard, OperationHistory, ResourceHistory>([
      [`/api/v1/performance/dashboard?window=${window}`, dashboardShape],
      [`/api/v1/performance/history?window=${chartWindow}&maxPoints=240`, operationHistoryShape],
      [`/api/v1/resources/history?window=${chartWindow}&maxPoints=240`, resourceHistoryShape],
    ]);
    if (id !== newestRefresh) return;
    renderTiles(d);
    renderTables(d);
    renderOperationCharts(ops.points);
    renderHostCharts(host);
    const status = $('status');
    status.className = 'status';
    delete status.dataset.code;
    status.title = '';
    status.textContent = `updated ${new Date().toLocaleTimeString()} · covers ${Math.round(d.window.coveredSeconds)} s of ${window}`;
    markFresh(window);
    document.body.dataset.generatedAt = String((d as unknown as { generatedAt: number }).generatedAt);
    document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
  } catch (err) {
    // A refresh overtaken (a key entered, the window switched) says nothing: the newer one will.
    if (id !== newestRefresh) return;
    if (err instanceof ApiError && err.status === 401) {
      forgetRefusedKey(sentKey);
      $('key-form').hidden = false;
    }
    markStale();
    const status = $('status');
    status.className = 'status error';
    // textContent, never innerHTML: the message comes from the server (or whatever answered in its place).
    status.textContent = describe(err);
    status.dataset.code = err instanceof ApiError ? (err.code ?? `http_${err.status ?? 0}`) : 'page_error';
    status.title = err instanceof ApiError ? err.path : '';
  } finally {
    if (id === newestRefresh) isRefreshing = false;
  }
}

buildTiles();
$('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  apiKey = ($('key') as HTMLInputElement).value;
  keySource = 'entered';
  refusedKey = undefined;
  sessionStorage.setItem(KEY_ITEM, apiKey);
  $('key-form').hidden = true;
  void refresh();
});
$('window').addEventListener('change', () => void refresh());
void refresh();
// A tick while a refresh is still out waits for the next one: a slow server gets one set of requests at a time, not a
// pile of them, and a refresh is never overtaken (and dropped) by the timer, only by the user.
setInterval(() => void (isRefreshing || refresh()), REFRESH_MS);
