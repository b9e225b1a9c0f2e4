import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { createPerfkit, PerfkitError, type Perfkit } from '@perfkit/core';
import { dashboardPlugin, type DashboardPlugin } from '@perfkit/dashboard';
import { parseNvidiaSmiLine } from '@perfkit/host';
import { parseSlaSpec } from '@perfkit/sla';
import { REPO_ROOT } from '../helpers';
import { exitWithin, startFixture } from './helpers/fixture';
import { hostileValue, nastyString } from './helpers/hostile';

const FAKE_SMI = path.join(REPO_ROOT, 'packages', 'host', 'test', 'fixtures', 'fake-nvidia-smi.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-robustness-'));
const instances: Perfkit[] = [];
afterAll(async () => {
  for (const perf of instances) await perf.shutdown();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function setup() {
  const perf = createPerfkit({ serviceName: 'plugins', prometheus: { serve: false }, logLevel: 'none' });
  instances.push(perf);
  return { perf };
}

/** Pids of live processes whose command line mentions `needle` (from /proc). */
function processesRunning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = /State:\s+(\S)/.exec(fs.readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (cmdline.includes(needle) && state !== 'Z') found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

describe('host plug-in shutdown', () => {
  it('stops its nvidia-smi child process on shutdown() and lets the service process end by itself', async () => {
    const smi = path.join(tmp, `nvidia-smi-${crypto.randomUUID()}.js`);
    fs.copyFileSync(FAKE_SMI, smi);
    fs.chmodSync(smi, 0o755);
    const log = path.join(tmp, 'smi.log');
    const fixture = startFixture(
      { mode: 'serve', plugins: ['host'], hostOptions: { gpu: 'nvidia-smi', nvidiaSmiPath: smi, gpuIntervalMs: 200, intervalMs: 500 } },
      { FAKE_SMI_LINES: '0, GPU-1, Tesla T4, 10, 1, 2, 3, 4, 5', FAKE_SMI_LOG: log },
    );
    const { metrics } = await fixture.line<{ metrics: string }>('PERFKIT_FIXTURE_READY');
    const deadline = Date.now() + 10_000;
    let text = '';
    while (Date.now() < deadline && !/hw_gpu|gpu_utilization/.test(text)) {
      text = await (await fetch(metrics)).text();
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(text).toMatch(/gpu/);
    expect(processesRunning(smi).length).toBe(1);
    fixture.process.child.kill('SIGTERM');
    await fixture.line('PERFKIT_FIXTURE_SHUT_DOWN');
    expect(await exitWithin(fixture.process, 10_000)).toBe(0);
    expect(processesRunning(smi)).toEqual([]);
  });
});

describe('dashboard security', () => {
  async function startDashboard(options: Parameters<typeof dashboardPlugin>[0]) {
    const { perf } = setup();
    const dashboard = perf.use(dashboardPlugin(options)) as DashboardPlugin;
    await dashboard.ready();
    return dashboard;
  }

  it('binds its own server to 127.0.0.1 when no host is configured', async () => {
    const dashboard = await startDashboard({ port: 0 });
    expect(new URL(dashboard.url!).hostname).toBe('127.0.0.1');
  });

  it('refuses to serve beyond loopback without an API key', () => {
    expect(() => dashboardPlugin({ port: 0, host: '0.0.0.0' })).toThrow(expect.objectContaining({ code: 'PERFKIT_ERR_DASHBOARD_API_KEY_REQUIRED' }));
  });

  it('compares the API key with crypto.timingSafeEqual and answers 401 for a wrong, shorter, longer or missing key', async () => {
    const key = 'k'.repeat(32);
    const dashboard = await startDashboard({ port: 0, apiKey: key });
    const url = new URL('api/v1/performance/dashboard', dashboard.url).toString();
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      for (const given of ['k'.repeat(31) + 'x', 'k', 'k'.repeat(64), '']) {
        const res = await fetch(url, { headers: given ? { 'x-api-key': given } : {} });
        expect([given.length, res.status]).toEqual([given.length, 401]);
        await res.text();
      }
      const ok = await fetch(url, { headers: { 'x-api-key': key } });
      expect(ok.status).toBe(200);
      await ok.text();
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

/** An HTTP request whose path is sent exactly as given (fetch would normalize `..` away). */
function rawRequest(base: URL, method: string, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, method, path: rawPath }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the dashboard under hostile requests', () => {
  it('answers every odd path, query and method without a 5xx and keeps serving when random requests arrive', async () => {
    const { perf } = setup();
    const dashboard = perf.use(dashboardPlugin({ port: 0 })) as DashboardPlugin;
    await dashboard.ready();
    const base = new URL(dashboard.url!);
    const path = fc.oneof(
      fc.webPath(),
      fc.constantFrom('/assets/../../package.json', '/assets/..%2f..%2fpackage.json', '/api/v1/performance/metrics/%00', '/api/v1/performance/report?window=-1', '/api/v1/performance/dashboard?window=1e999', '/health/detailed?x=' + 'y'.repeat(4000), '/%ff%fe', '//'),
      fc.tuple(fc.constantFrom('/api/v1/performance/report', '/api/v1/performance/operations/active', '/api/v1/performance/resources/history'), fc.webQueryParameters()).map(([p, q]) => `${p}?${q}`),
    );
    await fc.assert(
      fc.asyncProperty(path, fc.constantFrom('GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'), async (p, method) => {
        const res = await rawRequest(base, method, p.startsWith('/') ? p : '/' + p);
        expect([p, method, res.status < 500]).toEqual([p, method, true]);
      }),
      { numRuns: 200 },
    );
    const again = await fetch(new URL('health', base));
    expect(again.status).toBe(200);
    for (const traversal of ['/assets/../../package.json', '/assets/../../../package.json', '/assets/..%2f..%2f..%2fpackage.json']) {
      const res = await rawRequest(base, 'GET', traversal);
      expect([traversal, res.body.includes('"workspaces"') || res.body.includes('"dependencies"')]).toEqual([traversal, false]);
    }
  });
});

describe('hostile input to the parsers of the upper floors', () => {
  it('never throws from parseNvidiaSmiLine, whatever line nvidia-smi (or a broken driver) prints', () => {
    fc.assert(
      fc.property(fc.oneof(nastyString, fc.array(fc.oneof(nastyString, fc.double().map(String)), { maxLength: 12 }).map((f) => f.join(', ')), fc.constant('x'.repeat(100_000))), (line) => {
        const sample = parseNvidiaSmiLine(line);
        if (sample !== undefined) expect(typeof sample).toBe('object');
      }),
      { numRuns: 2000 },
    );
  });

  it('throws only coded errors from parseSlaSpec when the spec is hostile', () => {
    fc.assert(
      fc.property(
        fc.oneof(hostileValue, fc.record({ service: hostileValue, objectives: fc.oneof(fc.constant([]), fc.array(fc.record({ name: fc.string(), operationType: fc.string(), target: fc.double() }))) }, { requiredKeys: [] })),
        (spec) => {
          try {
            parseSlaSpec(spec as never);
          } catch (err) {
            expect(err).toBeInstanceOf(Error);
            expect(typeof (err as { code?: unknown }).code).toBe('string');
            expect(err instanceof PerfkitError || /^PERFKIT_ERR_/.test((err as { code: string }).code)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
