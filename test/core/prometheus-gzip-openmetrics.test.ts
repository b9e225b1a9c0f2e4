import { createPerfkit, type Perfkit } from '@perfkit/core';
import { startPrometheus, waitFor, type StartedPrometheus } from '../helpers';

/**
 * A real Prometheus 2.42 scrapes perfkit's own endpoint: it always asks for gzip and prefers OpenMetrics, so the
 * streamed, gzipped OpenMetrics answer must parse (target up, samples stored with the values recorded).
 */
describe('a real Prometheus scraping the streamed endpoint', () => {
  let perf: Perfkit;
  let prom: StartedPrometheus;

  beforeAll(async () => {
    perf = createPerfkit({ serviceName: 'e2e-gzip', prometheus: { port: 0 }, logLevel: 'none', limits: { maxSeriesPerMetric: 10_000 } });
    await perf.ready();
    const op = perf.operation('download', 'weights');
    for (let i = 0; i < 7; i++) op.record(0.3);
    // Enough series that the text spans many chunks and slices.
    for (let i = 0; i < 3000; i++) perf.operation('health_check', `probe-${i}`).record(0.01);
    prom = await startPrometheus({ scrapeTargets: [{ url: perf.metricsUrl!, job: 'perfkit' }], scrapeInterval: '1s' });
  });

  afterAll(async () => {
    await prom?.stop();
    await perf?.shutdown();
  });

  it('stores what perfkit recorded, scraped over gzip with OpenMetrics negotiated', async () => {
    await prom.waitForTargets(30_000);
    const targets = await prom.api<{ activeTargets: Array<{ health: string; lastError: string }> }>('targets');
    expect(targets.activeTargets.map((t) => [t.health, t.lastError])).toEqual([['up', '']]);
    const samples = await waitFor(async () => {
      const got = await prom.query('perfkit_operation_duration_seconds_count{operation_name="weights"}');
      return got.length ? got : undefined;
    }, 20_000);
    expect(samples[0]!.value[1]).toBe('7');
    const probes = await prom.query('count(perfkit_operation_duration_seconds_count{operation_type="health_check"})');
    expect(probes[0]!.value[1]).toBe('3000');
    // OpenMetrics families were parsed as such: target_info is an info metric, counters keep _total.
    expect((await prom.query('target_info{job="perfkit"}')).length).toBe(1);
  });

  it('answers gzip to a gzip-accepting scraper and plain text to one that is not', async () => {
    const gz = await fetch(perf.metricsUrl!, { headers: { 'accept-encoding': 'gzip', accept: 'application/openmetrics-text;version=1.0.0' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect((await gz.text()).endsWith('# EOF\n')).toBe(true); // fetch gunzips
    const plain = await fetch(perf.metricsUrl!, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});
