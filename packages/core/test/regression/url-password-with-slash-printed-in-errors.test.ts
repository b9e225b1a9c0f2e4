/**
 * Regression: a password holding an unescaped `/` (base64 tokens do) or a second `@` was printed. The URL parser ends
 * such an authority at the `/` (`http://user:pa/ss@host` reads as host `user`, port `pa`: no URL), and the fallback
 * redaction stopped at the first `/` or `@`: the configuration error quoted the whole password, and an error message
 * quoting `ftp://user:p@ss@host` kept `ss`. The expected texts are written by hand: user info is everything from `://`
 * to the last `@` (RFC 3986 3.2.1: the authority's user info ends at its `@`).
 */
import { createPerfkit, loadConfig, PerfkitConfigError, redactUrl } from '@perfkit/core';
import { redactText } from '../../src/redact';

const SECRET_URL = 'http://user:pa/ss@collector:4318/v1/metrics';

function configError(run: () => unknown): PerfkitConfigError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(PerfkitConfigError);
    return err as PerfkitConfigError;
  }
  throw new Error('expected a PerfkitConfigError');
}

describe('regression: URL passwords with "/" or "@" printed in errors', () => {
  it('redacts a password with "/" in the configuration error of an OTLP URL given in code', () => {
    const err = configError(() => createPerfkit({ logLevel: 'none', prometheus: false, otlp: { url: SECRET_URL } }));
    expect(err.message).toContain('otlp.url = "http://[REDACTED]@collector:4318/v1/metrics"');
    expect(err.message).not.toContain('pa/ss');
  });

  it('redacts it when the URL comes from PERFKIT_OTLP_URL or OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    const fromPerfkit = configError(() => loadConfig({}, { PERFKIT_OTLP_URL: SECRET_URL }));
    expect(fromPerfkit.message).toContain('"http://[REDACTED]@collector:4318/v1/metrics" (from PERFKIT_OTLP_URL)');
    const fromOtel = configError(() => loadConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://user:pa/ss@collector:4318' }));
    expect(fromOtel.message).toContain('"http://[REDACTED]@collector:4318/v1/metrics" (from OTEL_EXPORTER_OTLP_ENDPOINT)');
    expect(fromPerfkit.message + fromOtel.message).not.toContain('ss@');
  });

  it('redacts every character of the password in redactUrl() and redactText()', () => {
    expect(redactUrl(SECRET_URL)).toBe('http://[REDACTED]@collector:4318/v1/metrics');
    expect(redactUrl('http://user:1234/ss@collector/v1/metrics')).toBe('http://[REDACTED]@collector/v1/metrics');
    expect(redactText('request to ftp://user:p@ss@host/x failed')).toBe('request to ftp://[REDACTED]@host/x failed');
    expect(redactText('"http://u:a/b?c#d@h:1/p", then http://plain/path and a@b')).toBe('"http://[REDACTED]@h:1/p", then http://plain/path and a@b');
  });

  it('leaves URLs without user info as they are', () => {
    expect(redactUrl('http://[::1]:4318/v1/metrics?tenant=a')).toBe('http://[::1]:4318/v1/metrics?tenant=a');
    expect(redactText('connect ECONNREFUSED 127.0.0.1:4318 (http://collector:4318/v1/metrics)')).toBe(
      'connect ECONNREFUSED 127.0.0.1:4318 (http://collector:4318/v1/metrics)',
    );
  });
});
