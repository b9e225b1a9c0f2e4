/**
 * When a refresh failed, only the status line (in red) said so: the tiles, charts and tables kept the last figures
 * at full brightness, and someone glancing at the page read old numbers as current. While the last refresh failed
 * the page now dims them and shows "stale since HH:MM:SS" with the time the figures are from; the next good
 * refresh clears both. Checked in a real headless Chromium against the real server on loopback.
 */
import type { Page } from 'playwright-core';
import { buildPage, closePages, openPage, statusMatching } from '../pageHarness';

beforeAll(buildPage);
afterAll(closePages);

/** What the page shows about staleness, and how bright its figures are. */
function staleness(page: Page) {
  return page.evaluate(() => {
    const marker = document.getElementById('stale');
    /** The opacity it is drawn with: its own times its ancestors'. */
    const opacity = (id: string) => {
      let product = 1;
      for (let el: Element | null = document.getElementById(id); el; el = el.parentElement) product *= Number(getComputedStyle(el).opacity);
      return product;
    };
    return {
      isMarkerShown: !!marker && !marker.hidden && marker.getBoundingClientRect().height > 0,
      marker: marker?.textContent ?? '',
      tiles: opacity('tiles'),
      charts: opacity('chart-latency'),
      tables: opacity('by-type'),
      operations: document.querySelector('[data-tile="totalOperations"] .value')!.textContent,
    };
  });
}

describe('page-shows-old-figures-as-current-after-a-failed-refresh', () => {
  it('marks the figures stale while refreshes fail and clears the mark on the next good refresh', async () => {
    const { page, origin } = await openPage();
    let isFailing = false;
    let failures = 0;
    await page.route('**/api/v1/performance/dashboard?*', (route) =>
      isFailing
        ? (failures++, route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"unavailable","message":"down for a test"}}' }))
        : route.continue(),
    );
    await page.goto(`${origin}/?refresh=500`);
    expect(await statusMatching(page, /^updated/)).toMatch(/^updated/);
    const fresh = await staleness(page);
    expect(fresh).toMatchObject({ isMarkerShown: false, tiles: 1, charts: 1, tables: 1, operations: '1' });

    const failedAt = new Date();
    isFailing = true;
    expect(await statusMatching(page, /unavailable/)).toMatch(/^unavailable: down for a test/);
    const stale = await staleness(page);
    expect(stale.isMarkerShown).toBe(true);
    const [, hh, mm, ss] = /stale since (\d\d):(\d\d):(\d\d)/.exec(stale.marker) ?? [];
    expect(hh).toBeDefined();
    // The time of the first failed refresh, in the page's local time (the test runs in the same time zone).
    const since = new Date(failedAt);
    since.setHours(Number(hh), Number(mm), Number(ss), 0);
    expect(Math.abs(since.getTime() - failedAt.getTime())).toBeLessThan(60_000);
    // The old figures stay readable, but dimmed, every one of them.
    expect(stale.operations).toBe('1');
    for (const part of ['tiles', 'charts', 'tables'] as const) expect(stale[part]).toBeLessThan(0.7);
    // Later failures keep the time the figures went stale.
    const seen = failures;
    while (failures < seen + 2) await page.waitForTimeout(100);
    expect((await staleness(page)).marker).toBe(stale.marker);

    isFailing = false;
    expect(await statusMatching(page, /^updated/)).toMatch(/^updated/);
    expect(await staleness(page)).toMatchObject({ isMarkerShown: false, tiles: 1, charts: 1, tables: 1 });
  });

  it('does not mark the placeholders stale when no refresh has succeeded yet', async () => {
    const { page, origin } = await openPage();
    await page.route('**/api/v1/performance/dashboard?*', (route) => route.fulfill({ status: 500, contentType: 'text/html', body: '<html>oops</html>' }));
    await page.goto(`${origin}/?refresh=500`);
    expect(await statusMatching(page, /HTTP 500/)).toMatch(/HTTP 500/);
    expect((await staleness(page)).isMarkerShown).toBe(false);
  });
});
