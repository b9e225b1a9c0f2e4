import { createPerfkit, PerfkitConfigError, type Perfkit } from '@perfkit/core';

const open: Perfkit[] = [];
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

describe('regression: credentials in the OTLP URL and header values were printed and served', () => {
  it('redacts user info in exportStatus (what /health/detailed serves)', () => {
    const perf = createPerfkit({
      prometheus: { serve: false },
      logLevel: 'none',
      otlp: { url: 'http://user:s3cret@127.0.0.1:9/v1/metrics', headers: { authorization: 'Bearer t0ken' }, intervalMs: 3_600_000, timeoutMs: 200 }, // short: the final flush at shutdown is refused
    });
    open.push(perf);
    const status = JSON.stringify(perf.exportStatus());
    expect(status).not.toContain('s3cret');
    expect(status).not.toContain('user:');
    expect(status).toContain('127.0.0.1:9/v1/metrics');
  });

  it('never prints a header value or URL password in a configuration error', () => {
    let err: unknown;
    try {
      createPerfkit({ logLevel: 'none', otlp: { url: 'ftp://user:s3cret@host/x', headers: { authorization: 42 as unknown as string } } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PerfkitConfigError);
    expect((err as Error).message).not.toContain('s3cret');
  });

  it('keeps secrets out of what the logger receives when an export fails', async () => {
    const logged: string[] = [];
    const log = (m: string, ...args: unknown[]) => logged.push([m, ...args.map(String)].join(' '));
    const perf = createPerfkit({
      prometheus: { serve: false },
      logLevel: 'debug',
      logger: { error: log, warn: log, info: log, debug: log },
      otlp: { url: 'http://user:s3cret@127.0.0.1:9/v1/metrics', timeoutMs: 200, intervalMs: 3_600_000 },
    });
    await perf.forceFlush();
    await perf.shutdown();
    expect(logged.join('\n')).not.toContain('s3cret');
    expect(JSON.stringify(perf.exportStatus())).not.toContain('s3cret');
  });
});
