/**
 * Regression: names and addresses given in code kept the white space around them while the same values from variables
 * were read trimmed. `serviceName: ' svc '` named the service " svc " (one service split in two against the app's own
 * signals and `PERFKIT_SERVICE_NAME=svc`), `prometheus.path: '/metrics '` answered every scrape of `/metrics` with 404,
 * and `prometheus.host: ' 127.0.0.1 '` failed `ready()` with ENOTFOUND. They are now configuration problems naming the
 * key and the value as written, listed with every other problem (README "Configuration"); variables stay trimmed.
 */
import { createPerfkit, loadConfig, PerfkitConfigError, type ConfigProblem, type PerfkitConfig } from '@perfkit/core';

function problemsOf(input: PerfkitConfig): readonly ConfigProblem[] {
  try {
    createPerfkit({ logLevel: 'none', ...input });
  } catch (err) {
    expect(err).toBeInstanceOf(PerfkitConfigError);
    expect((err as PerfkitConfigError).code).toBe('PERFKIT_ERR_INVALID_CONFIG');
    return (err as PerfkitConfigError).problems;
  }
  throw new Error('expected a PerfkitConfigError');
}

describe('regression: values given in code kept the white space around them', () => {
  it('refuses a service name with spaces around it, naming the key and the value as written', () => {
    const problems = problemsOf({ serviceName: ' svc ', prometheus: false });
    expect(problems.map((p) => [p.key, p.value])).toEqual([['serviceName', ' svc ']]);
    expect(problems[0]!.allowed).toContain('white space');
  });

  it('refuses the version, the instance id, the metrics host and path alike, with every other problem at once', () => {
    const problems = problemsOf({ serviceVersion: '1.0 ', serviceInstanceId: '\ti-1', prometheus: { host: ' 127.0.0.1 ', path: '/metrics\n', port: 70000 } });
    expect(problems.map((p) => [p.key, p.value]).sort()).toEqual([
      ['prometheus.host', ' 127.0.0.1 '],
      ['prometheus.path', '/metrics\n'],
      ['prometheus.port', 70000],
      ['serviceInstanceId', '\ti-1'],
      ['serviceVersion', '1.0 '],
    ]);
    expect(() => createPerfkit({ serviceName: 'svc\u00a0', prometheus: false, logLevel: 'none' })).toThrow('serviceName = "svc\u00a0"');
  });

  it('keeps spaces inside a value and still trims the same values read from variables', () => {
    expect(loadConfig({ serviceName: 'model service' }, {}).serviceName).toBe('model service');
    const config = loadConfig({}, { PERFKIT_SERVICE_NAME: ' svc ', PERFKIT_PROMETHEUS_HOST: ' 0.0.0.0 ', PERFKIT_SERVICE_INSTANCE_ID: '\ti-1\n' });
    expect([config.serviceName, config.serviceInstanceId, config.prometheus && config.prometheus.host]).toEqual(['svc', 'i-1', '0.0.0.0']);
  });
});
