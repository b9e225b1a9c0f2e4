import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { AggregationTemporality, InstrumentType, PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { temporalityFor } from './temporality';
import type { DiagLogger } from '../diag';

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
  ) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    let points = 0;
    for (const scope of metrics.scopeMetrics) for (const m of scope.metrics) points += m.dataPoints.length;
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
    this.stats.lastError = error instanceof Error ? error.message : String(error);
    this.onDropped(points);
    if (!this.failing) this.diag.warn(`OTLP export failed (${points} data points dropped; retrying each interval): ${this.stats.lastError}`);
    this.failing = true;
  }

  selectAggregationTemporality(type: InstrumentType): AggregationTemporality {
    return temporalityFor(type);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
