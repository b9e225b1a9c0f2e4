import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { AggregationTemporality, InstrumentType, PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { temporalityFor, type TemporalityPreference } from './temporality';
import type { DiagLogger } from '../diag';
import { redactText } from '../redact';
import type { PreparedSerializer } from './SlicedOtlpRequest';

/** The longest perfkit honours a receiver's `Retry-After` for: a larger value (or a far date) is cut to this. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Parses a `Retry-After` header (delay in seconds, or an HTTP date) into ms from now, capped; undefined if absent or bad. */
export function retryAfterMs(header: unknown, nowMs = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const text = header.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - nowMs;
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/**
 * Wraps the official OTLP exporter: counts the data points of a failed export as dropped and reports the
 * failure to the diagnostic logger (once per run of failures), so an unreachable collector is visible on
 * `/metrics` and in the logs without ever reaching user code.
 */
export class CountingExporter implements PushMetricExporter {
  private failing = false;
  /** Exports that succeeded / failed since start. */
  readonly stats = { succeeded: 0, failed: 0, lastSuccessAt: 0, lastFailureAt: 0, lastError: '' };

  constructor(
    private readonly inner: PushMetricExporter,
    private readonly onDropped: (points: number) => void,
    private readonly diag: DiagLogger,
    private readonly temporality: TemporalityPreference = 'cumulative',
    /** Serializes each request in slices before the exporter sends it (see {@link PreparedSerializer}). */
    private readonly prepared?: PreparedSerializer,
  ) {}

  /** No export is attempted before this time (ms since epoch): the receiver's `Retry-After`, capped at {@link MAX_RETRY_AFTER_MS}. */
  private quietUntil = 0;

  /** Records a receiver's `Retry-After` (from any response the OTLP exporter gets). */
  retryAfter(header: unknown): void {
    const ms = retryAfterMs(header);
    if (ms !== undefined) this.quietUntil = Math.max(this.quietUntil, Date.now() + ms);
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    metrics = mergeScopes(metrics);
    let points = 0;
    for (const scope of metrics.scopeMetrics) for (const m of scope.metrics) points += m.dataPoints.length;
    if (Date.now() < this.quietUntil) {
      const error = new Error(`the OTLP receiver asked to wait (Retry-After) until ${new Date(this.quietUntil).toISOString()}`);
      this.fail(points, error);
      resultCallback({ code: ExportResultCode.FAILED, error });
      return;
    }
    if (this.prepared === undefined) this.send(metrics, points, resultCallback);
    else void this.prepared.prepare(metrics).then(() => this.send(metrics, points, resultCallback));
  }

  private send(metrics: ResourceMetrics, points: number, resultCallback: (result: ExportResult) => void): void {
    try {
      this.inner.export(metrics, (result) => {
        if (result.code === ExportResultCode.SUCCESS) {
          this.stats.succeeded++;
          this.stats.lastSuccessAt = Date.now();
          if (this.failing) this.diag.info('OTLP export recovered');
          this.failing = false;
        } else {
          this.fail(points, result.error);
        }
        resultCallback(result);
      });
    } catch (err) {
      this.fail(points, err);
      resultCallback({ code: ExportResultCode.FAILED, error: err as Error });
    }
  }

  private fail(points: number, error: unknown): void {
    this.stats.failed++;
    this.stats.lastFailureAt = Date.now();
    this.stats.lastError = redactText(error instanceof Error ? error.message : String(error));
    this.onDropped(points);
    if (!this.failing) this.diag.warn(`OTLP export failed (${points} data points dropped; retrying each interval): ${this.stats.lastError}`);
    this.failing = true;
  }

  selectAggregationTemporality(type: InstrumentType): AggregationTemporality {
    return temporalityFor(type, this.temporality);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** One `ScopeMetrics` per scope: the SDK's instruments and the store's producer share perfkit's scope. */
export function mergeScopes(metrics: ResourceMetrics): ResourceMetrics {
  const byScope = new Map<string, ResourceMetrics['scopeMetrics'][number]>();
  for (const sm of metrics.scopeMetrics) {
    const key = `${sm.scope.name}\u0000${sm.scope.version ?? ''}\u0000${sm.scope.schemaUrl ?? ''}`;
    const found = byScope.get(key);
    if (found) byScope.set(key, { scope: found.scope, metrics: [...found.metrics, ...sm.metrics] });
    else byScope.set(key, sm);
  }
  return byScope.size === metrics.scopeMetrics.length ? metrics : { resource: metrics.resource, scopeMetrics: [...byScope.values()] };
}
