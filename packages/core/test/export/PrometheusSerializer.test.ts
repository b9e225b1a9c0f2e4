import { createPerfkit, type Perfkit } from '@perfkit/core';
import { promtoolCheckMetrics } from '../../../../test/helpers/promtool';

const open: Perfkit[] = [];
function setup(config: Parameters<typeof createPerfkit>[0] = {}) {
  const perf = createPerfkit({ serviceName: 'svc', serviceInstanceId: 'i-1', prometheus: { serve: false }, logLevel: 'none', ...config });
  open.push(perf);
  return { perf };
}
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

const promtoolCheck = (text: string) => promtoolCheckMetrics(text).report;

describe('PrometheusSerializer', () => {
  it('writes seconds-suffixed histograms with cumulative buckets, _sum and _count', () => {
    const { perf } = setup({ operationTypes: { indexing: { buckets: [0.5, 1] } } });
    const op = perf.operation('indexing', 'a');
    op.record(0.2);
    op.record(0.7);
    op.record(3);
    return perf.metrics().then((text) => {
      const labels = 'operation_type="indexing",operation_name="a",operation_outcome="success"';
      expect(text).toContain('# TYPE perfkit_operation_duration_seconds histogram');
      expect(text).toContain(`perfkit_operation_duration_seconds_bucket{${labels},le="0.5"} 1\n`);
      expect(text).toContain(`perfkit_operation_duration_seconds_bucket{${labels},le="1"} 2\n`);
      expect(text).toContain(`perfkit_operation_duration_seconds_bucket{${labels},le="+Inf"} 3\n`);
      expect(text).toContain(`perfkit_operation_duration_seconds_sum{${labels}} 3.9\n`);
      expect(text).toContain(`perfkit_operation_duration_seconds_count{${labels}} 3\n`);
      expect(text).toMatch(/^target_info\{service_name="svc",service_instance_id="i-1",.*\} 1$/m);
    });
  });

  it('writes counters with _total and only the figures that were reported', async () => {
    const { perf } = setup();
    perf.operation('download', 'w').track((op) => op.addBytes(10));
    const text = await perf.metrics();
    expect(text).toContain('perfkit_download_bytes_total{operation_type="download",operation_name="w"} 10\n');
    expect(text).not.toContain('perfkit_model_tokens_total');
    expect(text).toContain('perfkit_dropped_measurements_total{reason="invalid_value"} 0\n');
  });

  it('escapes quotes, backslashes and newlines in label values', async () => {
    const { perf } = setup();
    perf.trackOperation('download', 'a"b\\c\nd', () => 0);
    const text = await perf.metrics();
    expect(text).toContain('operation_name="a\\"b\\\\c\\nd"');
    expect(promtoolCheck(text)).toBe('');
  });

  it('is promtool-clean with every family populated, plug-in gauges included', async () => {
    const { perf } = setup();
    perf.meter.createObservableGauge('system.memory.utilization', { unit: '1' }).addCallback((r) => r.observe(0.5, { state: 'used' }));
    perf.meter.createCounter('app.requests', { unit: '{request}' }).add(3);
    perf.meter.createHistogram('app.wait', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1] } }).record(0.2);
    await perf.operation('download', 'w').track(async (op) => {
      op.addBytes(1);
      op.retry();
      op.integrityCheck(true);
      op.addItems(1);
    });
    perf.operation('health_check', 'h').track((op) => {
      op.integrityScore(0.9);
      op.corruptionsFound(1);
    });
    perf.operation('fallback', 'f').track((op) => {
      op.alternativesConsidered(2);
      op.compatibilityScore(0.8);
    });
    perf.operation('model_operation', 'g').track((op) => op.addTokens(5));
    perf.operation('analytics_collection', 'a').track((op) => op.addRecords(5));
    const text = await perf.metrics();
    expect(text).toContain('system_memory_utilization_ratio{state="used"} 0.5');
    expect(text).toContain('app_requests_total 3');
    expect(text).toContain('app_wait_seconds_bucket{le="1"} 1');
    expect(promtoolCheck(text)).toBe('');
  });

  it('copies configured resource attributes onto every series', async () => {
    const { perf } = setup({ prometheus: { serve: false, resourceAttributesAsLabels: ['service.name'] } });
    perf.trackOperation('download', 'x', () => 0);
    const text = await perf.metrics();
    expect(text).toContain('perfkit_operations_active{service_name="svc",operation_type="download",operation_name="x"} 0');
  });

  it('speaks OpenMetrics with UNIT lines, counter families without _total and # EOF', async () => {
    const { perf } = setup();
    perf.operation('download', 'w').track((op) => op.addBytes(10));
    const text = await perf.metrics({ openMetrics: true });
    expect(text).toContain('# TYPE perfkit_download_bytes counter\n# UNIT perfkit_download_bytes bytes\n');
    expect(text).toContain('# UNIT perfkit_operation_duration_seconds seconds');
    expect(text).toContain('# TYPE target info');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });
});

describe('observable gauges', () => {
  it('leave /metrics when their callback stops observing a series, while counters keep their totals', async () => {
    const { perf } = setup();
    let devices = ['gpu-0', 'gpu-1'];
    perf.meter.createObservableGauge('hw.gpu.utilization', { unit: '1' }).addCallback((r) => {
      for (const id of devices) r.observe(0.5, { 'hw.id': id });
    });
    const counter = perf.meter.createCounter('app.events');
    counter.add(2, { device: 'gpu-1' });
    expect(await perf.metrics()).toContain('hw_gpu_utilization_ratio{hw_id="gpu-1"} 0.5');
    devices = ['gpu-0'];
    const text = await perf.metrics();
    expect(text).toContain('hw_gpu_utilization_ratio{hw_id="gpu-0"} 0.5');
    expect(text).not.toContain('hw_id="gpu-1"');
    expect(text).toContain('app_events_total{device="gpu-1"} 2');
  });
});
