import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPerfkit, GUARD_QUEUE_WAIT_BUCKETS, type Guard } from '@perfkit/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, InstrumentType, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { GuardQueueWaits } from '../../src/guards/GuardQueueWaits';

const FAMILY = 'perfkit_guard_queue_wait_seconds';

/** Only `performance` is faked: each queue wait is then an exact number of milliseconds. */
function setup(otlpUrl?: string) {
  jest.useFakeTimers({ doNotFake: ['Date', 'hrtime', 'nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  const perf = createPerfkit({ serviceName: 'queue-waits', prometheus: { serve: false }, logLevel: 'none', ...(otlpUrl ? { otlp: { url: otlpUrl, intervalMs: 3_600_000 } } : {}) });
  return { perf, guard: perf.guard({ name: 'gen', maxConcurrent: 1 }) };
}

/** Three runs: the first finds a free slot (0 s), the second starts after 50 ms, the third after 250 ms (both on a bound). */
async function waitThreeTimes(guard: Guard): Promise<void> {
  const gates: Array<() => void> = [];
  const work = () => new Promise<void>((resolve) => gates.push(resolve));
  const runs = [guard.run('t', 'n', work), guard.run('t', 'n', work), guard.run('t', 'n', work)];
  const next = async (ms: number) => {
    jest.advanceTimersByTime(ms);
    gates.shift()!();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  await next(50);
  await next(200);
  await next(0);
  await Promise.all(runs);
}

afterEach(() => jest.useRealTimers());

describe('GuardQueueWaits', () => {
  it('scrapes a guard with known waits as the hand-computed histogram (cumulative buckets, sum, count)', async () => {
    const { perf, guard } = setup();
    await waitThreeTimes(guard);
    const text = await perf.metrics();
    const lines = text.split('\n').filter((l) => l.startsWith(FAMILY) || l.includes(` ${FAMILY} `));
    // Waits 0, 0.05 and 0.25 s (a bucket's bound is inclusive): le 0.001..0.025 hold the first, le 0.05 and 0.1 two, le 0.25 and up all three.
    expect(lines).toEqual([
      `# HELP ${FAMILY} Time operations waited in the guard queue before they started or were refused (0 when a slot was free).`,
      `# TYPE ${FAMILY} histogram`,
      `${FAMILY}_bucket{guard="gen",le="0.001"} 1`,
      `${FAMILY}_bucket{guard="gen",le="0.005"} 1`,
      `${FAMILY}_bucket{guard="gen",le="0.01"} 1`,
      `${FAMILY}_bucket{guard="gen",le="0.025"} 1`,
      `${FAMILY}_bucket{guard="gen",le="0.05"} 2`,
      `${FAMILY}_bucket{guard="gen",le="0.1"} 2`,
      `${FAMILY}_bucket{guard="gen",le="0.25"} 3`,
      `${FAMILY}_bucket{guard="gen",le="0.5"} 3`,
      `${FAMILY}_bucket{guard="gen",le="1"} 3`,
      `${FAMILY}_bucket{guard="gen",le="2.5"} 3`,
      `${FAMILY}_bucket{guard="gen",le="5"} 3`,
      `${FAMILY}_bucket{guard="gen",le="10"} 3`,
      `${FAMILY}_bucket{guard="gen",le="30"} 3`,
      `${FAMILY}_bucket{guard="gen",le="60"} 3`,
      `${FAMILY}_bucket{guard="gen",le="+Inf"} 3`,
      `${FAMILY}_sum{guard="gen"} 0.3`,
      `${FAMILY}_count{guard="gen"} 3`,
    ]);
    expect(guard.stats().queueWait.counts).toEqual([1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    await perf.shutdown();
  });

  it('exports the same histogram over OTLP: cumulative, unit s, guard attribute, min and max, one ScopeMetrics', async () => {
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(parts).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL = 'http/json';
    try {
      const { perf, guard } = setup(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`);
      await waitThreeTimes(guard);
      jest.useRealTimers();
      await perf.forceFlush();
      await perf.shutdown();
      type Scope = { scope: { name: string }; metrics: Array<{ name: string; unit: string; histogram?: { aggregationTemporality: number; dataPoints: Array<Record<string, unknown>> } }> };
      const body = JSON.parse(bodies.find((b) => b.includes('perfkit.guard.queue.wait'))!) as { resourceMetrics: Array<{ scopeMetrics: Scope[] }> };
      const scopes = body.resourceMetrics[0]!.scopeMetrics;
      expect(scopes.map((s) => s.scope.name)).toEqual(['@perfkit/core']);
      const metric = scopes[0]!.metrics.find((m) => m.name === 'perfkit.guard.queue.wait')!;
      expect(metric.unit).toBe('s');
      expect(metric.histogram!.aggregationTemporality).toBe(2); // AGGREGATION_TEMPORALITY_CUMULATIVE
      const [point, ...more] = metric.histogram!.dataPoints;
      expect(more).toEqual([]);
      expect(point).toMatchObject({
        attributes: [{ key: 'guard', value: { stringValue: 'gen' } }],
        count: 3,
        sum: 0.3,
        min: 0,
        max: 0.25,
        explicitBounds: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        bucketCounts: [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
      });
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL;
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('produces nothing before a guard has waited, and drops NaN and negative waits without throwing', async () => {
    const waits = new GuardQueueWaits(resourceFromAttributes({}));
    const producer = waits.producer();
    const histogram = waits.add('g');
    expect((await producer.collect()).resourceMetrics.scopeMetrics).toEqual([]);
    for (const hostile of [NaN, -1, -Infinity]) expect(() => histogram.record(hostile)).not.toThrow();
    expect((await producer.collect()).resourceMetrics.scopeMetrics).toEqual([]);
    histogram.record(Infinity);
    expect(histogram.counts()).toEqual([...GUARD_QUEUE_WAIT_BUCKETS.map(() => 0), 1]);
  });

  it('gives a delta reader the change since its last collection, with that interval’s min and max', async () => {
    const waits = new GuardQueueWaits(resourceFromAttributes({}));
    const delta = waits.producer('delta');
    const cumulative = waits.producer('cumulative');
    const histogram = waits.add('g');
    const point = async (p: typeof delta) => {
      const metric = (await p.collect()).resourceMetrics.scopeMetrics[0]?.metrics[0] as MetricData | undefined;
      if (!metric) return undefined;
      expect(metric.dataPointType).toBe(DataPointType.HISTOGRAM);
      const v = metric.dataPoints[0]!.value as Histogram;
      return { temporality: metric.aggregationTemporality, counts: v.buckets.counts.join(','), sum: v.sum, count: v.count, min: v.min, max: v.max };
    };
    histogram.record(0.002);
    histogram.record(7);
    expect(await point(delta)).toEqual({ temporality: AggregationTemporality.DELTA, counts: '0,1,0,0,0,0,0,0,0,0,0,1,0,0,0', sum: 7.002, count: 2, min: 0.002, max: 7 });
    expect(await point(delta)).toBeUndefined();
    histogram.record(0.5);
    expect(await point(delta)).toEqual({ temporality: AggregationTemporality.DELTA, counts: '0,0,0,0,0,0,0,1,0,0,0,0,0,0,0', sum: 0.5, count: 1, min: 0.5, max: 0.5 });
    expect(await point(cumulative)).toEqual({ temporality: AggregationTemporality.CUMULATIVE, counts: '0,1,0,0,0,0,0,1,0,0,0,1,0,0,0', sum: 7.502, count: 3, min: 0.002, max: 7 });
  });

  it('stamps points with the guard\'s start (cumulative) or the previous collection (delta), and describes the histogram as the SDK did', async () => {
    const clock = jest.spyOn(Date, 'now');
    try {
      const resource = resourceFromAttributes({ 'service.name': 'stamps' });
      const waits = new GuardQueueWaits(resource);
      const cumulative = waits.producer();
      const delta = waits.producer('delta');
      clock.mockReturnValue(1_700_000_000_250);
      const histogram = waits.add('g');
      histogram.record(0.1);
      clock.mockReturnValue(1_700_000_010_500);
      const first = await cumulative.collect();
      expect(first.errors).toEqual([]);
      const [scope] = first.resourceMetrics.scopeMetrics;
      expect(first.resourceMetrics.resource).toBe(resource);
      expect(scope!.scope.name).toBe('@perfkit/core');
      const metric = scope!.metrics[0]!;
      expect(metric.descriptor).toEqual({
        name: 'perfkit.guard.queue.wait',
        type: InstrumentType.HISTOGRAM,
        description: 'Time operations waited in the guard queue before they started or were refused (0 when a slot was free).',
        unit: 's',
        valueType: 1, // ValueType.DOUBLE
        advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] },
      });
      // 1_700_000_000_250 ms = 1_700_000_000 s + 250_000_000 ns; 1_700_000_010_500 ms = 1_700_000_010 s + 500_000_000 ns.
      expect([metric.dataPoints[0]!.startTime, metric.dataPoints[0]!.endTime]).toEqual([[1_700_000_000, 250_000_000], [1_700_000_010, 500_000_000]]);
      expect(metric.dataPoints[0]!.attributes).toEqual({ guard: 'g' });
      const stamps = async () => {
        const point = (await delta.collect()).resourceMetrics.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!;
        return [point.startTime, point.endTime];
      };
      // A delta reader's first interval starts when the guard did, each later one where the previous ended.
      expect(await stamps()).toEqual([[1_700_000_000, 250_000_000], [1_700_000_010, 500_000_000]]);
      histogram.record(0.2);
      clock.mockReturnValue(1_700_000_020_000);
      expect(await stamps()).toEqual([[1_700_000_010, 500_000_000], [1_700_000_020, 0]]);
    } finally {
      clock.mockRestore();
    }
  });

  it('skips a guard without waits and goes on to the next one, in both temporalities', async () => {
    const waits = new GuardQueueWaits(resourceFromAttributes({}));
    const producers = [waits.producer('cumulative'), waits.producer('delta')];
    waits.add('idle');
    waits.add('busy').record(0.3);
    for (const producer of producers) {
      const metric = (await producer.collect()).resourceMetrics.scopeMetrics[0]!.metrics[0]!;
      expect(metric.dataPoints.map((p) => [p.attributes, (p.value as Histogram).count])).toEqual([[{ guard: 'busy' }, 1]]);
    }
  });
});
