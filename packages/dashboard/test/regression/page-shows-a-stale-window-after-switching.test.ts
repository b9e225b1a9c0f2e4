/**
 * The page refreshes every 2 s and when the window is switched, and rendered whatever answer came back last. Answers
 * for the old window that were still on their way (a 24 h report is the slowest; a 429 retry waits up to 10 s) landed
 * after those of the new one: the page showed the 24 h figures under "15 min", and said so only in the status line.
 * And the timer started a refresh every 2 s whether or not the last one had come back, so a slow server got a pile of
 * requests and the page painted older figures over newer. Only the newest refresh started is shown now, and a timer
 * tick while one is out waits. Checked in a real headless Chromium (the system one, as the top-level page test runs it).
 */
import { buildPage, closePages, openPage } from '../pageHarness';

const SLOW_MS = 1500;

beforeAll(buildPage);
afterAll(closePages);

/** A dashboard with one operation, and a Chromium page whose dashboard answers matching `slow` come `SLOW_MS` late. */
async function setup(slow: string) {
  const { page, origin } = await openPage();
  const flights = { now: 0, most: 0 };
  await page.route(slow, async (route) => {
    flights.most = Math.max(flights.most, ++flights.now);
    const response = await route.fetch();
    await new Promise((r) => setTimeout(r, SLOW_MS));
    await route.fulfill({ response });
    flights.now--;
  });
  const generatedAt: Record<string, number> = {};
  page.on('response', (r) => {
    const m = /\/api\/v1\/performance\/dashboard\?window=(\w+)/.exec(r.url());
    if (m) r.json().then((body: { generatedAt: number }) => (generatedAt[m[1]!] = body.generatedAt), () => undefined);
  });
  return { origin, page, generatedAt, flights };
}

describe('page-shows-a-stale-window-after-switching', () => {
  it('shows the window selected last, not the answer that arrived last', async () => {
    const { origin, page, generatedAt } = await setup('**/api/v1/performance/dashboard?window=24h');
    // No timer refresh during the test: only the first load (24 h) and the switch (15 min).
    await page.goto(`${origin}/?refresh=600000`);
    await page.selectOption('#window', '15m');
    await page.waitForFunction(() => /of 15m/.test(document.getElementById('status')!.textContent ?? ''));
    // The slow 24 h answer arrives after the 15 min one has been shown.
    await page.waitForResponse('**/api/v1/performance/dashboard?window=24h', { timeout: SLOW_MS * 4 }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(generatedAt['24h']).toBeGreaterThan(0);
    const view = await page.evaluate(() => ({
      selected: (document.getElementById('window') as HTMLSelectElement).value,
      status: document.getElementById('status')!.textContent ?? '',
      generatedAt: Number(document.body.dataset.generatedAt),
      updates: Number(document.body.dataset.updates),
    }));
    expect(view.selected).toBe('15m');
    expect(view.status).toMatch(/ of 15m$/);
    expect(view.generatedAt).toBe(generatedAt['15m']);
    // The 24 h answer was dropped, not painted: one update only.
    expect(view.updates).toBe(1);
  });

  it('sends the next refresh only once the last one came back, and still shows every one', async () => {
    const { origin, page, flights } = await setup('**/api/v1/performance/dashboard?*');
    // Ticks every 500 ms against answers that take 1.5 s.
    await page.goto(`${origin}/?refresh=500`);
    await page.waitForFunction(() => Number(document.body.dataset.updates) >= 3, undefined, { timeout: 20_000 });
    expect(flights.most).toBe(1);
    expect(await page.evaluate(() => document.getElementById('status')!.textContent)).toMatch(/ of 24h$/);
  });
});
