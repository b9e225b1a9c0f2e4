import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPerfkit, type Perfkit, type PerfkitPlugin } from '@perfkit/core';

function otlpReceiver() {
  const bodies: Buffer[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(parts));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise<{ url: string; bodies: Buffer[]; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`,
        bodies,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

describe('regression: shutdown lost running operations and left loose ends', () => {
  it('waits for an operation still running, so the final export carries it', async () => {
    const receiver = await otlpReceiver();
    try {
      const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', otlp: { url: receiver.url, intervalMs: 3_600_000 } });
      const done = perf.trackOperation('download', 'in-flight', () => new Promise((r) => setTimeout(r, 150)));
      await perf.shutdown();
      await done;
      const last = receiver.bodies.at(-1)!.toString('utf8');
      expect(last).toContain('in-flight');
      expect(last).toMatch(/"count":"?1"?/);
    } finally {
      await receiver.close();
    }
  });

  it('gives up waiting after shutdownTimeoutMs', async () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', shutdownTimeoutMs: 50 });
    perf.operation('download', 'stuck').start(); // never ended
    const t0 = Date.now();
    await perf.shutdown();
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('refuses use() after shutdown with a coded error, and never starts the plug-in', async () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    await perf.shutdown();
    let started = false;
    const plugin: PerfkitPlugin = { name: 'late', start: () => void (started = true) };
    expect(() => perf.use(plugin)).toThrow(expect.objectContaining({ code: 'PERFKIT_ERR_SHUT_DOWN' }));
    expect(started).toBe(false);
  });

  it('answers 503 with a one-line body after shutdown, logging once; metrics() still resolves', async () => {
    const logged: string[] = [];
    const log = (m: string) => logged.push(m);
    const perf: Perfkit = createPerfkit({ prometheus: { serve: false }, logLevel: 'info', logger: { error: log, warn: log, info: log, debug: log } });
    perf.trackOperation('download', 'a', () => 0);
    await perf.shutdown();
    const server = http.createServer(perf.metricsHandler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      for (let i = 0; i < 3; i++) {
        const res = await fetch(url);
        expect(res.status).toBe(503);
        const body = await res.text();
        expect(body.trim().split('\n')).toHaveLength(1);
      }
      expect(logged.filter((m) => /scrape/.test(m))).toHaveLength(1);
      await expect(perf.metrics()).resolves.toContain('operation_name="a"');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
