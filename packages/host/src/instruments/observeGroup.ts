import type { Attributes, Meter, Observable } from '@opentelemetry/api';
import { HOST_METRICS, type HostMetricKey } from '../names';

/** Reports one figure of a group; non-finite values are dropped (a gauge never shows NaN). */
export type Emit = (key: HostMetricKey, value: number | undefined, attributes?: Attributes) => void;

/**
 * Creates the observable instruments of `keys` (kind and unit from {@link HOST_METRICS}) and one batch callback
 * that calls `read` at collection time. `read` only copies numbers the background sampler stored; it never does
 * I/O. Returns a function that detaches the callback (shutdown).
 */
export function observeGroup(meter: Meter, keys: readonly HostMetricKey[], read: (emit: Emit) => void): () => void {
  const instruments = new Map<HostMetricKey, Observable>();
  for (const key of keys) {
    const def = HOST_METRICS[key];
    const options = { unit: def.unit, description: def.description };
    instruments.set(
      key,
      def.kind === 'counter'
        ? meter.createObservableCounter(def.otel, options)
        : def.kind === 'updowncounter'
          ? meter.createObservableUpDownCounter(def.otel, options)
          : meter.createObservableGauge(def.otel, options),
    );
  }
  const callback = (result: { observe(o: Observable, v: number, a?: Attributes): void }) => {
    read((key, value, attributes) => {
      const instrument = instruments.get(key);
      if (instrument && typeof value === 'number' && Number.isFinite(value)) result.observe(instrument, value, attributes);
    });
  };
  const observables = [...instruments.values()];
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
