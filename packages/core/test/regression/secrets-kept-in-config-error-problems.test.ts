/**
 * Regression: a configuration error's message redacted header values and URL passwords, but `err.problems` (and
 * `err.value`) kept the values as given, so an application that logs the error as JSON (`JSON.stringify(err.problems)`,
 * a structured logger serializing the error's fields) wrote the secret. The error object now holds them redacted as
 * the message shows them; problems about other keys keep their values.
 */
import { loadConfig, PerfkitConfigError } from '@perfkit/core';

const SECRET = 's3cret-t0ken';

function errorOf(fn: () => unknown): PerfkitConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PerfkitConfigError);
    return err as PerfkitConfigError;
  }
  throw new Error('expected a PerfkitConfigError');
}

describe('regression: secrets kept in config error problems', () => {
  it('holds no header value given in code, whatever the problem', () => {
    const err = errorOf(() => loadConfig({ prometheus: { port: 70000 }, otlp: { url: 'http://127.0.0.1:9/v1/metrics', headers: { authorization: `Bearer ${SECRET}\r\n` } } }, {}));
    expect(err.problems.map((p) => p.key).sort()).toEqual(['otlp.headers.authorization', 'prometheus.port']);
    expect(JSON.stringify(err.problems)).not.toContain(SECRET);
    expect(JSON.stringify(err.value)).not.toContain(SECRET);
    expect(err.problems.find((p) => p.key === 'prometheus.port')!.value).toBe(70000);
  });

  it('holds no header value from PERFKIT_OTLP_HEADERS', () => {
    const err = errorOf(() => loadConfig({}, { PERFKIT_OTLP_URL: 'http://127.0.0.1:9/v1/metrics', PERFKIT_OTLP_HEADERS: `x-api-key=${SECRET}\u20ac` }));
    expect(JSON.stringify(err.problems)).not.toContain(SECRET);
    expect(JSON.stringify(err)).not.toContain(SECRET);
  });

  it('holds no URL password, first problem or not', () => {
    const url = `ftp://user:${SECRET}@collector:4318/v1/metrics`;
    for (const config of [{ otlp: { url } }, { prometheus: { port: -1 }, otlp: { url } }]) {
      const err = errorOf(() => loadConfig(config, {}));
      expect(err.problems.some((p) => p.key === 'otlp.url')).toBe(true);
      expect(JSON.stringify(err.problems)).not.toContain(SECRET);
      expect(String(err.value)).not.toContain(SECRET);
      expect(err.problems.find((p) => p.key === 'otlp.url')!.value).toBe('ftp://[REDACTED]@collector:4318/v1/metrics');
    }
  });
});
