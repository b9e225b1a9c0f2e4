import net from 'node:net';
import { GUARD_METRICS, METRICS, LABEL } from '@perfkit/core';
import { ensureBuilt, REPO_ROOT, startExample, startProcess, waitFor, type StartedExample } from '../helpers';

/** Scrapes the example and returns the value of the first sample whose line starts with `prefix`. */
async function sample(example: StartedExample, prefix: string): Promise<number | undefined> {
  const text = await (await fetch(example.metrics)).text();
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function post(url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body ?? {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const dur = METRICS.operationDuration.prom;
const op = (type: string, name: string, extra = '') => `{${LABEL.operationType}="${type}",${LABEL.operationName}="${name}"${extra}}`;

describe('example model service', () => {
  let example: StartedExample;

  function setup() {
    return { app: example.app, knobs: example.ready.knobs };
  }

  beforeAll(async () => {
    example = await startExample({ traffic: false, backgroundIntervalMs: 60_000, args: ['--generate-timeout-ms', '300'], knobs: { downloadFailureRate: 0, healthCorruptionRate: 0, generateFailureRate: 0 } });
  }, 30_000);

  afterAll(async () => {
    await example?.stop();
  });

  it('prints a READY line with every URL and the human-readable URLs after it', async () => {
    const { ready } = example;
    for (const key of ['app', 'metrics', 'knobs', 'models'] as const) expect(ready[key]).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(ready.traffic).toBe(0);
    const out = await waitFor(() => (example.process.output().includes('Press Ctrl-C to stop.') ? example.process.output() : undefined), 5000, 20);
    for (const key of ['service', 'sla', 'dashboard', 'api', 'health', 'slaSpec'] as const) expect(out).toContain(String(ready[key]));
    // The spec path and the /sla URL under keys of their own (the path used to hide the URL under `sla`).
    expect([ready.sla, ready.slaSpec]).toEqual([`${ready.app}/sla`, expect.stringMatching(/[\\/]examples[\\/]sla\.yaml$/)]);
    expect(out.indexOf('PERFKIT_EXAMPLE_READY')).toBeLessThan(out.indexOf(ready.metrics, out.indexOf('\n')));
  });

  it('downloads, loads and generates, recording tokens, bytes and an integrity check', async () => {
    const { app } = setup();
    const gen = await post(`${app}/generate`, { model: 'tinyllama-1.1b-chat', prompt: 'hello', maxTokens: 16 });
    expect(gen.status).toBe(200);
    expect(gen.body.completionTokens).toBeGreaterThan(0);
    expect(await sample(example, `${dur}_count${op('model_operation', 'generate', `,${LABEL.outcome}="success"`)}`)).toBe(1);
    expect(await sample(example, `${METRICS.modelTokens.prom}${op('model_operation', 'generate')}`)).toBeGreaterThan(0);
    expect(await sample(example, `${METRICS.downloadBytes.prom}${op('download', 'fetch-weights')}`)).toBe(Math.round(0.64 * 1024 ** 3));
    expect(await sample(example, `${METRICS.downloadIntegrityChecks.prom}${op('download', 'fetch-weights', `,${LABEL.integrityResult}="passed"`)}`)).toBe(1);
  });

  it('falls back to a compatible model when a health check finds corruption', async () => {
    const { app } = setup();
    await post(`${app}/models/llama-3-8b-instruct-q4/download`);
    await example.setKnobs({ healthCorruptionRate: 1 });
    const report = await post(`${app}/models/llama-3-8b-instruct-q4/health-check`);
    expect(report.body).toMatchObject({ integrityScore: 0, isHealthy: false });
    await example.setKnobs({ healthCorruptionRate: 0 });
    const gen = await post(`${app}/generate`, { model: 'llama-3-8b-instruct-q4', prompt: 'hi', maxTokens: 8 });
    expect(gen.status).toBe(200);
    expect(gen.body.model).not.toBe('llama-3-8b-instruct-q4');
    expect((gen.body.fallback as { compatibilityScore: number }).compatibilityScore).toBeGreaterThan(0.4);
    expect(await sample(example, `${METRICS.fallbackAlternatives.prom}${op('fallback', 'select-alternative')}`)).toBe(4);
    expect(await sample(example, `${METRICS.healthCheckCorruptions.prom}${op('health_check', 'verify-integrity')}`)).toBeGreaterThan(0);
  });

  it('retries a failing download and records the failure with its error type when retries run out', async () => {
    const { app } = setup();
    await example.setKnobs({ downloadFailureRate: 1 });
    const res = await post(`${app}/models/phi-3-mini-4k/download`);
    await example.setKnobs({ downloadFailureRate: 0 });
    expect(res.status).toBe(502);
    expect(['ECONNRESET', 'INTEGRITY_MISMATCH']).toContain(res.body.error);
    expect(await sample(example, `${METRICS.operationRetries.prom}${op('download', 'fetch-weights')}`)).toBe(2);
    expect(await sample(example, `${dur}_count${op('download', 'fetch-weights', `,${LABEL.outcome}="failure",${LABEL.errorType}="${String(res.body.error)}"`)}`)).toBe(1);
  });

  it('ends a slow generate as outcome timeout and answers 504', async () => {
    const { app } = setup();
    await example.setKnobs({ generateDelayMs: 1000 });
    const res = await post(`${app}/generate`, { model: 'tinyllama-1.1b-chat', prompt: 'slow', maxTokens: 4 });
    await example.setKnobs({ generateDelayMs: 0 });
    expect(res.status).toBe(504);
    // The guard answers the caller at the deadline; the operation is recorded once the worker has been terminated.
    expect(await waitFor(() => sample(example, `${dur}_count${op('model_operation', 'generate', `,${LABEL.outcome}="timeout"`)}`), 5000, 50)).toBe(1);
  });

  it('runs generate on the worker pool behind the generate guard and records a worker failure with its code', async () => {
    const { app } = setup();
    expect(await sample(example, `${GUARD_METRICS.maxConcurrent.prom}{guard="generate"}`)).toBe(4);
    await example.setKnobs({ generateFailureRate: 1 });
    const res = await post(`${app}/generate`, { model: 'tinyllama-1.1b-chat', prompt: 'p', maxTokens: 4 });
    await example.setKnobs({ generateFailureRate: 0 });
    expect(res).toMatchObject({ status: 503, body: { error: 'OUT_OF_MEMORY' } });
    expect(await waitFor(() => sample(example, `${dur}_count${op('model_operation', 'generate', `,${LABEL.outcome}="failure",${LABEL.errorType}="OUT_OF_MEMORY"`)}`), 5000, 50)).toBe(1);
    expect((await post(`${app}/generate`, { model: 'tinyllama-1.1b-chat', prompt: 'p', maxTokens: 4 })).status).toBe(200);
  });

  it.each([
    [{ downloadFailureRate: Number.NaN }, 'downloadFailureRate'],
    [{ downloadFailureRate: 2 }, 'downloadFailureRate'],
    [{ generateDelayMs: -1 }, 'generateDelayMs'],
    [{ generateDelayMs: 'slow' }, 'generateDelayMs'],
    [{ healthCorruptionRate: 1e309 }, 'healthCorruptionRate'],
    [{ unknownKnob: 1 }, 'knobs'],
    [[1, 2], 'knobs'],
  ])('rejects knobs %j naming the bad key', async (knobs, key) => {
    const before = (await (await fetch(setup().knobs)).json()) as Record<string, number>;
    const res = await post(setup().knobs, knobs);
    expect(res.status).toBe(400);
    expect(String(res.body.message)).toContain(key);
    expect(await (await fetch(setup().knobs)).json()).toEqual(before);
  });

  it.each([
    ['not json', 400],
    [{ model: 'x'.repeat(200_000), prompt: 'p', maxTokens: 1 }, 404],
    ['{"model": "tinyllama-1.1b-chat", "prompt": "p", "maxTokens": 1e999}', 400],
    [{ model: 'tinyllama-1.1b-chat', prompt: 'p', maxTokens: 0.5 }, 400],
    [{ model: ['tinyllama-1.1b-chat'], prompt: 'p', maxTokens: 1 }, 400],
    ['null', 400],
    [{ model: 'tinyllama-1.1b-chat', prompt: 42, maxTokens: 1 }, 400],
    [{ model: 'tinyllama-1.1b-chat', prompt: 'p', maxTokens: 1e9 }, 400],
    ['x'.repeat(2 * 1024 * 1024), 413],
  ])('answers hostile generate body #%# with a 4xx status and keeps serving', async (body, status) => {
    const res = await post(`${setup().app}/generate`, body);
    expect(res.status).toBe(status);
    expect((await fetch(`${setup().app}/healthz`)).status).toBe(200);
  });

  it('judges the SLA objectives and limits in process at /sla', async () => {
    const res = await fetch(`${setup().app}/sla`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { checks: Array<{ id: string }> };
    expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['download-success', 'generate-latency', 'generate-success']));
  });

  it('answers 404 for an unknown route or model', async () => {
    expect((await fetch(`${setup().app}/nope`)).status).toBe(404);
    expect((await fetch(`${setup().app}/models/%E0%A4%A`)).status).toBe(400);
    expect((await post(`${setup().app}/models/unknown/load`)).status).toBe(404);
  });
});

describe('example model service process', () => {
  const main = () => ensureBuilt('examples/model-service', 'main.js');

  it('exits 0 after SIGTERM, having shut perfkit down', async () => {
    const example = await startExample({ traffic: 50 });
    expect(await example.stop()).toBe(0);
    expect(example.process.output()).toContain('received SIGTERM, shutting down');
  });

  it('serves the same API with --no-perfkit, with no /metrics and no page (the overhead baseline)', async () => {
    const example = await startExample({ traffic: 20, args: ['--no-perfkit'] });
    try {
      const models = (await (await fetch(`${example.app}/models`)).json()) as unknown[];
      expect(models.length).toBeGreaterThan(0);
      expect((await fetch(`${example.app}/metrics`)).status).toBe(404);
      expect((await fetch(`${example.app}/api/v1/performance/dashboard`)).status).toBe(404);
      expect(example.ready.slaSpec).toBeNull();
    } finally {
      expect(await example.stop()).toBe(0);
    }
  });

  it('exits 2 with the key and usage when a flag value is bad', async () => {
    const proc = startProcess(process.execPath, [main(), '--traffic-rate', 'NaN', '--port', '0'], { cwd: REPO_ROOT });
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toMatch(/example\.trafficRate = "NaN"/);
    expect(proc.output()).toContain('Usage:');
  });

  it('exits 1 with PERFKIT_ERR_PORT_IN_USE when the metrics port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const proc = startProcess(process.execPath, [main(), '--port', '0', '--metrics-port', String(port), '--no-traffic'], { cwd: REPO_ROOT });
      expect(await proc.exited).toBe(1);
      expect(proc.output()).toContain('PERFKIT_ERR_PORT_IN_USE');
    } finally {
      blocker.close();
    }
  });
});
