/**
 * The live page in a real headless Chromium (the system browser, driven by playwright-core): it must fill its
 * tiles and charts with the numbers the JSON API gives, update without a reload, and leave a screenshot for the
 * README (docs/img/dashboard.png).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';

const REPO = path.resolve(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOT = path.join(REPO, 'docs', 'img', 'dashboard.png');

jest.setTimeout(60_000);

interface Running {
  url: string;
  perf: Perfkit;
  traffic: { stop(): void };
}

let running: Running;
let context: BrowserContext;
let page: Page;
let userDataDir: string;

/** A perfkit instance with the dashboard on a free port and steady traffic of several types, some failing. */
async function startService(): Promise<Running> {
  const perf = createPerfkit({ serviceName: 'dashboard-page-test', prometheus: { serve: false }, logLevel: 'none' });
  const dash = perf.use(dashboardPlugin({ port: 0, snapshotIntervalMs: 300, sampleIntervalMs: 300, cacheTtlMs: 0 }));
  await dash.ready();
  const download = perf.operation('download', 'fetch-weights');
  const generate = perf.operation('model_operation', 'generate');
  const health = perf.operation('health_check', 'verify');
  const slow = perf.operation('model_operation', 'load').start(); // stays active
  let i = 0;
  const timer = setInterval(() => {
    i++;
    download.record(0.05 + (i % 20) * 0.02, i % 4 === 0 ? { outcome: 'failure', errorType: 'ECONNRESET' } : undefined);
    generate.record(0.01 + (i % 10) * 0.015);
    if (i % 3 === 0) health.record(0.004);
  }, 10);
  return { url: dash.url!, perf, traffic: { stop: () => (clearInterval(timer), slow.end()) } };
}

const raw = (p: Page, tile: string) => p.$eval(`[data-tile="${tile}"] .value`, (el) => ({ text: el.textContent ?? '', raw: (el as HTMLElement).dataset.raw ?? '' }));
const points = (p: Page, chart: string) => p.$eval(`#${chart}`, (el) => Number((el as HTMLElement).dataset.points));

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(REPO, 'packages', 'dashboard', 'scripts', 'build-page.mjs')], { stdio: 'pipe' });
  running = await startService();
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1440, height: 1100 }, offline: false });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${running.url}?refresh=500`);
});

afterAll(async () => {
  running?.traffic.stop();
  await context?.close();
  await running?.perf.shutdown();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

describe('dashboard page', () => {
  it('loads only from the service itself (no CDN)', async () => {
    const origins = new Set<string>();
    page.on('request', (r) => origins.add(new URL(r.url()).origin));
    await page.waitForFunction(() => Number(document.body.dataset.updates ?? 0) >= 2);
    expect([...origins]).toEqual([new URL(running.url).origin]);
    const scripts = await page.$$eval('script[src], link[href]', (els) => els.map((e) => e.getAttribute('src') ?? e.getAttribute('href')));
    expect(scripts.every((s) => s!.startsWith('/assets/'))).toBe(true);
  });

  it('updates itself and draws every chart with data', async () => {
    await waitUntil('charts with data', async () => {
      const counts = await Promise.all(['chart-latency', 'chart-rates', 'chart-errors', 'chart-host'].map((c) => points(page, c)));
      return counts.every((n) => n >= 3);
    });
    const before = Number(await page.evaluate(() => document.body.dataset.updates));
    await page.waitForFunction((n) => Number(document.body.dataset.updates) > n + 1, before);
    const painted = await page.$$eval('#chart-latency canvas, #chart-rates canvas, #chart-host canvas', (canvases) =>
      canvases.map((c) => {
        const cv = c as HTMLCanvasElement;
        const data = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
        let inked = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) inked++;
        return inked;
      }),
    );
    expect(painted).toHaveLength(3);
    for (const inked of painted) expect(inked).toBeGreaterThan(200);
  });

  it('shows tiles, tables and findings that match the API', async () => {
    running.traffic.stop();
    const settledAt = Number(await page.evaluate(() => document.body.dataset.updates));
    await page.waitForFunction((n) => Number(document.body.dataset.updates) >= n + 2, settledAt);
    const res = await fetch(new URL('/api/v1/performance/dashboard?window=24h', running.url));
    const api = (await res.json()) as any;
    const s = api.performanceSummary;
    expect(s.totalOperations).toBeGreaterThan(100);
    expect(Number((await raw(page, 'totalOperations')).raw)).toBe(s.totalOperations);
    expect(Number((await raw(page, 'successRate')).raw)).toBeCloseTo(s.successRate, 12);
    expect(Number((await raw(page, 'averageDuration')).raw)).toBeCloseTo(s.averageDurationSeconds, 12);
    expect(Number((await raw(page, 'p95Duration')).raw)).toBeCloseTo(s.p95DurationSeconds, 12);
    expect(Number((await raw(page, 'score')).raw)).toBe(api.score.value);
    expect((await raw(page, 'successRate')).text).toBe(`${(s.successRate * 100).toFixed(1)}%`);
    for (const tile of ['cpu', 'memory', 'diskFree']) {
      const t = await raw(page, tile);
      expect(t.raw).not.toBe('');
      expect(t.text).not.toBe('–');
    }
    expect(Number((await raw(page, 'memory')).raw)).toBeCloseTo(api.currentResources.memoryUtilization, 1);
    const types = await page.$$eval('#by-type tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.type));
    expect(types.sort()).toEqual(Object.keys(api.operationsByType).sort());
    const bottlenecks = await page.$$eval('#bottlenecks li[data-id]', (els) => els.map((e) => (e as HTMLElement).dataset.id));
    expect(bottlenecks).toEqual(api.bottlenecks.map((b: any) => b.id));
    expect(bottlenecks).toContain('high_failure_rate:download');
    const recs = await page.$$eval('#recommendations li[data-id]', (els) => els.map((e) => (e as HTMLElement).dataset.id));
    expect(recs).toEqual(api.recommendations.map((r: any) => r.id));
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
  });
});
