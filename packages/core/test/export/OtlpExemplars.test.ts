import { context, trace, TraceFlags } from '@opentelemetry/api';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { ExemplarSerializer, exportExemplarsThrough } from '../../src/export/OtlpExemplars';
import { EXEMPLARS } from '../../src/store/StoreMetricProducer';
import { AlsContextManager } from '../../../../test/core/alsContextManager';
import { OtlpReceiver, attributesOf, pointsOf } from '../../../../test/robustness/helpers/OtlpReceiver';

// What an OTLP receiver gets, read with JSON.parse (the receiver's own decoding) against the OTLP/JSON mapping of
// opentelemetry-proto's metrics.proto: HistogramDataPoint.exemplars (field 8) holds Exemplar messages with
// time_unix_nano (fixed64: a decimal string in JSON), as_double, span_id and trace_id (bytes: hex in OTLP/JSON),
// filtered_attributes (none here).
const EXEMPLAR_JSON_FIELDS = ['filteredAttributes', 'timeUnixNano', 'asDouble', 'asInt', 'spanId', 'traceId'];
const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_A = '00f067aa0ba902b7';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';
const SPAN_B = 'b7ad6b7169203331';

interface JsonExemplar {
  timeUnixNano: string;
  asDouble: number;
  spanId: string;
  traceId: string;
}

const manager = new AlsContextManager();
beforeAll(() => context.setGlobalContextManager(manager));
afterAll(() => context.disable());

function inSpan<T>(traceId: string, spanId: string, fn: () => T): T {
  const span = trace.wrapSpanContext({ traceId, spanId, traceFlags: TraceFlags.SAMPLED });
  return context.with(trace.setSpan(context.active(), span), fn);
}

async function setup(exemplars: boolean): Promise<{ perf: Perfkit; receiver: OtlpReceiver }> {
  const receiver = new OtlpReceiver();
  await receiver.start();
  const perf = createPerfkit({ serviceName: 'otlp-exemplars', prometheus: { serve: false }, logLevel: 'none', exemplars, otlp: { url: receiver.url, intervalMs: 3_600_000 } });
  return { perf, receiver };
}

/** The duration points of the first request that carries them, by operation name. */
async function durationPoints(receiver: OtlpReceiver): Promise<Map<string, Record<string, unknown>>> {
  const { body } = await receiver.waitFor((r) => pointsOf(r.body, 'perfkit.operation.duration').length > 0, 10_000);
  const points = pointsOf(body, 'perfkit.operation.duration') as Array<Record<string, unknown>>;
  return new Map(points.map((p) => [attributesOf(p as never)['operation.name']!, p]));
}

describe('OTLP exemplars', () => {
  it('sends the latest trace and span id of each bucket with the duration histogram point', async () => {
    const { perf, receiver } = await setup(true);
    try {
      const before = Date.now();
      inSpan(TRACE_A, SPAN_A, () => perf.operation('download', 'traced').record(0.3));
      inSpan(TRACE_B, SPAN_B, () => perf.operation('download', 'traced').record(0.4)); // same bucket (le 0.5): replaces A
      inSpan(TRACE_A, SPAN_A, () => perf.operation('download', 'traced').record(7)); // another bucket
      perf.operation('download', 'untraced').record(0.3); // no active span
      const after = Date.now();
      await perf.forceFlush();

      const points = await durationPoints(receiver);
      const exemplars = points.get('traced')!.exemplars as JsonExemplar[];
      expect(exemplars).toHaveLength(2);
      expect(exemplars[0]).toMatchObject({ traceId: TRACE_B, spanId: SPAN_B, asDouble: 0.4 });
      expect(exemplars[1]).toMatchObject({ traceId: TRACE_A, spanId: SPAN_A, asDouble: 7 });
      for (const e of exemplars) {
        for (const key of Object.keys(e)) expect(EXEMPLAR_JSON_FIELDS).toContain(key);
        expect(e.timeUnixNano).toMatch(/^\d+$/);
        const ms = Number(BigInt(e.timeUnixNano) / 1_000_000n);
        expect(ms).toBeGreaterThanOrEqual(before);
        expect(ms).toBeLessThanOrEqual(after);
      }
      expect(points.get('untraced')!).not.toHaveProperty('exemplars');
      expect(Number(points.get('traced')!.count)).toBe(3); // the rest of the point is what the SDK wrote
    } finally {
      await perf.shutdown();
      await receiver.stop();
    }
  });

  it('sends no exemplars when they are off (the default), with a span active', async () => {
    const { perf, receiver } = await setup(false);
    try {
      inSpan(TRACE_A, SPAN_A, () => perf.operation('download', 'traced').record(0.3));
      await perf.forceFlush();
      expect((await durationPoints(receiver)).get('traced')).toBeDefined();
      for (const r of receiver.requests) expect(JSON.stringify(r.body)).not.toContain('"exemplars"');
    } finally {
      await perf.shutdown();
      await receiver.stop();
    }
  });

  it('exports without exemplars, and says so once, when the exporter has no serializer it knows', () => {
    const warnings: string[] = [];
    const diag = { error: () => undefined, warn: (m: string) => warnings.push(m), info: () => undefined, debug: () => undefined };
    const exporter = { export: () => undefined, forceFlush: async () => undefined, shutdown: async () => undefined };
    expect(exportExemplarsThrough(exporter as never, diag as never)).toBe(false);
    expect(exportExemplarsThrough({ ...exporter, _delegate: { _serializer: { serializeRequest: 'no' } } } as never, diag as never)).toBe(false);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/without exemplars/);
  });
});

describe('ExemplarSerializer', () => {
  it('passes a request without exemplars through as the exporter wrote it (the same bytes)', () => {
    const bytes = new TextEncoder().encode('{"resourceMetrics":[]}');
    const inner = { serializeRequest: () => bytes, deserializeResponse: (d: Uint8Array) => d.length };
    const request = { resource: {}, scopeMetrics: [{ scope: { name: 's' }, metrics: [{ descriptor: { name: 'h' }, dataPoints: [{ value: 1 }] }] }] };
    const serializer = new ExemplarSerializer(inner);
    expect(serializer.serializeRequest(request as never)).toBe(bytes);
    expect(serializer.deserializeResponse(new Uint8Array(4))).toBe(4);
  });
});

describe('ExemplarSerializer on what it cannot read', () => {
  const exemplarPoint = () => {
    const point: Record<PropertyKey, unknown> = { value: 1 };
    point[EXEMPLARS] = [{ timeUnixNano: '1', asDouble: 1, spanId: SPAN_A, traceId: TRACE_A }];
    return point;
  };
  const request = () => ({ resource: {}, scopeMetrics: [{ scope: { name: 's' }, metrics: [{ descriptor: { name: 'h' }, dataPoints: [exemplarPoint()] }] }] });

  it.each([
    ['bytes that are not JSON (a protobuf serializer)', new Uint8Array([0x0a, 0x02, 0xff, 0x00])],
    ['JSON of another shape', new TextEncoder().encode('{"resourceMetrics":[{"scopeMetrics":"oops"}]}')],
    ['JSON whose metrics do not line up with the request', new TextEncoder().encode('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"other","histogram":{"dataPoints":[{}]}}]}]}]}')],
  ])('sends %s as the exporter wrote them', (_what, bytes) => {
    const serializer = new ExemplarSerializer({ serializeRequest: () => bytes, deserializeResponse: () => undefined });
    expect(serializer.serializeRequest(request() as never)).toBe(bytes);
  });
});
