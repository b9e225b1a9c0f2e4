/**
 * The example is safe by default: beyond loopback it refuses to start without a key, and its knobs (like the
 * dashboard's POST) need the key, a JSON content type, a same-site caller and an allowed Host.
 */
import http from 'node:http';
import { ensureBuilt, REPO_ROOT, startExample, startProcess, type StartedExample } from '../helpers';

const KEY = 'example-security-key-0123456789';
let example: StartedExample | undefined;
afterAll(async () => {
  await example?.stop();
});

/** A raw request, so the test chooses every header (fetch sets Host and Origin itself). */
function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('example service security', () => {
  it('refuses to start on 0.0.0.0 without an API key, with a coded error naming the remedy', async () => {
    const main = ensureBuilt('examples/model-service', 'main.js');
    const env = { ...process.env, HOST: '0.0.0.0', PORT: '0' };
    delete env.PERFKIT_DASHBOARD_API_KEY;
    for (const args of [['--no-traffic', '--metrics-port', '0'], ['--no-traffic', '--metrics-port', '0', '--no-dashboard']]) {
      const proc = startProcess(process.execPath, [main, ...args], { env, cwd: REPO_ROOT });
      expect(await proc.exited).toBe(1);
      expect(proc.output()).toMatch(/\[PERFKIT_ERR_DASHBOARD_API_KEY_REQUIRED\].*0\.0\.0\.0.*PERFKIT_DASHBOARD_API_KEY/);
      expect(proc.output()).not.toMatch(/PERFKIT_EXAMPLE_READY/);
    }
  }, 60_000);

  it('on 0.0.0.0 with a key: data and knobs need it, knobs need JSON, a same-site caller and an allowed Host', async () => {
    example = await startExample({ traffic: false, args: ['--host', '0.0.0.0'], env: { PERFKIT_DASHBOARD_API_KEY: KEY } });
    const app = example.app;
    expect((await request(`${app}/api/v1/performance/report`)).status).toBe(401);
    expect((await request(`${app}/health/detailed`)).status).toBe(401);
    expect((await request(`${app}/api/v1/performance/report`, { headers: { 'x-api-key': KEY } })).status).toBe(200);
    const knobs = (headers: Record<string, string>) => request(`${app}/knobs`, { method: 'POST', headers, body: '{"generateDelayMs":5}' });
    expect((await knobs({ 'content-type': 'text/plain', 'x-api-key': KEY })).status).toBe(415);
    expect((await knobs({ 'x-api-key': KEY })).status).toBe(415);
    expect((await knobs({ 'content-type': 'application/json' })).status).toBe(401);
    expect((await knobs({ 'content-type': 'application/json', 'x-api-key': 'wrong-key-0123456789' })).status).toBe(401);
    expect((await knobs({ 'content-type': 'application/json', 'x-api-key': KEY, origin: 'http://evil.example' })).status).toBe(403);
    expect((await knobs({ 'content-type': 'application/json', 'x-api-key': KEY, host: 'evil.example' })).status).toBe(403);
    expect((await request(`${app}/knobs`)).text).toMatch(/"generateDelayMs": 0/);
    const ok = await knobs({ 'content-type': 'application/json', 'x-api-key': KEY });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).generateDelayMs).toBe(5);
    // A cross-site POST with a body of another type cannot start work either.
    expect((await request(`${app}/models/tinyllama-1.1b-chat/download`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
    expect((await request(`${app}/models/tinyllama-1.1b-chat/download`, { method: 'POST', headers: { origin: 'http://evil.example' } })).status).toBe(403);
    // The page and the API never frame and never leak the key.
    const page = await fetch(`${app}/`);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(example.process.output()).not.toContain(KEY);
  }, 60_000);
});
