import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';

/**
 * Cumulative for everything but observable gauges, which are read as delta: the SDK then forgets a gauge
 * series its callback stopped observing (a GPU that fell off the bus, an unmounted filesystem), instead of
 * exporting its last value forever. A gauge has no temporality on the wire, so nothing else changes.
 */
export function temporalityFor(type: InstrumentType, preference: TemporalityPreference = 'cumulative'): AggregationTemporality {
  if (type === InstrumentType.OBSERVABLE_GAUGE) return AggregationTemporality.DELTA;
  if (preference === 'delta' && (type === InstrumentType.COUNTER || type === InstrumentType.OBSERVABLE_COUNTER || type === InstrumentType.HISTOGRAM)) {
    return AggregationTemporality.DELTA;
  }
  if (preference === 'lowmemory' && (type === InstrumentType.COUNTER || type === InstrumentType.HISTOGRAM)) return AggregationTemporality.DELTA;
  return AggregationTemporality.CUMULATIVE;
}

/** `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE` values, as the OpenTelemetry SDK reads them. */
export type TemporalityPreference = 'cumulative' | 'delta' | 'lowmemory';
