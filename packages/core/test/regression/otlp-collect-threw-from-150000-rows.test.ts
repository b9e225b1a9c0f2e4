import { createPerfkit, type Perfkit } from '@perfkit/core';

/**
 * perfkit's OpenTelemetry producer (what the OTLP exporter and an app's own readers collect) appended each table's
 * points with `push(...points)`: from about 150,000 rows in one operation type the spread overflowed the call stack
 * (RangeError, Node 20 and 26), and every collection lost all of perfkit's metrics. Rows are appended one by one now.
 */
const open: Perfkit[] = [];
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

it('otlp-collect-threw-from-150000-rows: a collection of 150,000 series of one type carries them all', async () => {
  const series = 150_000;
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: series + 10 } });
  open.push(perf);
  for (let i = 0; i < series; i++) perf.operation('download', `op-${i}`).record(0.2);
  const { resourceMetrics, errors } = await perf.metricProducer().collect();
  expect(errors).toEqual([]);
  const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  const duration = metrics.find((m) => m.descriptor.name === 'perfkit.operation.duration')!;
  expect(duration.dataPoints).toHaveLength(series);
  const last = duration.dataPoints[series - 1]!;
  expect([last.attributes['operation.name'], (last.value as { count: number }).count]).toEqual([`op-${series - 1}`, 1]);
}, 60_000);
