/**
 * The page keeps the API key in sessionStorage. When the server refused it (a wrong key typed, or the service's key
 * changed since), the key stayed there: every refresh, and every reload of the tab, sent it again and got 401 again,
 * until a new key was entered. On a 401 for a key it sent, the page now forgets the key, asks for one, and says that
 * the stored key was refused (later refreshes, sent without a key, keep saying so). Checked in a real headless
 * Chromium against the real server on loopback.
 */
import type { Page } from 'playwright-core';
import { buildPage, closePages, openPage, statusMatching } from '../pageHarness';

const KEY = 'refused-key-test-key-0123456789';
const WRONG = 'not-the-service-key-0123456789';

beforeAll(buildPage);
afterAll(closePages);

/** The x-api-key header of every data request the page makes, in order ('' when none). */
function sentKeys(page: Page): string[] {
  const keys: string[] = [];
  page.on('request', (req) => void (req.url().includes('/api/v1/') && keys.push(req.headers()['x-api-key'] ?? '')));
  return keys;
}

const stored = (page: Page) => page.evaluate(() => sessionStorage.getItem('perfkit-api-key'));
const isKeyFormShown = (page: Page) => page.evaluate(() => !document.getElementById('key-form')!.hidden);

describe('page-keeps-a-refused-api-key', () => {
  it('forgets a stored key the server refused, asks for a key, and says the stored one was refused', async () => {
    const { page, origin } = await openPage({ apiKey: KEY });
    // The page shell needs no key: open it, store a key that is not the service's, as an earlier entry would have.
    await page.goto(`${origin}/?refresh=600000`);
    await page.evaluate((key) => sessionStorage.setItem('perfkit-api-key', key), WRONG);
    const keys = sentKeys(page);
    await page.reload();
    const status = await statusMatching(page, /stored API key was refused/);
    expect(status).toMatch(/^unauthorized: .*stored API key was refused/);
    expect(keys.slice(0, 3)).toEqual([WRONG, WRONG, WRONG]);
    expect(await stored(page)).toBeNull();
    expect(await isKeyFormShown(page)).toBe(true);

    // A reload no longer sends the refused key, and the page still says why it asks for one.
    keys.length = 0;
    await page.reload();
    expect(await statusMatching(page, /unauthorized/)).toMatch(/^unauthorized: /);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k === '')).toBe(true);

    await page.fill('#key', KEY);
    await page.click('#key-form button');
    expect(await statusMatching(page, /^updated/)).toMatch(/^updated/);
    expect(await stored(page)).toBe(KEY);
    expect(await isKeyFormShown(page)).toBe(false);
  });

  it('forgets a key entered by hand that was refused, and keeps saying so while refreshes go out without a key', async () => {
    const { page, origin } = await openPage({ apiKey: KEY });
    await page.goto(`${origin}/?refresh=500`);
    expect(await statusMatching(page, /needs an API key/)).toMatch(/needs an API key/);
    await page.fill('#key', WRONG);
    await page.click('#key-form button');
    expect(await statusMatching(page, /refused/)).toMatch(/key entered was refused/);
    expect(await stored(page)).toBeNull();
    const keys = sentKeys(page);
    while (keys.length < 6) await page.waitForTimeout(100);
    expect(keys.every((k) => k === '')).toBe(true);
    expect(await statusMatching(page, /refused/)).toMatch(/key entered was refused/);
    expect(await isKeyFormShown(page)).toBe(true);
  });
});
