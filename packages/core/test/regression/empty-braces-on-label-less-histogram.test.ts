import { createPerfkit } from '@perfkit/core';

// An OpenTelemetry histogram recorded without attributes was served as `name_sum{} 0.5`: valid, but unlike every
// other label-less line of the scrape (`name 1`) and unlike what Prometheus's own client libraries write.
describe('regression: empty braces on a label-less SDK histogram', () => {
  it('writes _bucket with only le, and _sum/_count without braces', async () => {
    const perf = createPerfkit({ serviceName: 'braces', prometheus: { serve: false }, logLevel: 'none' });
    try {
      perf.meter.createHistogram('plugin.wait', { unit: 's', advice: { explicitBucketBoundaries: [1] } }).record(0.5);
      const text = await perf.metrics();
      const lines = text.split('\n').filter((l) => l.startsWith('plugin_wait_seconds'));
      expect(lines).toEqual([
        'plugin_wait_seconds_bucket{le="1"} 1',
        'plugin_wait_seconds_bucket{le="+Inf"} 1',
        'plugin_wait_seconds_sum 0.5',
        'plugin_wait_seconds_count 1',
      ]);
      expect(text).not.toContain('{}');
    } finally {
      await perf.shutdown();
    }
  });
});
