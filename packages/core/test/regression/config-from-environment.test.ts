import { loadConfig, PerfkitConfigError, type PerfkitConfig } from '@perfkit/core';

function errorOf(input: PerfkitConfig | undefined, env: Record<string, string> = {}): PerfkitConfigError {
  try {
    loadConfig(input, env);
  } catch (err) {
    expect(err).toBeInstanceOf(PerfkitConfigError);
    return err as PerfkitConfigError;
  }
  throw new Error('expected a PerfkitConfigError');
}

const URL_A = 'http://collector:4318/v1/metrics';

describe('regression: configuration from the environment', () => {
  it('keeps prometheus: false from code even when PERFKIT_PROMETHEUS_PORT is set', () => {
    expect(loadConfig({ prometheus: false }, { PERFKIT_PROMETHEUS_PORT: '9999' }).prometheus).toBe(false);
  });

  it('ignores OTLP interval and headers variables when no OTLP endpoint is set', () => {
    const cfg = loadConfig({}, { PERFKIT_OTLP_INTERVAL_MS: '5000', PERFKIT_OTLP_HEADERS: 'a=b', OTEL_EXPORTER_OTLP_HEADERS: 'c=d', OTEL_METRIC_EXPORT_INTERVAL: '100' });
    expect(cfg.otlp).toBeUndefined();
  });

  it('reads OTEL_SDK_DISABLED as OpenTelemetry does and PERFKIT_LOG_LEVEL in any case', () => {
    expect(loadConfig({}, { OTEL_SDK_DISABLED: 'enabled' }).disabled).toBe(false);
    expect(loadConfig({}, { OTEL_SDK_DISABLED: 'TRUE' }).disabled).toBe(true);
    expect(loadConfig({}, { PERFKIT_LOG_LEVEL: 'WARN' }).logLevel).toBe('warn');
  });

  it('refuses an ftp:// OTLP URL', () => {
    expect(errorOf({ otlp: { url: 'ftp://collector/v1/metrics' } }).key).toBe('otlp.url');
  });

  it('honours the standard OTEL_* variables, below code and PERFKIT_*', () => {
    const env = {
      OTEL_SERVICE_NAME: 'otel-svc',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,team=a%20b',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20x',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      OTEL_METRIC_EXPORT_INTERVAL: '30000',
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'Delta',
    };
    const cfg = loadConfig({}, env);
    expect(cfg.serviceName).toBe('otel-svc');
    expect(cfg.resourceAttributes).toEqual({ 'deployment.environment': 'prod', team: 'a b' });
    expect(cfg.otlp).toMatchObject({ url: URL_A, headers: { authorization: 'Bearer x' }, timeoutMs: 2500, intervalMs: 30000, temporality: 'delta' });
    // The metrics-specific endpoint is used as it is; PERFKIT_* beats OTEL_*; code beats both.
    expect(loadConfig({}, { ...env, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:1/x' }).otlp?.url).toBe('http://m:1/x');
    expect(loadConfig({}, { ...env, PERFKIT_SERVICE_NAME: 'pk' }).serviceName).toBe('pk');
    expect(loadConfig({ serviceName: 'code', resourceAttributes: { team: 'c' } }, env)).toMatchObject({ serviceName: 'code', resourceAttributes: { team: 'c', 'deployment.environment': 'prod' } });
    expect(loadConfig({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs' }).serviceName).toBe('from-attrs');
  });

  it('lists every problem at once, readably, and suggests the nearest key', () => {
    const e = errorOf({ prometheus: { port: 70000, hots: 'x' }, limits: { maxSeriesPerMetric: [1, 2] }, resourceAttributes: { a: { b: 1 } } } as never);
    expect(e.problems.map((p) => p.key).sort()).toEqual(['limits.maxSeriesPerMetric', 'prometheus.hots', 'prometheus.port', 'resourceAttributes.a'].sort());
    expect(e.message).not.toContain('[object Object]');
    expect(e.message).toContain('[1,2]');
    expect(e.message).toContain('did you mean "host"?');
    expect(e.message).toContain('70000');
  });
});
