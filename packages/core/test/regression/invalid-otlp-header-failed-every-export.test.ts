/**
 * Regression: an OTLP header Node's http refuses (a value with CR/LF or a character above U+00FF, a name that is not an
 * HTTP token: "Header name must be a valid HTTP token", "Invalid character in header content") passed the configuration,
 * and every export then failed with that error. Such a header given in code or in `PERFKIT_OTLP_HEADERS` is now a
 * configuration problem naming the key (the value redacted, as header values are), listed with every other problem; in
 * `OTEL_EXPORTER_OTLP_HEADERS` the whole variable is ignored with one warning, as the other invalid `OTEL_*` values are.
 * Which characters Node refuses is Node's rule (lib/_http_common.js: a token for names; tab, 0x20-0x7e and 0x80-0xff for
 * values), written out by hand below.
 */
import { createPerfkit, loadConfig, PerfkitConfigError, type ConfigProblem } from '@perfkit/core';

const URL = 'http://127.0.0.1:9/v1/metrics';

function problemsOf(fn: () => unknown): readonly ConfigProblem[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PerfkitConfigError);
    return (err as PerfkitConfigError).problems;
  }
  throw new Error('expected a PerfkitConfigError');
}

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
};

describe('regression: an OTLP header Node refuses failed every export instead of the start', () => {
  it('refuses header values with CR/LF or a character above U+00FF given in code, with every other problem at once', () => {
    const create = () =>
      loadConfig(
        { prometheus: { port: 70000 }, otlp: { url: URL, headers: { 'x-tenant': 'a\r\nX-Injected: s3cret', 'x-euro': '5€', 'x-cafe': 'café', 'x-tab': 'a\tb' } } },
        {},
      );
    const problems = problemsOf(create);
    expect(problems.map((p) => p.key).sort()).toEqual(['otlp.headers.x-euro', 'otlp.headers.x-tenant', 'prometheus.port']);
    const message = messageOf(create);
    expect(message).toContain('otlp.headers.x-tenant = "[REDACTED]": expected a header value');
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('5€');
  });

  it('refuses header names that are not HTTP tokens, showing a name only up to where it stops being one', () => {
    const problems = problemsOf(() => loadConfig({ otlp: { url: URL, headers: { 'x tenant': 'a', '': 'b', 'x-ok': 'c' } } }, {}));
    expect(problems.map((p) => p.key).sort()).toEqual(['otlp.headers.""', 'otlp.headers.x[REDACTED]']);
    // A header pasted whole: the first "=" splits it, and the name carries the credential.
    const message = messageOf(() => loadConfig({}, { PERFKIT_OTLP_URL: URL, PERFKIT_OTLP_HEADERS: 'Authorization: Basic dXNlcjpwdw==' }));
    expect(message).toContain('otlp.headers.Authorization[REDACTED] = "[REDACTED]" (from PERFKIT_OTLP_HEADERS): expected a header name');
    expect(message).not.toContain('dXNlcjpwdw');
  });

  it('names PERFKIT_OTLP_HEADERS as the source of a bad header it set', () => {
    const problems = problemsOf(() => loadConfig({}, { PERFKIT_OTLP_URL: URL, PERFKIT_OTLP_HEADERS: 'x-ok=1,x-tenant=a%0D%0Ab' }));
    expect(problems.map((p) => [p.key, p.source])).toEqual([['otlp.headers.x-tenant', 'PERFKIT_OTLP_HEADERS']]);
  });

  it('ignores OTEL_EXPORTER_OTLP_HEADERS holding a header Node refuses, with one warning that keeps its secret', async () => {
    const ignored: ConfigProblem[] = [];
    const config = loadConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_HEADERS: 'x-ok=1,x-tenant=a%0Ab' }, { ignored });
    expect(config.otlp?.headers).toEqual({});
    expect(ignored.map((p) => [p.source, p.key])).toEqual([['OTEL_EXPORTER_OTLP_HEADERS', 'otlp.headers']]);
    expect(ignored[0]!.allowed).toContain('"x-tenant": expected a header value');

    const saved = { ...process.env };
    const variables = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_HEADERS: 'Authorization: Basic dXNlcjpwdw==', OTEL_EXPORTER_OTLP_TIMEOUT: '200' };
    Object.assign(process.env, variables);
    const warnings: string[] = [];
    try {
      const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'warn', logger: { warn: (m: string) => warnings.push(m) } });
      await perf.shutdown();
    } finally {
      for (const name of Object.keys(variables)) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
    expect(warnings.filter((w) => w.includes('OTEL_EXPORTER_OTLP_HEADERS'))).toHaveLength(1);
    expect(warnings.join('\n')).not.toContain('dXNlcjpwdw');
  });
});
