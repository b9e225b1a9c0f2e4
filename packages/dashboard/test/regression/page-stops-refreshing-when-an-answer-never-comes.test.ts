/**
 * The page refreshes only once its last refresh is back (so a slow server gets one set of requests at a time), and
 * its requests had no time limit: one answer that never came (a connection dropped by a NAT or a proxy, a server
 * stopped mid-answer) stopped the refreshes for good, and the status line kept saying "updated …" in its normal
 * colour over figures that no longer moved. Every request now has a time limit (`?timeout=ms`, 20 s by default),
 * after which the page says so and tries again. When the server is unreachable it says that (not `Failed to fetch`),
 * and it recovers when the server is back. Checked in a real headless Chromium against the real server.
 */
import type { Page } from 'playwright-core';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import { buildPage, closePages, openPage } from '../pageHarness';

/** Dashboards started again by a test (the first one of each test is the harness's). */
const perfs: Perfkit[] = [];

beforeAll(buildPage);

afterAll(async () => {
  await closePages();
  await Promise.all(perfs.map((p) => p.shutdown()));
});

/** The dashboard started again on `port` (the service back after a restart), with one operation. */
async function startDashboard(port: number) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ port, cacheTtlMs: 0 }));
  await dash.ready();
  perf.operation('download', 'weights').record(0.2);
  return { perf, dash };
}

/** The harness's dashboard (one operation) and a real headless Chromium page; `url` is the page's address. */
async function setup() {
  const { perf, origin, page } = await openPage();
  return { perf, url: `${origin}/`, page };
}

const view = (page: Page) =>
  page.evaluate(() => ({
    status: document.getElementById('status')!.textContent ?? '',
    isError: document.getElementById('status')!.classList.contains('error'),
    updates: Number(document.body.dataset.updates ?? 0),
  }));

describe('page-stops-refreshing-when-an-answer-never-comes', () => {
  it('gives up on an answer that never comes, says so, and refreshes again', async () => {
    const { url, page } = await setup();
    // The first answer of the host history never comes (its connection is left hanging); later ones do.
    let isFirst = true;
    await page.route('**/api/v1/resources/history?*', async (route) => {
      if (!isFirst) return route.continue();
      isFirst = false;
      await new Promise(() => undefined);
    });
    await page.goto(`${url}?refresh=500&timeout=2000`);
    await page.waitForFunction(() => /no answer within 2 s/.test(document.getElementById('status')!.textContent ?? ''), undefined, { timeout: 15_000 }).catch(() => undefined);
    const stuck = await view(page);
    expect(stuck.status).toMatch(/^timeout: no answer within 2 s from 127\.0\.0\.1:\d+; retrying every 0\.5 s$/);
    expect(stuck.isError).toBe(true);
    expect(stuck.updates).toBe(0);
    // The next refresh goes out and is shown.
    await page.waitForFunction(() => Number(document.body.dataset.updates ?? 0) >= 1, undefined, { timeout: 15_000 }).catch(() => undefined);
    const after = await view(page);
    expect(after.updates).toBeGreaterThanOrEqual(1);
    expect(after.isError).toBe(false);
    expect(after.status).toMatch(/^updated /);
  });

  it('says the service is unreachable while it is down, and shows data again once it is back', async () => {
    const { perf, url, page } = await setup();
    await page.goto(`${url}?refresh=500`);
    await page.waitForFunction(() => Number(document.body.dataset.updates ?? 0) >= 1, undefined, { timeout: 15_000 });
    const port = Number(new URL(url).port);
    await perf.shutdown();
    await page.waitForFunction(() => document.getElementById('status')!.classList.contains('error'), undefined, { timeout: 15_000 });
    const down = await view(page);
    expect(down.status).toBe(`unreachable: cannot reach the service (network error) at 127.0.0.1:${port}; retrying every 0.5 s`);
    // The service restarts on the same port.
    await startDashboard(port);
    const before = down.updates;
    await page.waitForFunction((n) => Number(document.body.dataset.updates ?? 0) > n, before, { timeout: 15_000 });
    const back = await view(page);
    expect(back.isError).toBe(false);
    expect(back.status).toMatch(/^updated .* of 24h$/);
  });
});
