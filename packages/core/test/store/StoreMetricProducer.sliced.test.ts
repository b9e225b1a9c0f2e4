import type { Perfkit } from '@perfkit/core';
import { StoreMetricProducer } from '../../src/store/StoreMetricProducer';
import { countTurns } from '../countTurns';
import { perfWithSeries } from '../perfWithSeries';

const open: Perfkit[] = [];
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

const setup = (series: number) => perfWithSeries(series, open);

// A collection was one synchronous pass: 36-100 ms of held event loop at 10,000 series, 330-460 ms at 100,000
// (Node 20), at every OTLP export interval.
describe('StoreMetricProducer.collect() in slices', () => {
  it('lets the event loop run at every 64th row once a slice is spent, and collects what the one-pass read does', async () => {
    const { store, resource } = setup(300);
    const producer = new StoreMetricProducer(store, resource, 0);
    const counter = countTurns();
    const { resourceMetrics } = await producer.collect();
    counter.stop();
    // Rows 63..255 of the duration table end four slices; the active gauge's pass over 300 handles four more, and each
    // figure metric's pass four more.
    expect(counter.turns).toBeGreaterThanOrEqual(8);
    const points = (data: typeof resourceMetrics.scopeMetrics[0]['metrics']) =>
      data.map((m) => [m.descriptor.name, m.dataPoints.map((p) => [p.attributes, p.value])]);
    expect(points(resourceMetrics.scopeMetrics[0]!.metrics)).toEqual(points(producer.metrics()));
    const duration = resourceMetrics.scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === 'perfkit.operation.duration')!;
    // Read by hand: 300 series, one 0.2 s observation each, in the (0.1, 0.25] bucket of the download type's bounds.
    expect(duration.dataPoints).toHaveLength(300);
    const value = duration.dataPoints[7]!.value as { count: number; sum: number; buckets: { boundaries: number[]; counts: number[] } };
    expect([value.count, value.sum, value.buckets.counts[value.buckets.boundaries.indexOf(0.25)]]).toEqual([1, 0.2, 1]);
  });
});
