import { createPerfkit, type Perfkit } from '@perfkit/core';
import { promtoolCheckMetrics } from '../../../../test/helpers/promtool';
import { histogramText, PrometheusSerializer } from '../../src/export/PrometheusSerializer';
import { OperationStore } from '../../src/store/OperationStore';
import type { OperationHandle } from '../../src/operations/OperationHandle';
import { drainAll, SlicedWriter } from '../../src/export/SlicedWriter';

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

describe('the exposition text', () => {
  // Written by hand from the recordings below (buckets cumulative: 0.25 -> le 0.5; 0.75 -> le 1; 2.5 -> +Inf only),
  // so that any rewrite of the serializer's string building must produce these exact bytes.
  const histogramLines = (labels: string, buckets: [string, number][], sum: string, count: number) =>
    buckets.map(([le, n]) => `perfkit_operation_duration_seconds_bucket{${labels},le="${le}"} ${n}\n`).join('') +
    `perfkit_operation_duration_seconds_sum{${labels}} ${sum}\nperfkit_operation_duration_seconds_count{${labels}} ${count}\n`;
  const svc = 'service_name="svc",operation_type="indexing"';
  const store = (openMetrics: boolean) =>
    '# HELP perfkit_operation_duration_seconds Duration of tracked operations by type, name and outcome; error.type is set only on failures.\n' +
    '# TYPE perfkit_operation_duration_seconds histogram\n' +
    (openMetrics ? '# UNIT perfkit_operation_duration_seconds seconds\n' : '') +
    histogramLines(`${svc},operation_name="a",operation_outcome="success"`, [['0.5', 1], ['1', 2], ['+Inf', 3]], '3.5', 3) +
    histogramLines(`${svc},operation_name="a",operation_outcome="failure",error_type="Timeout"`, [['0.5', 1], ['1', 1], ['+Inf', 1]], '0.125', 1) +
    histogramLines(`${svc},operation_name="q\\"b",operation_outcome="success"`, [['0.5', 0], ['1', 1], ['+Inf', 1]], '1', 1) +
    '# HELP perfkit_operations_active Operations running now.\n# TYPE perfkit_operations_active gauge\n' +
    `perfkit_operations_active{${svc},operation_name="a"} 2\nperfkit_operations_active{${svc},operation_name="q\\"b"} 0\n` +
    `# HELP perfkit_dropped_measurements${openMetrics ? '' : '_total'} Measurements perfkit could not record (invalid value, unknown type, series limit, export failure), by reason.\n` +
    `# TYPE perfkit_dropped_measurements${openMetrics ? '' : '_total'} counter\n` +
    ['invalid_value', 'invalid_name', 'unknown_operation_type', 'already_ended', 'export_failed']
      .map((r, i) => `perfkit_dropped_measurements_total{reason="${r}"} ${i === 0 ? 1 : 0}\n`)
      .join('');
  const sdk = (openMetrics: boolean) =>
    '# HELP system_memory_utilization_ratio Memory in use.\n# TYPE system_memory_utilization_ratio gauge\n' +
    (openMetrics ? '# UNIT system_memory_utilization_ratio ratio\n' : '') +
    'system_memory_utilization_ratio{service_name="svc",state="used"} 0.5\n' +
    'system_memory_utilization_ratio{state="free",service_name="other"} 0.25\n' +
    `# HELP app_requests${openMetrics ? '' : '_total'} app.requests\n# TYPE app_requests${openMetrics ? '' : '_total'} counter\n` +
    'app_requests_total{service_name="svc"} 3\n' +
    '# HELP app_wait_seconds app.wait\n# TYPE app_wait_seconds histogram\n' +
    (openMetrics ? '# UNIT app_wait_seconds seconds\n' : '') +
    'app_wait_seconds_bucket{service_name="svc",_le="x",a_b="1;2",le="0.1"} 0\n' +
    'app_wait_seconds_bucket{service_name="svc",_le="x",a_b="1;2",le="1"} 1\n' +
    'app_wait_seconds_bucket{service_name="svc",_le="x",a_b="1;2",le="+Inf"} 1\n' +
    'app_wait_seconds_sum{service_name="svc",_le="x",a_b="1;2"} 0.2\n' +
    'app_wait_seconds_count{service_name="svc",_le="x",a_b="1;2"} 1\n' +
    // The attributes object the gauge observes on every scrape, this time on a histogram: `_le` there too.
    'app_wait_seconds_bucket{service_name="svc",_le="0",le="0.1"} 1\n' +
    'app_wait_seconds_bucket{service_name="svc",_le="0",le="1"} 1\n' +
    'app_wait_seconds_bucket{service_name="svc",_le="0",le="+Inf"} 1\n' +
    'app_wait_seconds_sum{service_name="svc",_le="0"} 0.05\n' +
    'app_wait_seconds_count{service_name="svc",_le="0"} 1\n';

  function fixedPerfkit() {
    const { perf } = setup({ prometheus: { serve: false, resourceAttributesAsLabels: ['service.name'] }, operationTypes: { indexing: { buckets: [0.5, 1] } } });
    const a = perf.operation('indexing', 'a');
    a.record(0.25);
    a.record(0.75);
    a.record(2.5);
    a.record(0.125, { outcome: 'failure', errorType: 'Timeout' });
    a.start();
    a.start();
    a.record(-1);
    perf.operation('indexing', 'q"b').record(1);
    const used = { state: 'used' };
    const free = { state: 'free', 'service.name': 'other' };
    const reserved = { le: '0' };
    perf.meter.createObservableGauge('system.memory.utilization', { unit: '1', description: 'Memory in use.' }).addCallback((r) => {
      r.observe(0.5, used);
      r.observe(0.25, free);
    });
    perf.meter.createObservableGauge('app.reserved', { unit: '1' }).addCallback((r) => r.observe(1, reserved));
    perf.meter.createCounter('app.requests', { unit: '{request}' }).add(3);
    const wait = perf.meter.createHistogram('app.wait', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1] } });
    wait.record(0.2, { le: 'x', 'a.b': '1', a_b: '2' });
    wait.record(0.05, reserved);
    return perf;
  }
  const withoutTargetInfo = (text: string) => text.replace(/^target_info\{.*\n/m, '').replace(/^# (HELP|TYPE) target.*\n/gm, '');

  it('writes counts on both sides of the cached small counts (63, 64, 65) and a count that is not an integer', async () => {
    const { perf } = setup({ operationTypes: { indexing: { buckets: [1, 2] } } });
    const op = perf.operation('indexing', 'a');
    for (let i = 0; i < 63; i++) op.record(0.5);
    op.record(1.5);
    op.record(5);
    const labels = 'operation_type="indexing",operation_name="a",operation_outcome="success"';
    const text = await perf.metrics();
    expect(text).toContain(`perfkit_operation_duration_seconds_bucket{${labels},le="1"} 63\n`);
    expect(text).toContain(`perfkit_operation_duration_seconds_bucket{${labels},le="2"} 64\n`);
    expect(text).toContain(`perfkit_operation_duration_seconds_bucket{${labels},le="+Inf"} 65\n`);
    expect(text).toContain(`perfkit_operation_duration_seconds_count{${labels}} 65\n`);
    // Rows from another source (a cluster's merged view) are written through the same code; a count that is not
    // an integer misses the cache of small counts and is written as it is.
    const rows = {
      size: 1,
      leSuffix: [',le="1"} ', ',le="+Inf"} '],
      tail: 2,
      copyRow: (_row: number, into: Float64Array) => into.set([0.5, 1, 2, 1.5]),
      rowLabels: () => 'k="v"',
    };
    let out = '';
    const w = new SlicedWriter((chunk) => (out += chunk), Infinity);
    drainAll(histogramText('x', rows, w), w);
    expect(out).toBe('x_bucket{k="v",le="1"} 0.5\nx_bucket{k="v",le="+Inf"} 1.5\nx_sum{k="v"} 2\nx_count{k="v"} 1.5\n');
  });

  it('writes a row added between scrapes after the rows scraped before', async () => {
    const { perf } = setup({ operationTypes: { indexing: { buckets: [1] } } });
    perf.operation('indexing', 'a').record(0.5);
    await perf.metrics();
    perf.operation('indexing', 'b').record(2);
    perf.operation('indexing', 'a').record(3, { outcome: 'failure', errorType: 'E' });
    const lines = (await perf.metrics()).split('\n').filter((l) => l.startsWith('perfkit_operation_duration_seconds_'));
    const a = 'operation_type="indexing",operation_name="a"';
    expect(lines).toEqual([
      `perfkit_operation_duration_seconds_bucket{${a},operation_outcome="success",le="1"} 1`,
      `perfkit_operation_duration_seconds_bucket{${a},operation_outcome="success",le="+Inf"} 1`,
      `perfkit_operation_duration_seconds_sum{${a},operation_outcome="success"} 0.5`,
      `perfkit_operation_duration_seconds_count{${a},operation_outcome="success"} 1`,
      'perfkit_operation_duration_seconds_bucket{operation_type="indexing",operation_name="b",operation_outcome="success",le="1"} 0',
      'perfkit_operation_duration_seconds_bucket{operation_type="indexing",operation_name="b",operation_outcome="success",le="+Inf"} 1',
      'perfkit_operation_duration_seconds_sum{operation_type="indexing",operation_name="b",operation_outcome="success"} 2',
      'perfkit_operation_duration_seconds_count{operation_type="indexing",operation_name="b",operation_outcome="success"} 1',
      `perfkit_operation_duration_seconds_bucket{${a},operation_outcome="failure",error_type="E",le="1"} 0`,
      `perfkit_operation_duration_seconds_bucket{${a},operation_outcome="failure",error_type="E",le="+Inf"} 1`,
      `perfkit_operation_duration_seconds_sum{${a},operation_outcome="failure",error_type="E"} 3`,
      `perfkit_operation_duration_seconds_count{${a},operation_outcome="failure",error_type="E"} 1`,
    ]);
  });

  it('is byte for byte the hand-written exposition, in both formats and on every scrape', async () => {
    const perf = fixedPerfkit();
    for (let scrape = 0; scrape < 3; scrape++) {
      const text = await perf.metrics();
      const reservedGauge = '# HELP app_reserved_ratio app.reserved\n# TYPE app_reserved_ratio gauge\napp_reserved_ratio{service_name="svc",_le="0"} 1\n';
      expect(withoutTargetInfo(text)).toBe(store(false) + sdk(false).replace('# HELP app_requests', reservedGauge + '# HELP app_requests'));
      const om = await perf.metrics({ openMetrics: true });
      const reservedOm = '# HELP app_reserved_ratio app.reserved\n# TYPE app_reserved_ratio gauge\n# UNIT app_reserved_ratio ratio\napp_reserved_ratio{service_name="svc",_le="0"} 1\n';
      expect(withoutTargetInfo(om)).toBe(store(true) + sdk(true).replace('# HELP app_requests', reservedOm + '# HELP app_requests') + '# EOF\n');
    }
  });
});

describe('the sliced scrape (mutation testing, issue 18)', () => {
  // 1,024 fallback operations (one row each), the first 256 with a retry figure, 32 with an integrity score.
  function bigStore() {
    const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
    const store = new OperationStore({ operationTypes: {}, views: [], limits: { maxSeriesPerMetric: 5000, maxErrorTypes: 50, maxNameLength: 128, maxOperationTypes: 64 } }, quiet);
    for (let i = 0; i < 1024; i++) {
      const op = store.operation('fallback', `n${i}`) as OperationHandle;
      op.record(0.1);
      if (i < 256) op.retry();
      if (i < 32) op.integrityScore(0.5);
    }
    return store;
  }
  const scrape = (store: OperationStore, budgetMs: number) => {
    let text = '';
    const w = new SlicedWriter((chunk) => (text += chunk), budgetMs);
    const work = new PrometheusSerializer(false).storeText(store, w);
    let yields = 0;
    while (!work.next().done) yields++;
    w.flush();
    return { text, yields };
  };

  it('writes the same text whether it yields after every check or never', () => {
    const store = bigStore();
    const never = scrape(store, Infinity);
    const always = scrape(store, 0);
    expect(never.yields).toBe(0);
    expect(always.text).toBe(never.text);
    expect(never.text).toBe(new PrometheusSerializer(false).serializeStore(store));
  });

  it('checks its budget every 16 histogram rows, 64 active gauges, 1,024 handles scanned for figures and 256 handles with figures', () => {
    // A spent budget at every check (budget 0): 1,024 duration rows / 16 = 64 yields; 1,024 active gauges / 64 = 16;
    // one figure scan of 1,024 handles = 1; 8 figure families over 256 handles with figures, one yield each = 8;
    // 32 integrity-score rows / 16 = 2. Together 91.
    expect(scrape(bigStore(), 0).yields).toBe(91);
  });
});
