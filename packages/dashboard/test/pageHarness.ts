import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin, type DashboardOptions } from '@perfkit/dashboard';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Builds the page from `page/` (as the package's build does); call once per test file, in `beforeAll`. */
export function buildPage(): void {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-page.mjs')], { stdio: 'pipe' });
}

/** What {@link openPage} started, closed by {@link closePages}. */
const started: Array<() => Promise<void> | void> = [];

/** The real dashboard on its own loopback server (one operation recorded) and a real headless Chromium page. */
export async function openPage(options: DashboardOptions = {}, browser: { viewport?: { width: number; height: number } } = {}): Promise<{ page: Page; origin: string; perf: Perfkit }> {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  started.push(() => perf.shutdown());
  const dash = perf.use(dashboardPlugin({ port: 0, cacheTtlMs: 0, ...options }));
  await dash.ready();
  perf.operation('download', 'weights').record(0.2);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-chromium-'));
  started.push(() => fs.rmSync(userDataDir, { recursive: true, force: true }));
  const context: BrowserContext = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS, ...browser });
  started.push(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  return { page, origin: dash.url!.replace(/\/$/, ''), perf };
}

/** Closes browsers, then servers, then removes the browsers' profiles; call in `afterAll`. */
export async function closePages(): Promise<void> {
  for (const close of started.splice(0).reverse()) await close();
}

/** The status line's text once it matches `pattern` (or whatever it says after 10 s, for the assertion to show). */
export async function statusMatching(page: Page, pattern: RegExp): Promise<string> {
  await page
    .waitForFunction((source) => new RegExp(source).test(document.getElementById('status')!.textContent ?? ''), pattern.source, { timeout: 10_000 })
    .catch(() => undefined);
  return page.evaluate(() => document.getElementById('status')!.textContent ?? '');
}
