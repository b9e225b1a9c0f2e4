import { createPerfkit, type Perfkit } from '@perfkit/core';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { attributesOf, OtlpReceiver, pointsOf } from '../../../../test/robustness/helpers/OtlpReceiver';
import { countTurns } from '../countTurns';

/**
 * The OTLP exporter serialized each request in one synchronous call (the SDK's transformer, then one JSON.stringify):
 * with perfkit's producer already collecting in slices, that call was the whole export's block, 66-130 ms of held
 * event loop at 10,000 operation series and 16-23 ms at 2,000 (6.5 and 1.3 MB of OTLP/JSON; Node 20, 2-vCPU VM,
 * 2026-12-02), at every export interval. perfkit now serializes the request in slices before the exporter sends it,
 * and hands the exporter those bytes (export/SlicedOtlpRequest.ts).
 */
const open: Perfkit[] = [];
const receivers: OtlpReceiver[] = [];
afterAll(async () => {
  await Promise.all(open.map((p) => p.shutdown()));
  await Promise.all(receivers.map((r) => r.stop()));
});

it('otlp-export-serialized-in-one-turn: the request is serialized in slices before it is sent, the same bytes', async () => {
  const series = 3_000;
  const receiver = new OtlpReceiver();
  receivers.push(receiver);
  await receiver.start();
  const perf = createPerfkit({ serviceName: 'otlp-sliced', prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: series + 10 }, otlp: { url: receiver.url, intervalMs: 3_600_000 } });
  open.push(perf);
  for (let i = 0; i < series; i++) perf.operation('download', `op-${i}`).record(0.2);

  // perfkit's exporter (CountingExporter) and the SDK's OTLP exporter it hands each request to.
  const counting = (perf as unknown as { otlp: PushMetricExporter & { inner: PushMetricExporter; prepared?: { sliceMs: number } } }).otlp;
  if (counting.prepared) counting.prepared.sliceMs = 0; // every look at the clock ends a slice: turns do not depend on speed
  const seen: { request?: ResourceMetrics; turns?: number } = {};
  let counter: ReturnType<typeof countTurns> | undefined;
  const exportFrom = counting.export.bind(counting);
  jest.spyOn(counting, 'export').mockImplementation((metrics, done) => {
    counter = countTurns();
    exportFrom(metrics, done);
  });
  const sdkExport = counting.inner.export.bind(counting.inner);
  jest.spyOn(counting.inner, 'export').mockImplementation((metrics, done) => {
    counter?.stop();
    seen.turns = counter?.turns;
    seen.request = metrics;
    sdkExport(metrics, done);
  });

  await perf.forceFlush();
  const { body, raw } = await receiver.waitFor((r) => pointsOf(r.body, 'perfkit.operation.duration').length > 0, 10_000).then((r) => ({ body: r.body, raw: JSON.stringify(r.body) }));
  // Between perfkit's export and the SDK exporter's, the event loop ran: a turn at least every 64 points.
  expect(seen.turns).toBeGreaterThanOrEqual(Math.floor(series / 64));
  // What the receiver got is what the SDK's serializer writes for that request in one call.
  expect(raw).toBe(JSON.stringify(JSON.parse(Buffer.from(JsonMetricsSerializer.serializeRequest(seen.request!)!).toString('utf8'))));
  const points = pointsOf(body, 'perfkit.operation.duration');
  expect(points).toHaveLength(series);
  expect([attributesOf(points[series - 1]!)['operation.name'], Number(points[series - 1]!.count)]).toEqual([`op-${series - 1}`, 1]);
}, 60_000);
