/**
 * Regression: an `le` attribute on an app's OpenTelemetry counter or gauge, or a `quantile` attribute on any of its
 * instruments (or in the resource, on `target_info`), was written as a label of that name, and `promtool check metrics`
 * failed the scrape (client_golang's promlint: `non-histogram metrics should not have "le" label`, `non-summary metrics
 * should not have "quantile" label`; perfkit writes no summaries). client_golang refuses `le` on a histogram and
 * `quantile` on a summary outright; perfkit keeps the attribute under a leading underscore (`_le`, `_quantile`), as it
 * already did for `le` on histograms, and says so once per instrument, not once per scrape. Expected values: promtool's
 * verdict and label text written by hand.
 */
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { promtoolCheckMetrics } from '../../../../test/helpers/promtool';

const open: Perfkit[] = [];
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

function setup(config: Parameters<typeof createPerfkit>[0] = {}) {
  const warnings: string[] = [];
  const perf = createPerfkit({ serviceName: 'svc', prometheus: { serve: false }, logLevel: 'warn', logger: { warn: (m: string) => warnings.push(m) }, ...config });
  open.push(perf);
  return { perf, warnings };
}

const lines = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(name));

describe('regression: le and quantile attributes were written as the labels Prometheus reserves', () => {
  it('writes them as _le and _quantile on counters, gauges and histograms, and the scrape passes promtool', async () => {
    const { perf } = setup();
    perf.meter.createCounter('app.requests').add(2, { le: '5', route: '/a' });
    perf.meter.createObservableGauge('app.latency.p50', { unit: 's' }).addCallback((r) => r.observe(0.25, { quantile: '0.5' }));
    perf.meter.createHistogram('app.wait', { unit: 's', advice: { explicitBucketBoundaries: [1] } }).record(0.5, { le: 'x', quantile: 'q' });
    const text = await perf.metrics();
    expect(lines(text, 'app_requests_total{')).toEqual(['app_requests_total{_le="5",route="/a"} 2']);
    expect(lines(text, 'app_latency_p50_seconds{')).toEqual(['app_latency_p50_seconds{_quantile="0.5"} 0.25']);
    expect(lines(text, 'app_wait_seconds_')).toEqual([
      'app_wait_seconds_bucket{_le="x",_quantile="q",le="1"} 1',
      'app_wait_seconds_bucket{_le="x",_quantile="q",le="+Inf"} 1',
      'app_wait_seconds_sum{_le="x",_quantile="q"} 0.5',
      'app_wait_seconds_count{_le="x",_quantile="q"} 1',
    ]);
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, report: '' });
  });

  it('writes le and quantile resource attributes on target_info as _le and _quantile, and warns once at start', async () => {
    const { perf, warnings } = setup({ resourceAttributes: { le: '1', quantile: 'x' } });
    const text = await perf.metrics();
    expect(lines(text, 'target_info{')[0]).toMatch(/,_le="1",_quantile="x"\} 1$/);
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, report: '' });
    expect(warnings.filter((w) => w.includes('"target_info"'))).toHaveLength(1);
  });

  it('says so once per instrument, naming it and the label written, however many scrapes and series', async () => {
    const { perf, warnings } = setup();
    const counter = perf.meter.createCounter('app.requests');
    perf.meter.createObservableGauge('app.quantiles').addCallback((r) => {
      r.observe(1, { quantile: '0.5' });
      r.observe(2, { quantile: '0.9' });
    });
    for (let scrape = 0; scrape < 3; scrape++) {
      counter.add(1, { le: String(scrape) }); // a new series each scrape
      await perf.metrics();
      await perf.metrics({ openMetrics: true });
    }
    const said = warnings.filter((w) => w.includes('_le') || w.includes('_quantile'));
    expect(said).toHaveLength(2);
    expect(said.find((w) => w.includes('"app.requests"'))).toContain('"le" as "_le"');
    expect(said.find((w) => w.includes('"app.quantiles"'))).toContain('"quantile" as "_quantile"');
  });
});
