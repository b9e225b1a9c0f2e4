/**
 * When an API call failed, the page's status line said `/api/v1/performance/dashboard?window=24h: HTTP 403` and
 * nothing else, though the API answers `{"error":{"code","message"}}` saying what to do: a user on the LAN opening a
 * keyless dashboard was not told that it needs a key, nor how to set one. A wrong key read the same as none
 * ("this dashboard needs an API key"); a dead server read `Failed to fetch`, a proxy's HTML page
 * `Unexpected token '<', "<html>..." is not valid JSON`. The page now shows the server's code and message (as text,
 * one line, bounded), says how to supply a key on 401 and 403 `api_key_required`, and names the other failures in
 * words. Checked in a real headless Chromium against the real server on this machine's addresses.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin, type DashboardOptions } from '@perfkit/dashboard';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const KEY = 'page-error-test-key-0123456789';

const perfs: Perfkit[] = [];
const servers: http.Server[] = [];
const contexts: BrowserContext[] = [];
const userDataDirs: string[] = [];

beforeAll(() => {
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'build-page.mjs')], { stdio: 'pipe' });
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  for (const s of servers) s.closeAllConnections(), s.close();
  await Promise.all(perfs.map((p) => p.shutdown()));
  for (const dir of userDataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** An IPv4 address of this machine that is not loopback, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

/**
 * The dashboard mounted on an application server listening on `host`, and a Chromium page. Without an external
 * address here, requests are made to look as if they arrived on one (their socket's local address), so the real
 * router still decides.
 */
async function setup(options: DashboardOptions = {}, { beyondLoopback = false } = {}) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ cacheTtlMs: 0, ...options }));
  perf.operation('download', 'weights').record(0.2);
  const external = beyondLoopback ? externalAddress() : undefined;
  const server = http.createServer((req, res) => {
    if (beyondLoopback && !external) Object.defineProperty(req.socket, 'localAddress', { value: '192.0.2.7', configurable: true });
    if (!dash.handler(req, res)) res.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, beyondLoopback && external ? '0.0.0.0' : '127.0.0.1', r));
  const origin = `http://${external ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-chromium-'));
  userDataDirs.push(userDataDir);
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS });
  contexts.push(context);
  const page = context.pages()[0] ?? (await context.newPage());
  /** The server's own error body for a data route, read by the test itself. */
  const apiError = () =>
    new Promise<{ status: number; code: string; message: string }>((resolve, reject) => {
      http.get(`${origin}/api/v1/performance/dashboard`, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, ...(JSON.parse(text) as { error: { code: string; message: string } }).error }));
      }).on('error', reject);
    });
  return { page, origin, apiError };
}

/** The status line once it says something other than "connecting…". */
async function statusAfter(page: Page, pattern: RegExp): Promise<{ text: string; html: string; code: string; isError: boolean; isKeyFormShown: boolean }> {
  await page.waitForFunction((source) => new RegExp(source).test(document.getElementById('status')!.textContent ?? ''), pattern.source, { timeout: 10_000 }).catch(() => undefined);
  return page.evaluate(() => {
    const status = document.getElementById('status')!;
    return {
      text: status.textContent ?? '',
      html: status.innerHTML,
      code: status.dataset.code ?? '',
      isError: status.classList.contains('error'),
      isKeyFormShown: !document.getElementById('key-form')!.hidden,
    };
  });
}

describe('page-shows-only-http-status-on-api-errors', () => {
  it("tells a client beyond loopback of a keyless dashboard the server's code and message, and how to get in", async () => {
    const { page, origin, apiError } = await setup({}, { beyondLoopback: true });
    const said = await apiError();
    expect([said.status, said.code]).toEqual([403, 'api_key_required']);
    await page.goto(`${origin}/?refresh=600000`);
    const status = await statusAfter(page, /api_key_required/);
    expect(status.isError).toBe(true);
    expect(status.text).toContain(`api_key_required: ${said.message}`);
    expect(status.text).toMatch(/PERFKIT_DASHBOARD_API_KEY/);
    // The other way in: from the service's own machine.
    expect(status.text).toMatch(/127\.0\.0\.1/);
    expect(status.text).not.toMatch(/^\/api\/.*HTTP 403$/);
    expect(status.code).toBe('api_key_required');
  });

  it("asks for the key on 401 with the server's message, and says so when the key entered was refused", async () => {
    const { page, origin, apiError } = await setup({ apiKey: KEY });
    const said = await apiError();
    expect([said.status, said.code]).toEqual([401, 'unauthorized']);
    await page.goto(`${origin}/?refresh=600000`);
    const missing = await statusAfter(page, /unauthorized/);
    expect(missing.isKeyFormShown).toBe(true);
    expect(missing.text).toContain(`unauthorized: ${said.message}`);
    expect(missing.text).toMatch(/needs an API key.*enter/);
    expect(missing.text).toMatch(/PERFKIT_DASHBOARD_API_KEY/);

    await page.fill('#key', 'not-the-key-0123456789');
    await page.click('#key-form button');
    const wrong = await statusAfter(page, /refused/);
    expect(wrong.isKeyFormShown).toBe(true);
    expect(wrong.text).toContain(`unauthorized: ${said.message}`);
    expect(wrong.text).toMatch(/key entered was refused/);

    await page.fill('#key', KEY);
    await page.click('#key-form button');
    const right = await statusAfter(page, /^updated/);
    expect([right.isError, right.isKeyFormShown, right.code]).toEqual([false, false, '']);
  });

  it('shows an error message as text, on one bounded line, and drops a code that is not one', async () => {
    const { page, origin } = await setup();
    // What the page is given is out of its hands (a proxy, a bug): hostile markup, control characters, 20,000 chars.
    const message = `<img src=x onerror="window.pwned=1"><b>bold</b>\u202e line\nbreak ${'x'.repeat(20_000)}`;
    await page.route('**/api/v1/performance/dashboard?*', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: '<script>alert(1)</script>', message } }) }),
    );
    await page.goto(`${origin}/?refresh=600000`);
    const status = await statusAfter(page, /bold/);
    expect(status.text).toMatch(/^<img src=x onerror="window\.pwned=1"><b>bold<\/b> line break x+…$/);
    expect(status.text.length).toBeLessThanOrEqual(300);
    expect(status.html).not.toMatch(/<(img|b|script)/);
    expect(status.text).not.toMatch(/script/);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  });

  it("says HTTP and the reason when the body is not the API's, and 'not JSON' when a success is not JSON", async () => {
    const { page, origin } = await setup();
    // A reverse proxy in front of the service: its own HTML error page, then an HTML login page with status 200.
    await page.route('**/api/v1/performance/dashboard?window=24h', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<html><h1>502 Bad Gateway</h1></html>' }));
    await page.route('**/api/v1/performance/dashboard?window=1h', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<html><form>sign in</form></html>' }));
    await page.goto(`${origin}/?refresh=600000`);
    const proxied = await statusAfter(page, /502/);
    expect(proxied.text).toBe('HTTP 502 Bad Gateway');
    await page.selectOption('#window', '1h');
    const login = await statusAfter(page, /JSON/);
    expect(login.text).toMatch(/^malformed_response: the answer is not JSON \(content-type: text\/html\)/);
    expect(login.text).not.toMatch(/sign in|Unexpected token/);
    await page.selectOption('#window', '15m');
    expect((await statusAfter(page, /^updated/)).isError).toBe(false);
  });
});
