import { createPerfkit } from '@perfkit/core';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
  type MetricData,
  type ResourceMetrics,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { promtoolCheckMetrics } from '../../../../test/helpers/promtool';

// The app's own OpenTelemetry pipeline (SDK 2.x from the root workspace here; the same checks run against SDK 3.x on
// Node 26 in test/packaging/sdk3-app.cjs). Expected values are worked out by hand from what the test records.

function setup() {
  const logs: string[] = [];
  const perf = createPerfkit({
    serviceName: 'app-pipeline-test',
    prometheus: { serve: false },
    logLevel: 'warn',
    logger: { warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) },
  });
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const appReader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000, metricProducers: [perf.metricProducer()] });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'the-app' }), readers: [appReader, perf.metricReader()] });
  return { perf, exporter, provider, logs };
}

function exported(exporter: InMemoryMetricExporter): { resource: ResourceMetrics['resource']; metrics: MetricData[] } {
  const last = exporter.getMetrics().at(-1)!;
  return { resource: last.resource, metrics: last.scopeMetrics.flatMap((s) => s.metrics) };
}

describe('perf.metricProducer()', () => {
  it("puts perfkit's operations into the app's own reader, under the app's resource", async () => {
    const { perf, exporter, provider } = setup();
    const download = perf.operation('download', 'weights');
    download.track(() => 1);
    download.track(() => 2);
    expect(() => perf.trackOperation('download', 'weights', () => { throw new Error('x'); })).toThrow('x');
    await provider.forceFlush();
    const { resource, metrics } = exported(exporter);
    expect(resource.attributes['service.name']).toBe('the-app');
    const duration = metrics.find((m) => m.descriptor.name === 'perfkit.operation.duration') as HistogramMetricData;
    expect(duration.dataPointType).toBe(DataPointType.HISTOGRAM);
    const byOutcome = Object.fromEntries(duration.dataPoints.map((p) => [p.attributes['operation.outcome'], p.value.count]));
    expect(byOutcome).toEqual({ success: 2, failure: 1 });
    expect(duration.dataPoints.every((p) => p.attributes['operation.name'] === 'weights')).toBe(true);
    await provider.shutdown();
    await perf.shutdown();
  });

  it("carries the plug-ins' instruments made on perf.meter, and the app's own instruments only once", async () => {
    const { perf, exporter, provider } = setup();
    perf.meter.createObservableGauge('plugin.level', { unit: '1' }).addCallback((r) => r.observe(0.25));
    provider.getMeter('app').createCounter('app.requests', { unit: '{request}' }).add(3);
    await provider.forceFlush();
    const { metrics } = exported(exporter);
    const names = metrics.map((m) => m.descriptor.name);
    expect(names.filter((n) => n === 'app.requests')).toHaveLength(1);
    expect(names.filter((n) => n === 'plugin.level')).toHaveLength(1);
    const requests = metrics.find((m) => m.descriptor.name === 'app.requests') as SumMetricData;
    expect(requests.dataPoints.map((p) => p.value)).toEqual([3]);
    await provider.shutdown();
    await perf.shutdown();
  });

  it('produces nothing when perfkit is disabled', async () => {
    const perf = createPerfkit({ disabled: true, logLevel: 'none' });
    perf.operation('download', 'a').track(() => 1);
    const result = await perf.metricProducer().collect();
    expect(result.resourceMetrics.scopeMetrics).toEqual([]);
  });
});

describe('perf.metricReader()', () => {
  it("serves the app's instruments on perfkit's /metrics next to perfkit's own series, promtool clean", async () => {
    const { perf, provider } = setup();
    const meter = provider.getMeter('app');
    meter.createCounter('app.requests', { unit: '{request}', description: 'Requests served' }).add(3, { route: '/a' });
    meter.createHistogram('app.latency', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1] } }).record(0.5);
    perf.operation('download', 'weights').track(() => 1);
    const text = await perf.metrics();
    expect(text).toContain('app_requests_total{route="/a"} 3\n');
    expect(text).toContain('app_latency_seconds_bucket{le="0.1"} 0\n');
    expect(text).toContain('app_latency_seconds_bucket{le="1"} 1\n');
    expect(text).toMatch(/\napp_latency_seconds_count(\{\})? 1\n/); // the serializer writes `{}` for no labels today
    expect(text).toMatch(/perfkit_operation_duration_seconds_count\{[^}]*operation_name="weights"[^}]*\} 1\n/);
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, report: '' });
    await provider.shutdown();
    await perf.shutdown();
  });

  it("drops the app's series once the app's MeterProvider shuts down, and the scrape still answers", async () => {
    const { perf, provider } = setup();
    provider.getMeter('app').createCounter('app.requests').add(1);
    expect(await perf.metrics()).toContain('app_requests_total 1');
    await provider.shutdown();
    const text = await perf.metrics();
    expect(text).not.toContain('app_requests');
    expect(text).toContain('target_info');
    await perf.shutdown();
  });

  it('refuses a second MeterProvider, as the specification requires', () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    const reader = perf.metricReader();
    new MeterProvider({ readers: [reader] });
    expect(() => new MeterProvider({ readers: [reader] })).toThrow(/once per provider/);
    return perf.shutdown();
  });

  it("keeps scraping when the app's instruments throw in their callbacks, and says so in the log", async () => {
    const { perf, provider, logs } = setup();
    const meter = provider.getMeter('app');
    meter.createObservableGauge('app.broken').addCallback(() => { throw new Error('callback broke'); });
    meter.createObservableGauge('app.ok').addCallback((r) => r.observe(Number.NaN));
    meter.createObservableGauge('app.fine').addCallback((r) => r.observe(2));
    const text = await perf.metrics();
    expect(text).toContain('app_fine 2\n');
    expect(logs.join('\n')).toContain('collection');
    await provider.shutdown();
    await perf.shutdown();
  });

  it('is harmless before any MeterProvider takes it', async () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    perf.metricReader();
    await expect(perf.metrics()).resolves.toContain('target_info');
    await perf.shutdown();
  });
});
