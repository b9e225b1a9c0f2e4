import { createPerfkit, type Perfkit } from '@perfkit/core';
import { promtoolCheckMetrics } from '../../../../test/helpers/promtool';

const open: Perfkit[] = [];
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

describe('regression: a copied resource attribute duplicated an instrument attribute label', () => {
  it('writes one service_name per series (the series own value wins) and passes promtool', async () => {
    const perf = createPerfkit({
      serviceName: 'svc',
      prometheus: { serve: false, resourceAttributesAsLabels: ['service.name'] },
      logLevel: 'none',
    });
    open.push(perf);
    perf.meter.createObservableGauge('calls.pending').addCallback((r) => {
      r.observe(3, { 'service.name': 'downstream' });
      r.observe(4, { peer: 'other' });
    });
    perf.trackOperation('download', 'a', () => 0);
    const text = await perf.metrics();
    const gauge = text.split('\n').filter((l) => l.startsWith('calls_pending{'));
    expect(gauge.sort()).toEqual(['calls_pending{service_name="svc",peer="other"} 4', 'calls_pending{service_name="downstream"} 3'].sort());
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line.match(/service_name="/g)?.length ?? 0).toBeLessThanOrEqual(1);
    }
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, report: '' });
  });
});
