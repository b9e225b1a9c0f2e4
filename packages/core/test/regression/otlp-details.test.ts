import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPerfkit } from '@perfkit/core';

interface Receiver {
  url: string;
  bodies: Array<Record<string, unknown>>;
  times: number[];
  close(): Promise<void>;
}

/** An OTLP/HTTP JSON receiver: answers each request with `answer(n)` (status and headers). */
function receiver(answer: (n: number) => { status: number; headers?: Record<string, string> }): Promise<Receiver> {
  const bodies: Array<Record<string, unknown>> = [];
  const times: number[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      times.push(Date.now());
      try {
        bodies.push(JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>);
      } catch {
        bodies.push({});
      }
      const { status, headers } = answer(times.length);
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`, bodies, times, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

type Json = { resourceMetrics: Array<{ scopeMetrics: Array<{ scope: { name: string }; metrics: Array<{ name: string; histogram?: { dataPoints: Array<Record<string, unknown>> } }> }> }> };

describe('regression: OTLP details', () => {
  it('sends min and max with store histograms, and one ScopeMetrics per scope', async () => {
    const r = await receiver(() => ({ status: 200 }));
    process.env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL = 'http/json';
    try {
      const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', otlp: { url: r.url, intervalMs: 3_600_000 } });
      perf.meter.createCounter('own.counter').add(1);
      const op = perf.operation('download', 'mm');
      op.record(0.25);
      op.record(4);
      op.record(1);
      await perf.forceFlush();
      await perf.shutdown();
      const body = r.bodies.find((b) => JSON.stringify(b).includes('"mm"')) as unknown as Json;
      const scopes = body.resourceMetrics[0]!.scopeMetrics.map((s) => s.scope.name);
      expect(scopes.length).toBe(new Set(scopes).size);
      const hist = body.resourceMetrics[0]!.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.name === 'perfkit.operation.duration')!;
      const point = hist.histogram!.dataPoints.find((p) => JSON.stringify(p).includes('"mm"'))!;
      expect(point.min).toBe(0.25);
      expect(point.max).toBe(4);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL;
      await r.close();
    }
  });

  it('holds back periodic exports while the receiver said Retry-After', async () => {
    const r = await receiver((n) => (n === 1 ? { status: 429, headers: { 'retry-after': '30' } } : { status: 200 }));
    try {
      const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', otlp: { url: r.url, intervalMs: 100, timeoutMs: 100 } });
      perf.trackOperation('download', 'x', () => 0);
      await new Promise((res) => setTimeout(res, 1200));
      // Without Retry-After handling the exporter sends every 100 ms (about 10 requests); with it, one.
      expect(r.times.length).toBe(1);
      expect(perf.exportStatus().otlp.lastError).toMatch(/Retry-After/);
      await perf.shutdown();
    } finally {
      await r.close();
    }
  });
});
