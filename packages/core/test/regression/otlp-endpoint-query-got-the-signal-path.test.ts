/**
 * Regression: `OTEL_EXPORTER_OTLP_ENDPOINT` with a query string (`http://h:4318/?tenant=a`) got `/v1/metrics` appended
 * to its text, `http://h:4318/?tenant=a/v1/metrics`: every export went to `/` with the query `tenant=a/v1/metrics`. The
 * OpenTelemetry specification (protocol/exporter.md, "Endpoint URLs for OTLP/HTTP") builds a signal's URL by appending
 * `v1/metrics` to the base endpoint's path, and uses `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` as it is. What a real HTTP
 * receiver on loopback reads from the request line is compared with request targets written by hand from that rule.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPerfkit, type PerfkitConfig } from '@perfkit/core';

const VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'PERFKIT_OTLP_URL', 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'] as const;
type Variables = Partial<Record<(typeof VARIABLES)[number], string>>;

/**
 * Starts a receiver, exports once through a perfkit made with the variables `env(origin)` sets (and `otlp(origin)` in
 * code), and returns the distinct method and request target of the requests it got (the flush and the final export).
 */
async function requestLines(env: (origin: string) => Variables, otlp?: (origin: string) => PerfkitConfig['otlp']): Promise<string[]> {
  const lines: string[] = [];
  const server = http.createServer((req, res) => {
    lines.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const saved = VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of VARIABLES) delete process.env[name];
  Object.assign(process.env, env(origin));
  try {
    const given = otlp?.(origin);
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', ...(given ? { otlp: { intervalMs: 3_600_000, ...given } } : {}) });
    perf.trackOperation('download', 'weights', () => 1);
    await perf.forceFlush();
    await perf.shutdown();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return [...new Set(lines)];
}

describe('regression: the signal path appended after the query of OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('appends v1/metrics to the base path and keeps the query after it', async () => {
    expect(await requestLines((o) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: `${o}/?tenant=a` }))).toEqual(['POST /v1/metrics?tenant=a']);
    expect(await requestLines((o) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: `${o}?tenant=a&x=1` }))).toEqual(['POST /v1/metrics?tenant=a&x=1']);
    expect(await requestLines((o) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: `${o}/gateway?tenant=a` }))).toEqual(['POST /gateway/v1/metrics?tenant=a']);
  });

  it('leaves a fragment out of the request and the path as before without a query', async () => {
    expect(await requestLines((o) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: `${o}/gateway/#part` }))).toEqual(['POST /gateway/v1/metrics']);
    expect(await requestLines((o) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: `${o}/gateway/` }))).toEqual(['POST /gateway/v1/metrics']);
    expect(await requestLines((o) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: o }))).toEqual(['POST /v1/metrics']);
  });

  it('uses OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, PERFKIT_OTLP_URL and otlp.url as they are, query included', async () => {
    expect(await requestLines((o) => ({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${o}/custom?tenant=a`, OTEL_EXPORTER_OTLP_ENDPOINT: `${o}/base` }))).toEqual(['POST /custom?tenant=a']);
    expect(await requestLines((o) => ({ PERFKIT_OTLP_URL: `${o}/ingest?tenant=b` }))).toEqual(['POST /ingest?tenant=b']);
    expect(await requestLines(() => ({}), (o) => ({ url: `${o}/?tenant=c` }))).toEqual(['POST /?tenant=c']);
  });
});
