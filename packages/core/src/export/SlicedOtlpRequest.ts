import type { MetricData, PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { DiagLogger } from '../diag';
import { runAtOnce, runSliced, type Steps } from '../store/steps';

/** The request serializer of an OTLP exporter (`ISerializer` of `@opentelemetry/otlp-transformer`). */
export interface RequestSerializer {
  serializeRequest(request: ResourceMetrics): Uint8Array | undefined;
  deserializeResponse(data: Uint8Array): unknown;
}

/** Where the OTLP exporters keep their serializer (private: `_delegate._serializer`, every release perfkit supports). */
type ExporterInternals = { _delegate?: { _serializer?: Partial<RequestSerializer> } };

/** The exporter's request serializer, or undefined where a release keeps it elsewhere. */
export function serializerOf(exporter: PushMetricExporter): RequestSerializer | undefined {
  const inner = (exporter as ExporterInternals)._delegate?._serializer;
  return typeof inner?.serializeRequest === 'function' && typeof inner.deserializeResponse === 'function' ? (inner as RequestSerializer) : undefined;
}

/** Puts `serializer` where the exporter takes its serializer from (see {@link serializerOf}). */
export function setSerializer(exporter: PushMetricExporter, serializer: RequestSerializer): void {
  (exporter as ExporterInternals)._delegate!._serializer = serializer;
}

/**
 * Longest a slice of a request's serialization runs before it yields (ms), as the scrape's and the producer's slices.
 * The exporter serializes a request in one synchronous call: at 10,000 operation series (6.5 MB of OTLP/JSON) that
 * held the event loop 66-130 ms at every export, and 16-23 ms at 2,000 (Node 20, 2-vCPU VM, 2026-12-02).
 */
export const REQUEST_SLICE_MS = 1;

/** Data points serialized together, between two looks at the slice clock. */
export const POINTS_PER_PIECE = 64;

/**
 * A request serializer that hands the exporter a request serialized ahead of time, in slices that yield to the event
 * loop ({@link prepare}), when the exporter asks for that very request; any other request goes to the serializer it
 * wraps, in one call as before.
 *
 * The bytes are the wrapped serializer's own, byte for byte: the request is serialized once with every metric's data
 * points left out (the skeleton), then each metric's points a piece of {@link POINTS_PER_PIECE} at a time, each piece as
 * a request of its own whose `dataPoints` array is cut out (the text where it differs from the same request without
 * points) and put into the skeleton's empty array, pieces joined by commas. JSON only: the cut needs text. In JSON a
 * `"dataPoints":[` can only be a key (a quote inside a string is escaped), one per metric, in the order of the metrics;
 * if the skeleton does not have exactly that, or a piece is not cut cleanly, the request is serialized in one call.
 */
export class PreparedSerializer implements RequestSerializer {
  private prepared?: { request: ResourceMetrics; bytes: Uint8Array };
  private warned = false;

  constructor(
    readonly inner: RequestSerializer,
    private readonly diag: DiagLogger,
    private readonly sliceMs = REQUEST_SLICE_MS,
  ) {}

  serializeRequest(request: ResourceMetrics): Uint8Array | undefined {
    const prepared = this.prepared;
    this.prepared = undefined;
    if (prepared !== undefined && prepared.request === request) return prepared.bytes;
    return this.inner.serializeRequest(request);
  }

  deserializeResponse(data: Uint8Array): unknown {
    return this.inner.deserializeResponse(data);
  }

  /** Serializes `request` in slices, for the next {@link serializeRequest} of it. Never rejects. */
  async prepare(request: ResourceMetrics): Promise<void> {
    this.prepared = undefined;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await runSliced(requestSteps(this.inner, request), this.sliceMs);
    } catch (err) {
      this.diag.warn('OTLP: serializing a request in slices failed; the exporter serializes it in one piece', err);
      return;
    }
    if (bytes === undefined) {
      if (!this.warned) this.diag.warn('OTLP: this exporter does not write JSON perfkit can serialize in slices; each request is serialized in one piece');
      this.warned = true;
      return;
    }
    this.prepared = { request, bytes };
  }

  /** `request` serialized in one pass by the same steps (tests compare it with the wrapped serializer's). */
  serializeAtOnce(request: ResourceMetrics): Uint8Array | undefined {
    return runAtOnce(requestSteps(this.inner, request));
  }
}

/**
 * Wraps the exporter's serializer in a {@link PreparedSerializer} (outside any other wrapper, e.g. the exemplars'),
 * or returns undefined (and says so) where the exporter keeps it elsewhere: its requests are then serialized in one call.
 */
export function prepareRequestsThrough(exporter: PushMetricExporter, diag: DiagLogger): PreparedSerializer | undefined {
  const inner = serializerOf(exporter);
  if (inner === undefined) {
    diag.warn('OTLP: this version of @opentelemetry/exporter-metrics-otlp-http has no serializer perfkit can reach; each request is serialized in one piece');
    return undefined;
  }
  const prepared = new PreparedSerializer(inner, diag);
  setSerializer(exporter, prepared);
  return prepared;
}

const COMMA = Uint8Array.of(0x2c);
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const DATA_POINTS_KEY = Buffer.from('"dataPoints":[', 'latin1');

type Scope = ResourceMetrics['scopeMetrics'][number];

/** One metric of `scope` alone in a request (a piece: the metric with some of its points, or none). */
function pieceRequest(resource: ResourceMetrics['resource'], scope: Scope, metric: MetricData, points: MetricData['dataPoints']): ResourceMetrics {
  return { resource, scopeMetrics: [{ scope: scope.scope, metrics: [{ ...metric, dataPoints: points } as MetricData] }] };
}

/** Where each `"dataPoints":[` key of `json` opens its array (the index after `[`). */
function dataPointsArrays(json: Buffer): number[] {
  const at: number[] = [];
  for (let i = json.indexOf(DATA_POINTS_KEY); i >= 0; i = json.indexOf(DATA_POINTS_KEY, i + DATA_POINTS_KEY.length)) at.push(i + DATA_POINTS_KEY.length);
  return at;
}

/** The text of the points in `full` (a piece) that `empty` (the same piece without points) lacks; undefined if not cut cleanly. */
function cutPoints(empty: Buffer, full: Buffer): Buffer | undefined {
  const extra = full.length - empty.length;
  if (extra <= 0) return undefined;
  let i = 0;
  const n = empty.length;
  while (i < n && empty[i] === full[i]) i++;
  if (i === 0 || i >= n || empty[i] !== CLOSE || empty[i - 1] !== OPEN || full[i + extra] !== CLOSE) return undefined;
  if (full.compare(empty, i, n, i + extra, full.length) !== 0) return undefined;
  return full.subarray(i, i + extra);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The steps of one request's serialization; undefined when it cannot be cut (see {@link PreparedSerializer}). */
function requestSteps(inner: RequestSerializer, request: ResourceMetrics): Steps<Uint8Array | undefined> {
  return function* (isOverBudget) {
    const resource = request.resource;
    const skeletonRequest: ResourceMetrics = {
      resource,
      scopeMetrics: request.scopeMetrics.map((s) => ({ scope: s.scope, metrics: s.metrics.map((m) => ({ ...m, dataPoints: [] }) as MetricData) })),
    };
    const skeletonBytes = inner.serializeRequest(skeletonRequest);
    if (skeletonBytes === undefined) return undefined;
    const skeleton = asBuffer(skeletonBytes);
    const arrays = dataPointsArrays(skeleton);
    const metrics: Array<readonly [Scope, MetricData]> = [];
    for (const s of request.scopeMetrics) for (const m of s.metrics) metrics.push([s, m]);
    if (arrays.length !== metrics.length || arrays.some((at) => skeleton[at] !== CLOSE)) return undefined;
    const pieces: Uint8Array[] = [];
    let copied = 0;
    for (let k = 0; k < metrics.length; k++) {
      const [scope, metric] = metrics[k]!;
      const points = metric.dataPoints;
      if (points.length === 0) continue;
      pieces.push(skeleton.subarray(copied, arrays[k]!));
      copied = arrays[k]!;
      const emptyBytes = inner.serializeRequest(pieceRequest(resource, scope, metric, []));
      if (emptyBytes === undefined) return undefined;
      const empty = asBuffer(emptyBytes);
      for (let from = 0; from < points.length; from += POINTS_PER_PIECE) {
        if (from > 0) {
          pieces.push(COMMA);
          if (isOverBudget()) yield;
        }
        const full = inner.serializeRequest(pieceRequest(resource, scope, metric, points.slice(from, from + POINTS_PER_PIECE)));
        const cut = full === undefined ? undefined : cutPoints(empty, asBuffer(full));
        if (cut === undefined) return undefined;
        pieces.push(cut);
      }
      if (isOverBudget()) yield;
    }
    pieces.push(skeleton.subarray(copied));
    // Copied into one buffer in slices too: one Buffer.concat of a 100,000-series request (65 MB) held the loop itself.
    let total = 0;
    for (const p of pieces) total += p.length;
    const out = Buffer.allocUnsafeSlow(total);
    let o = 0;
    for (let i = 0; i < pieces.length; i++) {
      out.set(pieces[i]!, o);
      o += pieces[i]!.length;
      if ((i & 255) === 255 && isOverBudget()) yield;
    }
    return out;
  };
}
