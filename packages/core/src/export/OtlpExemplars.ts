import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { DiagLogger } from '../diag';
import { EXEMPLARS, type ExemplarDataPoint } from '../store/StoreMetricProducer';
import { serializerOf, setSerializer, type RequestSerializer } from './SlicedOtlpRequest';

/** The parts of an OTLP/JSON `ExportMetricsServiceRequest` the exemplars go into. */
interface JsonRequest {
  resourceMetrics?: Array<{ scopeMetrics?: Array<{ metrics?: Array<{ name?: string; histogram?: { dataPoints?: Array<Record<string, unknown>> } }> }> }>;
}

/**
 * Gives perfkit's OTLP exporter the duration histogram's exemplars. The OpenTelemetry JS transformer writes no
 * exemplars (the SDK's data points have none), so the exporter's own JSON serializer is wrapped: when a request
 * carries exemplars (see {@link EXEMPLARS}), its JSON is read back and each histogram data point that has them gets
 * an `exemplars` array, as `opentelemetry.proto.metrics.v1.HistogramDataPoint` field 8 says. Requests without
 * exemplars go out byte for byte as the exporter wrote them.
 *
 * The serializer sits in a private field of the exporter (`_delegate._serializer` in every release of the
 * `@opentelemetry/exporter-metrics-otlp-http` lines perfkit supports): if a release moves it, OTLP export goes on
 * without exemplars and the logger says so once; nothing else changes. Returns whether exemplars will be exported.
 */
export function exportExemplarsThrough(exporter: PushMetricExporter, diag: DiagLogger): boolean {
  const inner = serializerOf(exporter);
  if (inner === undefined) {
    diag.warn('exemplars: this version of @opentelemetry/exporter-metrics-otlp-http has no serializer perfkit can extend; OTLP exports go without exemplars (the OpenMetrics scrape keeps them)');
    return false;
  }
  setSerializer(exporter, new ExemplarSerializer(inner));
  return true;
}

/** Wraps a JSON request serializer, adding the exemplars the SDK's transformer leaves out. */
export class ExemplarSerializer implements RequestSerializer {
  constructor(private readonly inner: RequestSerializer) {}

  serializeRequest(request: ResourceMetrics): Uint8Array | undefined {
    const bytes = this.inner.serializeRequest(request);
    if (bytes === undefined || !hasExemplars(request)) return bytes;
    try {
      const json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as JsonRequest;
      return addExemplars(json, request) ? new TextEncoder().encode(JSON.stringify(json)) : bytes;
    } catch {
      return bytes; // not JSON (a protobuf serializer) or not the shape expected: the export goes without exemplars
    }
  }

  deserializeResponse(data: Uint8Array): unknown {
    return this.inner.deserializeResponse(data);
  }
}

function hasExemplars(request: ResourceMetrics): boolean {
  for (const scope of request.scopeMetrics) {
    for (const metric of scope.metrics) for (const point of metric.dataPoints) if ((point as ExemplarDataPoint)[EXEMPLARS] !== undefined) return true;
  }
  return false;
}

/**
 * Puts each data point's exemplars on its JSON counterpart: the transformer maps scopes, metrics and points one to
 * one and in order, which the names and point counts are checked against (a mismatch leaves that metric as it is).
 */
function addExemplars(json: JsonRequest, request: ResourceMetrics): boolean {
  const scopes = json.resourceMetrics?.[0]?.scopeMetrics;
  if (scopes?.length !== request.scopeMetrics.length) return false;
  let added = false;
  request.scopeMetrics.forEach((scope, s) => {
    const metrics = scopes[s]!.metrics;
    if (metrics?.length !== scope.metrics.length) return;
    scope.metrics.forEach((metric, m) => {
      const points = metrics[m]!.histogram?.dataPoints;
      if (metrics[m]!.name !== metric.descriptor.name || points?.length !== metric.dataPoints.length) return;
      metric.dataPoints.forEach((point, p) => {
        const exemplars = (point as ExemplarDataPoint)[EXEMPLARS];
        if (exemplars === undefined || exemplars.length === 0) return;
        points[p]!.exemplars = exemplars;
        added = true;
      });
    });
  });
  return added;
}
