import { loadConfig, PerfkitConfigError } from '@perfkit/core';

function expectConfigError(fn: () => unknown, key: string, value: RegExp) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PerfkitConfigError);
    const e = err as PerfkitConfigError;
    expect(e.code).toBe('PERFKIT_ERR_INVALID_CONFIG');
    expect(e.key).toBe(key);
    expect(e.message).toContain(key);
    expect(e.message).toMatch(value);
    return e;
  }
  throw new Error('expected a PerfkitConfigError');
}

describe('loadConfig', () => {
  it('fills defaults: port 9464 on 127.0.0.1, seconds-scale limits', () => {
    const cfg = loadConfig({}, {});
    expect(cfg.prometheus).toMatchObject({ port: 9464, host: '127.0.0.1', path: '/metrics' });
    expect(cfg.limits.maxSeriesPerMetric).toBe(2000);
  });

  it('keeps values given in code over PERFKIT_* variables, which fill what code leaves out', () => {
    const cfg = loadConfig({ prometheus: { port: 1 } }, { PERFKIT_PROMETHEUS_PORT: '9999', PERFKIT_SERVICE_NAME: 'svc' });
    expect(cfg.prometheus && cfg.prometheus.port).toBe(1);
    expect(cfg.serviceName).toBe('svc');
  });

  it('names the key, the value, the variable and what is allowed for a bad override', () => {
    const e = expectConfigError(() => loadConfig({}, { PERFKIT_PROMETHEUS_PORT: 'ninety' }), 'prometheus.port', /"ninety"/);
    expect(e.message).toContain('PERFKIT_PROMETHEUS_PORT');
    expect(e.message).toMatch(/number/);
  });

  it('rejects an out-of-range port, an unknown key and a bad OTLP url', () => {
    expectConfigError(() => loadConfig({ prometheus: { port: 70000 } }, {}), 'prometheus.port', /70000/);
    expectConfigError(() => loadConfig({ nope: 1 } as never, {}), 'nope', /unknown option/);
    expectConfigError(() => loadConfig({ prometheus: { prot: 1 } } as never, {}), 'prometheus.prot', /unknown option/);
    expectConfigError(() => loadConfig({ otlp: { url: 'not a url' } }, {}), 'otlp.url', /http/);
  });

  it('rejects non-increasing buckets and hostile types', () => {
    expectConfigError(() => loadConfig({ operationTypes: { indexing: { buckets: [1, 1] } } }, {}), 'operationTypes.indexing.buckets', /increasing/);
    expectConfigError(() => loadConfig({ operationTypes: { indexing: { buckets: [NaN] } } }, {}), 'operationTypes.indexing.buckets.0', /NaN/);
    expectConfigError(() => loadConfig({ serviceName: 'x'.repeat(10_000) }, {}), 'serviceName', /\.\.\./);
    expectConfigError(() => loadConfig('yes' as never, {}), 'config', /object/);
  });

  it('turns prometheus off through the environment', () => {
    expect(loadConfig({}, { PERFKIT_PROMETHEUS_ENABLED: 'false' }).prometheus).toBe(false);
  });

  it('parses OTLP headers from the environment', () => {
    const cfg = loadConfig({}, { PERFKIT_OTLP_URL: 'http://127.0.0.1:4318/v1/metrics', PERFKIT_OTLP_HEADERS: 'a=1,b=x%3Dy' });
    expect(cfg.otlp?.headers).toEqual({ a: '1', b: 'x=y' });
  });
});
