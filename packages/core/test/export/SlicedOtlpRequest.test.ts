import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ExemplarSerializer } from '../../src/export/OtlpExemplars';
import { POINTS_PER_PIECE, PreparedSerializer, type RequestSerializer } from '../../src/export/SlicedOtlpRequest';
import { EXEMPLARS } from '../../src/store/StoreMetricProducer';
import { countTurns } from '../countTurns';

// The independent reading is the OpenTelemetry SDK's own serializer (@opentelemetry/otlp-transformer, what the OTLP
// exporter uses): a request serialized in slices must be its one-call output byte for byte.

const T0: [number, number] = [1_764_000_000, 125_000_000];
const T1: [number, number] = [1_764_000_060, 5];
/** Attribute values a JSON cut could trip on: the key it looks for, quotes, backslashes, brackets, non-ASCII, controls. */
const HOSTILE = ['"dataPoints":[', '\\"dataPoints\\":[]', 'a"b\\c', ']]}}', 'ünï 模型 🚀', 'line\nbreak\u0000\u001f', ''];

function histogramPoints(n: number, exemplars = false) {
  return Array.from({ length: n }, (_, i) => {
    const point = {
      startTime: T0,
      endTime: T1,
      attributes: { 'operation.type': 'download', 'operation.name': `${HOSTILE[i % HOSTILE.length]}-${i}`, 'operation.outcome': i % 3 ? 'success' : 'failure' },
      value: { buckets: { boundaries: [0.1, 0.5, 1], counts: [i, 1, 0, i % 2] }, sum: i * 0.25 + 0.1, count: i + 1 + (i % 2), min: 0.01, max: 1.5 + i },
    };
    if (exemplars && i % 2 === 0) (point as Record<PropertyKey, unknown>)[EXEMPLARS] = [{ timeUnixNano: '1764000001000000000', asDouble: 0.3, spanId: '00f067aa0ba902b7', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }];
    return point;
  });
}

function request(points: number, exemplars = false): ResourceMetrics {
  const histogram: MetricData = {
    descriptor: { name: 'perfkit.operation.duration', description: 'Duration "of" operations', unit: 's', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: histogramPoints(points, exemplars),
  };
  const active: MetricData = {
    descriptor: { name: 'perfkit.operations.active', description: 'Running', unit: '{operation}', valueType: ValueType.INT },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: false,
    dataPoints: Array.from({ length: 150 }, (_, i) => ({ startTime: T0, endTime: T1, attributes: { 'operation.name': HOSTILE[i % HOSTILE.length]! }, value: i % 4 })),
  };
  const none: MetricData = { ...active, descriptor: { ...active.descriptor, name: 'perfkit.nothing' }, dataPoints: [] };
  const gauge: MetricData = {
    descriptor: { name: 'system.memory.utilization', description: '', unit: '1', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.GAUGE,
    dataPoints: [{ startTime: T1, endTime: T1, attributes: { 'system.memory.state': 'used', weird: '"dataPoints":[' }, value: 0.37 }],
  };
  return {
    resource: resourceFromAttributes({ 'service.name': 'svc "dataPoints":[', 'service.instance.id': 'a\\b', n: 3, f: 1.5, ok: true, list: ['x', 'y'] }),
    scopeMetrics: [
      { scope: { name: '@perfkit/core', version: '1.2.3' }, metrics: [histogram, none, active] },
      { scope: { name: 'host', version: '0.1.0', schemaUrl: 'https://opentelemetry.io/schemas/1.37.0' }, metrics: [gauge] },
    ],
  };
}

const diag = () => ({ error: jest.fn(), warn: jest.fn(), info: jest.fn(), debug: jest.fn() });
const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes!).toString('utf8');

describe('PreparedSerializer', () => {
  it("serializes in pieces exactly what the SDK's JSON serializer writes in one call", () => {
    const rm = request(1000);
    const prepared = new PreparedSerializer(JsonMetricsSerializer, diag() as never);
    const once = JsonMetricsSerializer.serializeRequest(rm)!;
    const pieces = prepared.serializeAtOnce(rm)!;
    expect(text(pieces)).toBe(text(once));
    // What a receiver reads: every point there, hostile names intact.
    const json = JSON.parse(text(pieces));
    const points = json.resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints;
    expect(points).toHaveLength(1000);
    expect(points[999].attributes[1].value.stringValue).toBe(`${HOSTILE[999 % HOSTILE.length]}-999`);
    expect(Number(points[999].count)).toBe(999 + 1 + 1);
  });

  it('yields between pieces and hands the exporter the bytes of that very request, once', async () => {
    const rm = request(1000);
    const inner: RequestSerializer = { serializeRequest: jest.fn((r) => JsonMetricsSerializer.serializeRequest(r)), deserializeResponse: (d) => JsonMetricsSerializer.deserializeResponse(d) };
    const prepared = new PreparedSerializer(inner, diag() as never, 0); // every look at the clock: over budget
    const counter = countTurns();
    await prepared.prepare(rm);
    counter.stop();
    // 1000 + 150 points in pieces of 64: 16 + 3 pieces, a turn after each (and between metrics).
    expect(counter.turns).toBeGreaterThanOrEqual(Math.ceil(1000 / POINTS_PER_PIECE) + Math.ceil(150 / POINTS_PER_PIECE) - 1);
    const calls = (inner.serializeRequest as jest.Mock).mock.calls.length;
    expect(text(prepared.serializeRequest(rm))).toBe(text(JsonMetricsSerializer.serializeRequest(rm)));
    expect((inner.serializeRequest as jest.Mock).mock.calls.length).toBe(calls); // the prepared bytes, not a new call
    // Asked again, or for another request: the wrapped serializer answers, in one call.
    prepared.serializeRequest(rm);
    expect((inner.serializeRequest as jest.Mock).mock.calls.length).toBe(calls + 1);
    // Prepared for one request and asked for another (an export the reader retried with new data): that other one.
    const other = request(3);
    await prepared.prepare(rm);
    expect(text(prepared.serializeRequest(other))).toBe(text(JsonMetricsSerializer.serializeRequest(other)));
  });

  it('keeps the exemplars the exemplar serializer adds, piece by piece', () => {
    const rm = request(300, true);
    const withExemplars = new ExemplarSerializer(JsonMetricsSerializer);
    const once = withExemplars.serializeRequest(rm)!;
    expect(text(once)).toContain('"exemplars"'); // the wrapped serializer did add them
    expect(text(new PreparedSerializer(withExemplars, diag() as never).serializeAtOnce(rm))).toBe(text(once));
  });

  it('leaves a serializer that does not write JSON to serialize in one call, and says so once', async () => {
    const d = diag();
    const prepared = new PreparedSerializer(ProtobufMetricsSerializer, d as never, 0);
    const rm = request(200);
    await prepared.prepare(rm);
    await prepared.prepare(rm);
    expect(d.warn).toHaveBeenCalledTimes(1);
    expect(Buffer.compare(Buffer.from(prepared.serializeRequest(rm)!), Buffer.from(ProtobufMetricsSerializer.serializeRequest(rm)!))).toBe(0);
  });

  it('falls back to one call when a piece cannot be cut cleanly, and when the wrapped serializer throws', async () => {
    // A serializer whose output for a piece is not its points' text plus the same frame (a counter in the frame).
    let n = 0;
    const drifting: RequestSerializer = {
      serializeRequest: (r) => new TextEncoder().encode(text(JsonMetricsSerializer.serializeRequest(r)).replace('{"resourceMetrics"', `{"n":${n++},"resourceMetrics"`)),
      deserializeResponse: () => ({}),
    };
    const d = diag();
    const rm = request(100);
    const prepared = new PreparedSerializer(drifting, d as never);
    await prepared.prepare(rm);
    expect(d.warn).toHaveBeenCalledTimes(1);
    expect(text(prepared.serializeRequest(rm))).toContain(`{"n":${n - 1},`); // serialized now, in one call
    // One whose frame differs at the end: the points cut the same, but the frame around them would not be the skeleton's.
    let m = 0;
    const tail: RequestSerializer = {
      serializeRequest: (r) => new TextEncoder().encode(text(JsonMetricsSerializer.serializeRequest(r)).replace(/}$/, `,"n":${m++ % 10}}`)),
      deserializeResponse: () => ({}),
    };
    const dt = diag();
    await new PreparedSerializer(tail, dt as never).prepare(rm);
    expect(dt.warn).toHaveBeenCalledTimes(1);
    // A metric the transformer writes without a dataPoints key (a point type it does not know): the keys no longer
    // match the metrics one to one, so nothing is cut; one call writes it as the SDK does.
    const odd = request(100);
    const unknown = { ...odd.scopeMetrics[0]!.metrics[0]!, dataPointType: 99, dataPoints: [] } as unknown as MetricData;
    odd.scopeMetrics[0]!.metrics.unshift(unknown);
    const du = diag();
    const oddPrepared = new PreparedSerializer(JsonMetricsSerializer, du as never);
    await oddPrepared.prepare(odd);
    expect(du.warn).toHaveBeenCalledTimes(1);
    expect(text(oddPrepared.serializeRequest(odd))).toBe(text(JsonMetricsSerializer.serializeRequest(odd)));
    const throwing: RequestSerializer = { serializeRequest: () => { throw new Error('boom'); }, deserializeResponse: () => ({}) };
    const d2 = diag();
    await expect(new PreparedSerializer(throwing, d2 as never).prepare(rm)).resolves.toBeUndefined();
    expect(d2.warn).toHaveBeenCalledWith(expect.stringContaining('in slices failed'), expect.any(Error));
  });
});
