/**
 * Regression: environment variables were read more loosely than anyone writes them. A string kept the white space
 * around it, so `PERFKIT_PROMETHEUS_HOST=' 127.0.0.1 '` (a quoted line of a .env file) passed the configuration and
 * `ready()` rejected with `getaddrinfo ENOTFOUND  127.0.0.1 `, and `PERFKIT_SERVICE_NAME=' svc '` named the service
 * " svc ". A number went through `Number()`, so `PERFKIT_PROMETHEUS_PORT=0x10` served on port 16 and `1e3` read as
 * 1000. Every variable is now read without the white space around it (as its words, lists and key-value pairs already
 * were; an empty or blank variable counts as unset, the OpenTelemetry rule), and a number is decimal digits: anything
 * else is a problem naming the variable (for an `OTEL_*` one, a warning and the next source, as before).
 */
import { createPerfkit, loadConfig, PerfkitConfigError, type ConfigProblem } from '@perfkit/core';

function problemsOf(env: Record<string, string>): Array<[string, unknown, string | undefined]> {
  try {
    loadConfig({}, env);
  } catch (err) {
    expect(err).toBeInstanceOf(PerfkitConfigError);
    return (err as PerfkitConfigError).problems.map((p) => [p.key, p.value, p.source]);
  }
  throw new Error('expected a PerfkitConfigError');
}

describe('regression: variables kept their spaces and numbers were read as hex or exponents', () => {
  it('serves on a host given with spaces around it', async () => {
    const saved = { host: process.env.PERFKIT_PROMETHEUS_HOST, port: process.env.PERFKIT_PROMETHEUS_PORT };
    Object.assign(process.env, { PERFKIT_PROMETHEUS_HOST: ' 127.0.0.1 ', PERFKIT_PROMETHEUS_PORT: ' 0 ' });
    let perf: ReturnType<typeof createPerfkit> | undefined;
    try {
      perf = createPerfkit({ logLevel: 'none' });
      await perf.ready();
      expect(perf.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    } finally {
      await perf?.shutdown();
      for (const [name, value] of [['PERFKIT_PROMETHEUS_HOST', saved.host], ['PERFKIT_PROMETHEUS_PORT', saved.port]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('reads names, ids and URLs without the white space around them', () => {
    const config = loadConfig({}, { PERFKIT_SERVICE_NAME: ' svc ', PERFKIT_SERVICE_INSTANCE_ID: '\ti-1\n', PERFKIT_OTLP_URL: ' http://127.0.0.1:4318/v1/metrics ' });
    expect([config.serviceName, config.serviceInstanceId, config.otlp?.url]).toEqual(['svc', 'i-1', 'http://127.0.0.1:4318/v1/metrics']);
    expect(loadConfig({}, { OTEL_SERVICE_NAME: ' billing ' }).serviceName).toBe('billing');
  });

  it('reads decimal digits with spaces around them, and refuses hex, binary, exponents and units, every one at once', () => {
    expect(loadConfig({}, { PERFKIT_PROMETHEUS_PORT: ' 9465 ' }).prometheus).toMatchObject({ port: 9465 });
    expect(problemsOf({ PERFKIT_PROMETHEUS_PORT: '0x10', PERFKIT_MAX_SERIES_PER_METRIC: '1e3', PERFKIT_OTLP_URL: 'http://127.0.0.1:4318/v1/metrics', PERFKIT_OTLP_INTERVAL_MS: '0b11' })).toEqual([
      ['prometheus.port', '0x10', 'PERFKIT_PROMETHEUS_PORT'],
      ['otlp.intervalMs', '0b11', 'PERFKIT_OTLP_INTERVAL_MS'],
      ['limits.maxSeriesPerMetric', '1e3', 'PERFKIT_MAX_SERIES_PER_METRIC'],
    ]);
    expect(problemsOf({ PERFKIT_PROMETHEUS_PORT: '9464px' })).toEqual([['prometheus.port', '9464px', 'PERFKIT_PROMETHEUS_PORT']]);
    expect(() => loadConfig({}, { PERFKIT_PROMETHEUS_PORT: '0x10' })).toThrow('prometheus.port = "0x10" (from PERFKIT_PROMETHEUS_PORT): expected number, in decimal digits');
  });

  it('ignores an OTEL_* number written in hex with a warning, and the default applies', () => {
    const ignored: ConfigProblem[] = [];
    const config = loadConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_TIMEOUT: '0x3e8' }, { ignored });
    expect(config.otlp?.timeoutMs).toBe(10_000);
    expect(ignored.map((p) => [p.source, p.value])).toEqual([['OTEL_EXPORTER_OTLP_TIMEOUT', '0x3e8']]);
  });
});
