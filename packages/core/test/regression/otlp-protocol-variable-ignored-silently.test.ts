/**
 * Regression: `OTEL_EXPORTER_OTLP_PROTOCOL=grpc` (or `http/protobuf`, or the `_METRICS_` variable) was ignored without
 * a word, and perfkit sent OTLP/JSON over HTTP, the only thing its exporter (`@opentelemetry/exporter-metrics-otlp-http`,
 * `Content-Type: application/json`) writes, to an endpoint the operator had set up for another protocol. The
 * OpenTelemetry specification's rule for a value an SDK does not support is a warning: one at start-up, naming the
 * variable, its value and what perfkit sends; none when it asks for `http/json` or when perfkit sends no OTLP.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPerfkit } from '@perfkit/core';

async function warningsWith(variables: Record<string, string>, run?: (perf: ReturnType<typeof createPerfkit>) => Promise<void>): Promise<string[]> {
  const saved = { ...process.env };
  Object.assign(process.env, { OTEL_EXPORTER_OTLP_TIMEOUT: '200' }, variables);
  const warnings: string[] = [];
  try {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'warn', logger: { warn: (m: string) => warnings.push(m) } });
    await run?.(perf);
    await perf.shutdown();
  } finally {
    for (const name of ['OTEL_EXPORTER_OTLP_TIMEOUT', ...Object.keys(variables)]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
  return warnings;
}

const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' };
const protocolWarnings = (warnings: string[]) => warnings.filter((w) => w.includes('PROTOCOL'));

describe('regression: OTEL_EXPORTER_OTLP_PROTOCOL was ignored silently', () => {
  it('warns once, naming the variable, its value and what perfkit sends, and still sends OTLP/JSON over HTTP', async () => {
    const received: string[] = [];
    const collector = http.createServer((req, res) => {
      received.push(String(req.headers['content-type']));
      req.resume().on('end', () => res.end());
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    try {
      const warnings = await warningsWith({ OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, async (perf) => {
        perf.operation('download', 'a').record(1);
        await perf.forceFlush();
      });
      expect(protocolWarnings(warnings)).toHaveLength(1);
      expect(protocolWarnings(warnings)[0]).toContain('"grpc" (from OTEL_EXPORTER_OTLP_PROTOCOL): perfkit sends http/json');
      expect(received[0]).toBe('application/json');
    } finally {
      collector.close();
    }
  });

  it('names the metrics-specific variable, which wins over the general one', async () => {
    const warnings = await warningsWith({ ...ENDPOINT, OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    expect(protocolWarnings(warnings)).toHaveLength(1);
    expect(protocolWarnings(warnings)[0]).toContain('"http/protobuf" (from OTEL_EXPORTER_OTLP_METRICS_PROTOCOL)');
  });

  it('says nothing when the protocol asked for is http/json, or when perfkit sends no OTLP', async () => {
    expect(protocolWarnings(await warningsWith({ ...ENDPOINT, OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }))).toEqual([]);
    expect(protocolWarnings(await warningsWith({ ...ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'HTTP/JSON' }))).toEqual([]);
    expect(protocolWarnings(await warningsWith({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }))).toEqual([]);
  });
});
