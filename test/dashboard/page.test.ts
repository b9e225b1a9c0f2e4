/**
 * The live page in a real headless Chromium (the system browser, driven by playwright-core) against the example
 * service with traffic: it must fill its tiles, tables and charts with the numbers the JSON API gives, update
 * without a reload, load nothing from elsewhere, show a sensible time axis and trend table from the first minute,
 * and leave screenshots in a temporary folder (PERFKIT_UPDATE_SCREENSHOTS=1 also writes docs/img/dashboard.png).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createPerfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import { REPO_ROOT, startExample, type StartedExample } from '../helpers';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-page-shots-'));
const README_SHOT = path.join(REPO_ROOT, 'docs', 'img', 'dashboard.png');
const REFRESH_MS = 1000;

let example: StartedExample;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const dashboards = new Map<number, any>();
const origins = new Set<string>();

const tile = (p: Page, id: string) => p.$eval(`[data-tile="${id}"] .value`, (el) => ({ text: el.textContent ?? '', raw: (el as HTMLElement).dataset.raw ?? '' }));
const points = (p: Page, chart: string) => p.$eval(`#${chart}`, (el) => Number((el as HTMLElement).dataset.points));
const updates = (p: Page) => p.evaluate(() => Number(document.body.dataset.updates ?? 0));

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'packages', 'dashboard', 'scripts', 'build-page.mjs')], { stdio: 'pipe' });
  example = await startExample({
    traffic: 30,
    knobs: { downloadFailureRate: 0.6 },
    env: { PERFKIT_DASHBOARD_SNAPSHOT_INTERVAL_MS: '500', PERFKIT_DASHBOARD_SAMPLE_INTERVAL_MS: '500', PERFKIT_DASHBOARD_CACHE_TTL_MS: '0' },
  });
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1440, height: 1100 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('request', (r) => origins.add(new URL(r.url()).origin));
  page.on('response', (r) => {
    if (!r.url().includes('/api/v1/performance/dashboard')) return;
    r.json().then((body: any) => dashboards.set(body.generatedAt, body), () => undefined);
  });
  await page.goto(`${String(example.ready.dashboard)}?refresh=${REFRESH_MS}`);
}, 60_000);

afterAll(async () => {
  fs.rmSync(SHOTS, { recursive: true, force: true });
  await context?.close();
  await example?.stop();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

/**
 * Every chart's time axis spans minutes to hours around now (never years), and every trend row says its slope with
 * "/h" and a word that agrees with the slope against the threshold the API gives.
 */
async function checkAxesAndTrends(p: Page, answers: (generatedAt: number) => any): Promise<void> {
  const now = Date.now() / 1000;
  // One evaluate reads everything at once: the page cannot refresh in between.
  let view: { generatedAt: number; axes: Array<{ id: string; min: number; max: number }>; rows: Array<{ resource: string; direction: string; trend: string; slope: string }> } | undefined;
  let api: any;
  for (let i = 0; i < 50 && !api; i++) {
    if (i) await new Promise((r) => setTimeout(r, 100));
    view = await p.evaluate(() => ({
      generatedAt: Number(document.body.dataset.generatedAt),
      axes: [...document.querySelectorAll<HTMLElement>('[id^="chart-"][data-x-min]')].map((e) => ({ id: e.id, min: Number(e.dataset.xMin), max: Number(e.dataset.xMax) })),
      rows: [...document.querySelectorAll<HTMLElement>('#trends tbody tr[data-resource]')].map((r) => ({ resource: r.dataset.resource!, direction: r.dataset.direction!, trend: r.querySelector('.trend')!.textContent!, slope: r.querySelector('.slope')!.textContent! })),
    }));
    api = answers(view.generatedAt);
  }
  expect(api).toBeDefined();
  const { axes, rows } = view!;
  expect(axes.length).toBeGreaterThanOrEqual(4);
  for (const a of axes) {
    expect({ id: a.id, finite: Number.isFinite(a.min) && Number.isFinite(a.max) }).toEqual({ id: a.id, finite: true });
    expect(a.max - a.min).toBeGreaterThan(0);
    expect(a.max - a.min).toBeLessThanOrEqual(2 * 3600);
    expect(Math.abs(a.max - now)).toBeLessThan(3600);
  }
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    const t = api.resourceTrends[r.resource];
    expect(r.direction).toBe(t.direction);
    if (t.slopePerHour === null) {
      expect(r.slope).toBe('–');
      expect(r.trend).toMatch(/^collecting \(\d+ samples\)$/);
      continue;
    }
    expect(r.slope).toMatch(r.resource === 'event_loop' ? /^[+−][\d.]+ (µs|ms|s)\/h$|^[+−]0\/h$/ : /^[+−]\d+\.\d\d pts\/h$/);
    expect(r.trend).toMatch(/\/h\)$/);
    // The word agrees with the slope against the threshold (worked out here, not read from the page's own logic).
    const expected = Math.abs(t.slopePerHour) <= t.thresholdPerHour ? 'stable' : t.slopePerHour > 0 ? 'increasing' : 'decreasing';
    expect(r.trend.startsWith(expected)).toBe(true);
  }
}

/** Tiles, tables and the answer they show, read in one evaluate (the page cannot refresh in between). */
function readPage(p: Page) {
  return p.evaluate(() => ({
      tiles: Object.fromEntries([...document.querySelectorAll<HTMLElement>('[data-tile]')].map((t) => [t.dataset.tile, (t.querySelector('.value') as HTMLElement).dataset.raw])),
      texts: Object.fromEntries([...document.querySelectorAll<HTMLElement>('[data-tile]')].map((t) => [t.dataset.tile, t.querySelector('.value')!.textContent])),
      types: [...document.querySelectorAll<HTMLElement>('#by-type tbody tr[data-type]')].map((r) => r.dataset.type),
      bottlenecks: [...document.querySelectorAll<HTMLElement>('#bottlenecks li[data-id]')].map((e) => e.dataset.id),
      recommendations: [...document.querySelectorAll<HTMLElement>('#recommendations li[data-id]')].map((e) => e.dataset.id),
      trends: [...document.querySelectorAll<HTMLElement>('#trends tbody tr[data-resource]')].map((r) => r.dataset.resource),
      generatedAt: Number(document.body.dataset.generatedAt),
  }));
}

describe('the page in the first minute (one history point)', () => {
  it('labels the time axis around now and says the trends are still collecting', async () => {
    const fresh = await startExample({ traffic: 20, timeoutMs: 45_000 });
    const p = await context.newPage();
    const seen: any[] = [];
    p.on('response', (r) => {
      if (r.url().includes('/api/v1/performance/dashboard')) r.json().then((b: any) => seen.push(b), () => undefined);
    });
    try {
      await p.goto(`${String(fresh.ready.dashboard)}?refresh=${REFRESH_MS}`);
      // The first host sample comes with the dashboard's first sampling tick after the host plug-in's first collection.
      await p.waitForFunction(() => Number(document.body.dataset.updates ?? 0) >= 2 && document.querySelectorAll('[data-x-min]').length >= 4 && document.querySelectorAll('#trends tbody tr[data-resource]').length > 0, undefined, { timeout: 40_000 });
      // One snapshot so far: the operation charts have at most the first interval and the live point.
      expect(await points(p, 'chart-rates')).toBeLessThanOrEqual(2);
      await checkAxesAndTrends(p, (at) => seen.find((b) => b.generatedAt === at && b.window.coveredSeconds < 60));
      const trends = await p.$$eval('#trends tbody tr[data-resource] .trend', (els) => els.map((e) => e.textContent));
      expect(trends.every((t) => /^collecting/.test(t!))).toBe(true);
      const shot = path.join(SHOTS, 'first-minute.png');
      await p.screenshot({ path: shot, fullPage: true });
      expect(fs.statSync(shot).size).toBeGreaterThan(20_000);
    } finally {
      await p.close();
      await fresh.stop();
    }
  }, 60_000);
});

describe('dashboard page on the example service', () => {
  it('loads only from the service itself (no CDN)', async () => {
    await page.waitForFunction(() => Number(document.body.dataset.updates ?? 0) >= 1, undefined, { timeout: 20_000 });
    expect([...origins]).toEqual([new URL(example.app).origin]);
    const refs = await page.$$eval('script[src], link[href]', (els) => els.map((e) => e.getAttribute('src') ?? e.getAttribute('href')));
    expect(refs.every((s) => s!.startsWith('/assets/'))).toBe(true);
  });

  it('updates itself without a reload and draws the charts with data', async () => {
    await waitUntil('charts with data', async () => {
      const counts = await Promise.all(['chart-latency', 'chart-rates', 'chart-errors'].map((c) => points(page, c)));
      // Host samples come at the host plug-in's own interval (5 s in the example), so fewer points there.
      return counts.every((n) => n >= 4) && (await points(page, 'chart-host')) >= 2;
    });
    const before = await updates(page);
    const firstTotal = Number((await tile(page, 'totalOperations')).raw);
    await waitUntil('two more updates', async () => (await updates(page)) >= before + 2);
    expect(Number((await tile(page, 'totalOperations')).raw)).toBeGreaterThan(firstTotal);
    const inked = await page.$$eval('#chart-latency canvas, #chart-rates canvas, #chart-host canvas', (canvases) =>
      canvases.map((c) => {
        const cv = c as HTMLCanvasElement;
        const data = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      }),
    );
    expect(inked).toHaveLength(3);
    for (const n of inked) expect(n).toBeGreaterThan(200);
  });

  it('shows tiles, tables and findings equal to the API response it rendered, and close to a fresh one', async () => {
    await waitUntil('a failure-rate bottleneck and host figures on the page', async () => {
      const failing = (await page.$$('#bottlenecks li[data-id^="high_failure_rate:"]')).length > 0;
      const host = await Promise.all(['cpu', 'memory', 'diskFree'].map(async (id) => (await tile(page, id)).raw !== ''));
      return failing && host.every(Boolean);
    }, 45_000);
    let snapshot: Awaited<ReturnType<typeof readPage>> | undefined;
    let api: any;
    for (let i = 0; i < 50 && !api; i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      snapshot = await readPage(page);
      api = dashboards.get(snapshot.generatedAt);
    }
    expect(api).toBeDefined();
    snapshot = snapshot!;
    const s = api.performanceSummary;
    expect(s.totalOperations).toBeGreaterThan(50);
    expect(Number(snapshot.tiles.totalOperations)).toBe(s.totalOperations);
    expect(Number(snapshot.tiles.successRate)).toBe(s.successRate);
    expect(Number(snapshot.tiles.averageDuration)).toBe(s.averageDurationSeconds);
    expect(Number(snapshot.tiles.p95Duration)).toBe(s.p95DurationSeconds);
    expect(Number(snapshot.tiles.score)).toBe(api.score.value);
    expect(Number(snapshot.tiles.recentRate)).toBe(api.recentActivity.operationsPerSecond);
    expect(Number(snapshot.tiles.active)).toBe(api.activeOperations.total);
    expect(Number(snapshot.tiles.cpu)).toBe(api.currentResources.cpuUtilization);
    expect(Number(snapshot.tiles.memory)).toBe(api.currentResources.memoryUtilization);
    expect(Number(snapshot.tiles.diskFree)).toBe(api.currentResources.diskFreeBytes);
    expect(snapshot.texts.successRate).toBe(`${(s.successRate * 100).toFixed(1)}%`);
    for (const id of ['totalOperations', 'successRate', 'averageDuration', 'p95Duration', 'cpu', 'memory', 'diskFree']) expect(snapshot.texts[id]).not.toBe('–');
    expect(snapshot.types.sort()).toEqual(Object.keys(api.operationsByType).sort());
    expect(snapshot.bottlenecks).toEqual(api.bottlenecks.map((b: any) => b.id));
    expect(snapshot.recommendations).toEqual(api.recommendations.map((r: any) => r.id));
    expect(snapshot.trends).toEqual(Object.entries(api.resourceTrends).filter(([, t]: [string, any]) => t.samples > 0).map(([r]) => r));
    expect(snapshot.trends).toContain('memory');

    const fresh = (await (await fetch(`${example.app}/api/v1/performance/dashboard?window=24h`)).json()) as any;
    expect(fresh.performanceSummary.totalOperations).toBeGreaterThanOrEqual(s.totalOperations);
    expect(fresh.performanceSummary.totalOperations - s.totalOperations).toBeLessThan(500);
    expect(Object.keys(fresh.operationsByType)).toEqual(expect.arrayContaining(Object.keys(api.operationsByType)));

    await checkAxesAndTrends(page, (at) => dashboards.get(at));
    const shot = path.join(SHOTS, 'knobs-on.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(20_000);
    if (process.env.PERFKIT_UPDATE_SCREENSHOTS === '1') fs.copyFileSync(shot, README_SHOT);
  });

  it('asks for the API key when the API requires one, and shows data once it is given', async () => {
    const key = 'page-test-key-0123456789';
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    try {
      const dash = perf.use(dashboardPlugin({ port: 0, apiKey: key, cacheTtlMs: 0 }));
      await dash.ready();
      for (let i = 0; i < 25; i++) perf.operation('download', 'fetch-weights').record(0.2);
      const keyed = await context.newPage();
      await keyed.goto(`${dash.url}?refresh=500`);
      await keyed.waitForSelector('#key-form:not([hidden])', { timeout: 10_000 });
      expect(await keyed.$eval('#status', (el) => el.textContent)).toMatch(/API key/);
      expect((await tile(keyed, 'totalOperations')).raw).toBe('');
      await keyed.fill('#key', key);
      await keyed.click('#key-form button');
      await keyed.waitForFunction(() => (document.querySelector('[data-tile="totalOperations"] .value') as HTMLElement).dataset.raw === '25', undefined, { timeout: 10_000 });
      expect(await keyed.$eval('#key-form', (el) => (el as HTMLElement).hidden)).toBe(true);
      await keyed.close();
    } finally {
      await perf.shutdown();
    }
  });
});
