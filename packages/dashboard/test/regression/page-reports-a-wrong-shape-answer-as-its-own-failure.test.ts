/**
 * An answer that was valid JSON but not of the API's shape (a proxy's or another service's JSON, a server of another
 * version) reached the rendering code, which threw: the status line said "the page failed to show the answer:
 * Cannot read properties of undefined (reading 'value')", blaming the page for the server's answer and naming no
 * field. The page now checks the fields it reads before showing anything and reports
 * `malformed_response: <field> is missing | is <type> (expected …) in <route>` like the other failures. Checked in
 * a real headless Chromium against the real server on loopback; each answer is the server's own, with one field
 * taken out or changed.
 */
import type { Page } from 'playwright-core';
import { buildPage, closePages, openPage, statusMatching } from '../pageHarness';

beforeAll(buildPage);
afterAll(closePages);

type Json = Record<string, unknown>;

/** Serves `route`'s real answer from the server after `edit` (the body, parsed) has changed it. */
async function editAnswers(page: Page, route: string, edit: (body: Json) => unknown): Promise<void> {
  await page.route(`**${route}?*`, async (r) => {
    const real = await r.fetch();
    r.fulfill({ response: real, body: JSON.stringify(edit((await real.json()) as Json)) });
  });
}

const CASES: Array<{ what: string; route: string; edit: (b: Json) => unknown; said: RegExp }> = [
  { what: 'the score is missing', route: '/api/v1/performance/dashboard', edit: ({ score: _, ...rest }) => rest, said: /^malformed_response: score is missing \(expected an object\) in \/api\/v1\/performance\/dashboard/ },
  { what: 'a figure is a string', route: '/api/v1/performance/dashboard', edit: (b) => ({ ...b, recentActivity: { operationsPerSecond: '3.5' } }), said: /^malformed_response: recentActivity\.operationsPerSecond is a string \(expected a number\) in \/api\/v1\/performance\/dashboard/ },
  { what: 'an item of a list lacks a field', route: '/api/v1/performance/dashboard', edit: (b) => ({ ...b, bottlenecks: [{ id: 'x', severity: 'warning' }] }), said: /^malformed_response: bottlenecks\[0\]\.message is missing \(expected a string\)/ },
  { what: 'the body is JSON null', route: '/api/v1/performance/dashboard', edit: () => null, said: /^malformed_response: the answer is null \(expected an object\) in \/api\/v1\/performance\/dashboard/ },
  { what: 'the chart points are not a list', route: '/api/v1/performance/history', edit: (b) => ({ ...b, points: { length: 3 } }), said: /^malformed_response: points is an object \(expected an array\) in \/api\/v1\/performance\/history/ },
  { what: 'a host column holds text', route: '/api/v1/resources/history', edit: (b) => ({ ...b, values: { ...(b.values as Json), cpuUtilization: ['NaN'] } }), said: /^malformed_response: values\.cpuUtilization\[0\] is a string \(expected a number or null\) in \/api\/v1\/resources\/history/ },
];

describe('page-reports-a-wrong-shape-answer-as-its-own-failure', () => {
  it.each(CASES)('names the field when $what', async ({ route, edit, said }) => {
    const { page, origin } = await openPage();
    await editAnswers(page, route, edit);
    await page.goto(`${origin}/?refresh=600000`);
    const status = await statusMatching(page, /malformed_response|failed/);
    expect(status).toMatch(said);
    expect(status).not.toMatch(/Cannot read|failed to show/);
    expect(await page.evaluate(() => [document.getElementById('status')!.dataset.code, document.getElementById('status')!.className])).toEqual(['malformed_response', 'status error']);
  });

  it('shows the answers again once they have the right shape', async () => {
    const { page, origin } = await openPage();
    let isBroken = true;
    await editAnswers(page, '/api/v1/performance/dashboard', (b) => (isBroken ? { ...b, performanceSummary: 'n/a' } : b));
    await page.goto(`${origin}/?refresh=600000`);
    expect(await statusMatching(page, /malformed_response/)).toMatch(/^malformed_response: performanceSummary is a string \(expected an object\)/);
    isBroken = false;
    await page.selectOption('#window', '1h');
    expect(await statusMatching(page, /^updated/)).toMatch(/^updated/);
    expect(await page.evaluate(() => document.querySelector('[data-tile="totalOperations"] .value')!.textContent)).toBe('1');
  });
});
