/**
 * Regression: `OTEL_EXPORTER_OTLP_HEADERS` reached the wire even when code set `otlp.headers`. perfkit's configuration
 * (and `exportStatus()`) said code decided the headers, but the OpenTelemetry exporter reads the variable again in its
 * constructor and merges every header of it under the ones it is given: a token set for the app's own collector
 * (`authorization=Bearer vendor-token`) was sent to the collector perfkit's code named. What a real HTTP receiver gets is
 * compared with the headers the test wrote in code (code > PERFKIT_* > OTEL_*, README "Configuration").
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPerfkit, type PerfkitConfig } from '@perfkit/core';

const VARIABLES = ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL'] as const;

/** Starts a receiver, exports once through a perfkit made with `env` set, and returns the headers of the first request. */
async function headersReceived(env: Partial<Record<(typeof VARIABLES)[number], string>>, otlp: Omit<NonNullable<PerfkitConfig['otlp']>, 'url'>): Promise<http.IncomingHttpHeaders> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const saved = VARIABLES.map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, { OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json' }, env);
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', otlp: { url, intervalMs: 3_600_000, ...otlp } });
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
  expect(seen.length).toBeGreaterThan(0);
  return seen[0]!;
}

describe('regression: OTEL_EXPORTER_OTLP_HEADERS sent beside the headers given in code', () => {
  it('sends only the headers given in code', async () => {
    const headers = await headersReceived(
      { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20vendor-token', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-vendor-tenant=t1' },
      { headers: { 'x-scope-orgid': 'team-a' } },
    );
    expect(headers['x-scope-orgid']).toBe('team-a');
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-vendor-tenant']).toBeUndefined();
  });

  it('still sends the variables headers when code sets none, the metrics-specific one winning per header', async () => {
    const headers = await headersReceived({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20a,x-tenant=generic', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-tenant=metrics' }, {});
    expect(headers.authorization).toBe('Bearer a');
    expect(headers['x-tenant']).toBe('metrics');
  });

  it('leaves the variables in process.env as they were', async () => {
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'k=v';
    try {
      const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', otlp: { url: 'http://127.0.0.1:9/v1/metrics', headers: { a: 'b' }, intervalMs: 3_600_000, timeoutMs: 200 } });
      expect(process.env.OTEL_EXPORTER_OTLP_HEADERS).toBe('k=v');
      await perf.shutdown();
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
    }
  });
});
