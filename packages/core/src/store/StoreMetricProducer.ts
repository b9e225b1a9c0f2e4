import { ValueType, type HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { ATTR, DROP_REASONS, METRICS, type MetricDef } from '../names';
import { FIGURE_METRICS, SCORE_METRICS } from '../operations/figures';
import type { ExemplarRow, HistogramTable } from './HistogramTable';
import type { OperationStore } from './OperationStore';
import { isDue, runAtOnce, runSliced } from './steps';

/** This package's name and version (read from its package.json, which sits two levels up in src/ and in dist/). */
const PACKAGE = require('../../package.json') as { name: string; version: string };

/** The instrumentation scope of perfkit's metrics: this package, at the version installed. */
export const SCOPE = { name: PACKAGE.name, version: PACKAGE.version };

/**
 * Where a histogram data point carries its exemplars (the SDK's `DataPoint` has no such field): read by perfkit's
 * OTLP serializer (`export/OtlpExemplars.ts`), ignored by every other consumer of the data.
 */
export const EXEMPLARS: unique symbol = Symbol('perfkit.exemplars');

/** One exemplar in the OTLP/JSON shape of `opentelemetry.proto.metrics.v1.Exemplar` (no filtered attributes: perfkit has none). */
export interface OtlpExemplar {
  /** Nanoseconds since the epoch, as a decimal string (OTLP/JSON writes 64-bit integers as strings). */
  readonly timeUnixNano: string;
  readonly asDouble: number;
  /** Hex, as OTLP/JSON writes span and trace ids (not base64). */
  readonly spanId: string;
  readonly traceId: string;
}

/** A histogram data point, possibly with the latest exemplar of each bucket. */
export type ExemplarDataPoint = DataPoint<Histogram> & { [EXEMPLARS]?: OtlpExemplar[] };

/**
 * Epoch milliseconds as an OpenTelemetry `HrTime` (`@opentelemetry/core`'s `millisToHrTime` is gone from its 3.x
 * line, which perfkit also runs with).
 */
export function hr(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/**
 * Feeds the pre-aggregated store into OpenTelemetry through the SDK's `MetricProducer` extension point,
 * so any OpenTelemetry reader (the OTLP periodic reader included) exports it. Cumulative temporality:
 * a failed export loses nothing, the next one carries the totals.
 */
export class StoreMetricProducer implements MetricProducer {
  /** @param sliceMs longest a slice of {@link collect} runs before it yields (ms) */
  constructor(
    private readonly store: OperationStore,
    private readonly resource: Resource,
    private readonly sliceMs = PRODUCER_SLICE_MS,
  ) {}

  /** Collects in slices of about 1 ms that yield to the event loop (see {@link PRODUCER_SLICE_MS}). */
  async collect(): Promise<CollectionResult> {
    const metrics = await runSliced((isOverBudget) => this.steps(isOverBudget), this.sliceMs);
    return { resourceMetrics: { resource: this.resource, scopeMetrics: [{ scope: SCOPE, metrics }] }, errors: [] };
  }

  /** The store as OpenTelemetry metric data (cumulative), in one synchronous pass. */
  metrics(): MetricData[] {
    return runAtOnce((isOverBudget) => this.steps(isOverBudget));
  }

  /** Every point, each row's from one instant, yielding at a check when `isOverBudget` says so. */
  private *steps(isOverBudget: () => boolean): Generator<void, MetricData[], void> {
    const store = this.store;
    const start = hr(store.startedAt);
    const end = hr(Date.now());
    const out: MetricData[] = [];
    const durationPoints: DataPoint<Histogram>[] = [];
    // Appended row by row: `push(...points)` of one table's points threw RangeError (call stack) from ~150,000 rows.
    for (const table of store.durationTables()) yield* histogramPoints(table, start, end, durationPoints, isOverBudget);
    out.push(histogram(METRICS.operationDuration, durationPoints));

    const handles = store.handles;
    const active: DataPoint<number>[] = [];
    for (let i = 0; i < handles.length; i++) {
      if (isDue(i, isOverBudget)) yield;
      const h = handles[i]!;
      active.push({ startTime: start, endTime: end, attributes: h.baseAttributes(), value: h.active });
    }
    out.push(sum(METRICS.operationsActive, false, active));
    for (const f of FIGURE_METRICS) {
      const points: DataPoint<number>[] = [];
      for (let i = 0; i < handles.length; i++) {
        if (isDue(i, isOverBudget)) yield;
        const h = handles[i]!;
        if (!h.figures) continue;
        for (const [slot, extra] of f.slots) {
          if ((h.figureMask & (1 << slot)) === 0) continue;
          const attributes = extra ? { ...h.baseAttributes(), [ATTR.integrityResult]: extra } : h.baseAttributes();
          points.push({ startTime: start, endTime: end, attributes, value: h.figures[slot]! });
        }
      }
      if (points.length) out.push(sum(METRICS[f.metric], true, points));
    }
    for (let i = 0; i < SCORE_METRICS.length; i++) {
      const table = store.scoreTables[i]!;
      if (!table.size) continue;
      const points: DataPoint<Histogram>[] = [];
      yield* histogramPoints(table, start, end, points, isOverBudget);
      out.push(histogram(METRICS[SCORE_METRICS[i]!], points));
    }
    out.push(
      sum(
        METRICS.droppedMeasurements,
        true,
        DROP_REASONS.map((reason, i) => ({ startTime: start, endTime: end, attributes: { [ATTR.dropReason]: reason }, value: store.drops[i]! })),
      ),
    );
    return out;
  }
}

/**
 * Longest a slice of a collection runs before it yields (ms). A collection is one synchronous pass otherwise: at
 * 10,000 series 36-100 ms and at 100,000 series 330-460 ms of held event loop (Node 20, 2-vCPU VM, 2026-12-02), at
 * every OTLP export interval and every collection of an app's reader that has perfkit's producer.
 */
export const PRODUCER_SLICE_MS = 1;

function descriptor(def: MetricDef) {
  return { name: def.otel, description: def.description, unit: def.unit, valueType: ValueType.DOUBLE };
}

function histogram(def: MetricDef, dataPoints: DataPoint<Histogram>[]): MetricData {
  return { descriptor: descriptor(def), aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.HISTOGRAM, dataPoints };
}

function sum(def: MetricDef, isMonotonic: boolean, dataPoints: DataPoint<number>[]): MetricData {
  return { descriptor: descriptor(def), aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.SUM, isMonotonic, dataPoints };
}

/** Appends one point per row of `table` to `out`, yielding at a check when `isOverBudget` says so. */
function* histogramPoints(table: HistogramTable, start: HrTime, end: HrTime, out: DataPoint<Histogram>[], isOverBudget: () => boolean): Generator<void, void, void> {
  const boundaries = Array.from(table.bounds);
  for (let r = 0; r < table.size; r++) {
    if (isDue(r, isOverBudget)) yield;
    const { counts, sum, count, min, max } = table.read(r);
    const value = min <= max ? { buckets: { boundaries, counts }, sum, count, min, max } : { buckets: { boundaries, counts }, sum, count };
    const point: ExemplarDataPoint = { startTime: start, endTime: end, attributes: rowAttributes(table, r), value };
    const ex = table.exemplarsOf(r);
    if (ex !== undefined) point[EXEMPLARS] = otlpExemplars(ex);
    out.push(point);
  }
}

/** The buckets' latest exemplars, lowest bucket first (a bucket without one is left out). */
function otlpExemplars(ex: ExemplarRow): OtlpExemplar[] {
  const out: OtlpExemplar[] = [];
  for (let i = 0; i < ex.times.length; i++) {
    const ms = ex.times[i]!;
    if (!(ms > 0)) continue;
    out.push({ timeUnixNano: `${Math.round(ms)}000000`, asDouble: ex.values[i]!, spanId: ex.spanIds[i]!, traceId: ex.traceIds[i]! });
  }
  return out;
}

function rowAttributes(table: HistogramTable, r: number): Record<string, string> {
  const attributes = table.owners[r]!.baseAttributes();
  const kind = table.kinds[r]!;
  if (kind.outcome) attributes[ATTR.outcome] = kind.outcome;
  if (kind.errorType) attributes[ATTR.errorType] = kind.errorType;
  return attributes;
}
