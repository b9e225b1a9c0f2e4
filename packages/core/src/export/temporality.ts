import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';

/**
 * Cumulative for everything but observable gauges, which are read as delta: the SDK then forgets a gauge
 * series its callback stopped observing (a GPU that fell off the bus, an unmounted filesystem), instead of
 * exporting its last value forever. A gauge has no temporality on the wire, so nothing else changes.
 */
export function temporalityFor(type: InstrumentType): AggregationTemporality {
  return type === InstrumentType.OBSERVABLE_GAUGE ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
}
