/**
 * Regression: an `OTEL_*` value perfkit could not use (`OTEL_EXPORTER_OTLP_TIMEOUT=30s`, an unknown temporality, a
 * malformed %-escape in `OTEL_RESOURCE_ATTRIBUTES` or `OTEL_EXPORTER_OTLP_HEADERS`) made `createPerfkit` throw, so a
 * variable set for a whole fleet, which the app's own OpenTelemetry SDK ignores with a warning, stopped the service at
 * start; and an invalid `OTEL_EXPORTER_OTLP_METRICS_TIMEOUT` hid a valid `OTEL_EXPORTER_OTLP_TIMEOUT`. The
 * OpenTelemetry specification (configuration/common.md, numeric values: "SHOULD generate a warning and gracefully
 * ignore the setting, i.e., treat them as not set"; the same for unknown enum values; resource/sdk.md: on a decoding
 * error "the entire environment variable value SHOULD be discarded and an error SHOULD be reported") is where the
 * expected values come from: the default (10000 ms, cumulative), or the next variable's value, and one warning naming
 * the variable, its value and what is allowed. perfkit's own `PERFKIT_*` variables still fail the configuration.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPerfkit, loadConfig, PerfkitConfigError, type ConfigProblem } from '@perfkit/core';

const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' };

function load(env: Record<string, string>) {
  const ignored: ConfigProblem[] = [];
  const config = loadConfig({}, env, { ignored });
  return { config, ignored };
}

describe('regression: an invalid OTEL_* variable failed createPerfkit', () => {
  it('treats an unparsable or out-of-range OTEL_* number as unset, with the default', () => {
    const { config, ignored } = load({ ...ENDPOINT, OTEL_EXPORTER_OTLP_TIMEOUT: '30s', OTEL_METRIC_EXPORT_INTERVAL: '-5' });
    expect(config.otlp).toMatchObject({ url: 'http://127.0.0.1:9/v1/metrics', timeoutMs: 10_000, intervalMs: 15_000 });
    expect(ignored.map((p) => [p.source, p.key, p.value])).toEqual([
      ['OTEL_EXPORTER_OTLP_TIMEOUT', 'otlp.timeoutMs', '30s'],
      ['OTEL_METRIC_EXPORT_INTERVAL', 'otlp.intervalMs', -5],
    ]);
  });

  it('lets the next variable apply when the more specific one is invalid', () => {
    const { config } = load({ ...ENDPOINT, OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: 'abc', OTEL_EXPORTER_OTLP_TIMEOUT: '2500' });
    expect(config.otlp?.timeoutMs).toBe(2500);
    const headers = load({ ...ENDPOINT, OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'authorization=Bearer%zz', OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=a' });
    expect(headers.config.otlp?.headers).toEqual({ 'x-tenant': 'a' });
  });

  it('ignores an unknown temporality and a malformed OTEL_RESOURCE_ATTRIBUTES as a whole', () => {
    const { config, ignored } = load({ ...ENDPOINT, OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'deltas', OTEL_RESOURCE_ATTRIBUTES: 'service.name=svc,team=%zz' });
    expect(config.otlp?.temporality).toBe('cumulative');
    expect(config.resourceAttributes).toEqual({});
    expect(config.serviceName).toBe('unknown_service');
    expect(ignored.map((p) => p.source).sort()).toEqual(['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE', 'OTEL_RESOURCE_ATTRIBUTES']);
  });

  it('starts and warns once per ignored variable, naming it, its value (secrets redacted) and what is allowed', async () => {
    const saved = { ...process.env };
    // A receiver that refuses the final flush at once: a port where nothing listens has it retried for the whole
    // default timeout (10 s).
    const receiver = createServer((req, res) => void req.resume().on('end', () => res.writeHead(400).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    Object.assign(process.env, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '30s', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%zzs3cret' });
    const warnings: string[] = [];
    try {
      const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'warn', logger: { warn: (m: string) => warnings.push(m) } });
      await perf.shutdown();
    } finally {
      receiver.close();
      for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TIMEOUT', 'OTEL_EXPORTER_OTLP_HEADERS']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
    const timeout = warnings.filter((w) => w.includes('OTEL_EXPORTER_OTLP_TIMEOUT'));
    expect(timeout).toHaveLength(1);
    expect(timeout[0]).toContain('otlp.timeoutMs = "30s"');
    expect(timeout[0]).toContain('expected number');
    expect(warnings.filter((w) => w.includes('OTEL_EXPORTER_OTLP_HEADERS'))).toHaveLength(1);
    expect(warnings.join('\n')).not.toContain('s3cret');
  });

  it('still fails on an invalid PERFKIT_* variable, and warns of nothing a value in code decided', () => {
    expect(() => loadConfig({}, { ...ENDPOINT, PERFKIT_OTLP_INTERVAL_MS: '30s' })).toThrow(PerfkitConfigError);
    const { config, ignored } = load({ OTEL_EXPORTER_OTLP_TIMEOUT: '30s' }); // no endpoint: OTLP settings are not read
    expect(config.otlp).toBeUndefined();
    expect(ignored).toEqual([]);
    const coded: ConfigProblem[] = [];
    loadConfig({ otlp: { url: 'http://127.0.0.1:9/v1/metrics', timeoutMs: 500 } }, { OTEL_EXPORTER_OTLP_TIMEOUT: '30s' }, { ignored: coded });
    expect(coded).toEqual([]);
  });
});
