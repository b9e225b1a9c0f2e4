/**
 * SIGTERM under load: the example stops accepting, lets every request in flight finish, flushes OTLP and exits 0;
 * a second signal cuts the drain short but the flush still runs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startExample, waitFor, type StartedExample } from '../helpers';

/** A stand-in OTLP/HTTP receiver: answers 200 and remembers when each push came. */
async function otlpReceiver() {
  const pushes: number[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      pushes.push(Date.now());
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`, pushes, close: () => server.close() };
}

/** One POST /generate on a connection of its own; resolves with the status and the complete body, or the error. */
function generate(app: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ model: 'tinyllama-1.1b-chat', prompt: 'hi', maxTokens: 4 });
    const req = http.request(`${app}/generate`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      res.on('error', (err) => resolve({ error: String(err) }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? String(err) }));
    req.end(body);
  });
}

let example: StartedExample | undefined;
afterEach(async () => {
  await example?.stop();
  example = undefined;
});

describe('graceful shutdown of the example', () => {
  it('answers all 50 concurrent requests in flight at SIGTERM completely, refuses new ones, flushes and exits 0', async () => {
    const otlp = await otlpReceiver();
    try {
      // Main-thread generate (no worker queue) so all 50 run at once, each ~1.5 s.
      example = await startExample({ traffic: false, otlpUrl: otlp.url, otlpIntervalMs: 60_000, knobs: { generateDelayMs: 1500, generateFailureRate: 0 }, args: ['--generate-workers', '0'] });
      const app = example.app;
      expect((await generate(app)).valueOf()).toMatchObject({ status: 200 }); // model loaded before the burst
      const inFlight = Array.from({ length: 50 }, () => generate(app));
      await new Promise((r) => setTimeout(r, 400));
      const signalledAt = Date.now();
      example.process.child.kill('SIGTERM');
      const started = example;
      await waitFor(() => /no new connections/.test(started.process.output()) || undefined, 10_000, 20);
      const late = await generate(app);
      const answers = await Promise.all(inFlight);
      for (const a of answers) {
        expect(a).toMatchObject({ status: 200 });
        expect(JSON.parse((a as { body: string }).body)).toMatchObject({ requestedModel: 'tinyllama-1.1b-chat' });
      }
      expect(late).toEqual({ error: 'ECONNREFUSED' });
      expect(await example.process.exited).toBe(0);
      const out = example.process.output();
      expect(out).toMatch(/every request in flight answered/);
      expect(out).toMatch(/shutdown: flushed/);
      expect(otlp.pushes.some((t) => t >= signalledAt)).toBe(true);
    } finally {
      otlp.close();
    }
  }, 60_000);

  it('cuts the drain short on a second signal and still flushes', async () => {
    const otlp = await otlpReceiver();
    try {
      example = await startExample({
        traffic: false,
        otlpUrl: otlp.url,
        otlpIntervalMs: 60_000,
        knobs: { generateDelayMs: 20_000, generateFailureRate: 0 },
        args: ['--generate-workers', '0', '--generate-timeout-ms', '60000', '--drain-timeout-ms', '30000'],
      });
      const app = example.app;
      const inFlight = Array.from({ length: 5 }, () => generate(app));
      await new Promise((r) => setTimeout(r, 500));
      const signalledAt = Date.now();
      example.process.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      example.process.child.kill('SIGTERM');
      expect(await example.process.exited).toBe(0);
      // The bound fell from 30 s to 1 s: the process is gone long before the 20 s requests could have finished.
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      const out = example.process.output();
      expect(out).toMatch(/again: cutting the drain to 1000 ms/);
      expect(out).toMatch(/drain bound reached/);
      expect(out).toMatch(/shutdown: flushed/);
      expect(otlp.pushes.some((t) => t >= signalledAt)).toBe(true);
      for (const a of await Promise.all(inFlight)) expect(a).toHaveProperty('error');
    } finally {
      otlp.close();
    }
  }, 60_000);
});
