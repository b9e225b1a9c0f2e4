/**
 * Regression: an app that shuts perfkit down before its own MeterProvider (the order the README's pipeline snippet
 * and most shutdown hooks use) got `perfkit warn: collecting perfkit's instruments for perf.metricProducer() failed
 * Error: MetricReader is shutdown` with a stack trace from its reader's final flush. That flush still carries the
 * operations' final counts; the plug-ins' instruments are stopped, which is no fault: nothing is logged above debug.
 */
import { createPerfkit } from '@perfkit/core';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type HistogramMetricData } from '@opentelemetry/sdk-metrics';

describe('regression: app reader flush after shutdown warned', () => {
  it("exports the final counts quietly when the app's provider shuts down after perfkit", async () => {
    const logs: string[] = [];
    const perf = createPerfkit({ prometheus: { serve: false }, logger: { warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`), info: () => undefined, debug: () => undefined } });
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const provider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000, metricProducers: [perf.metricProducer()] })] });
    perf.meter.createObservableGauge('plugin.level').addCallback((r) => r.observe(1));
    const op = perf.operation('download', 'weights');
    op.track(() => 1);
    op.track(() => 2);
    op.track(() => 3);
    await perf.shutdown();
    await provider.shutdown();
    expect(logs).toEqual([]);
    const last = exporter.getMetrics().at(-1)!;
    const duration = last.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'perfkit.operation.duration') as HistogramMetricData;
    expect(duration.dataPoints.map((p) => p.value.count)).toEqual([3]);
  });
});
