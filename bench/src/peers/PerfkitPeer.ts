import { createPerfkit, type Perfkit } from '@perfkit/core';
import { asyncWork, NAME, syncWork, TYPE, type RecordSubject, type ScrapeSubject } from './work';

function newPerfkit(maxSeries: number, exemplars = false): Perfkit {
  return createPerfkit({
    serviceName: 'perfkit-bench',
    prometheus: { serve: false },
    logLevel: 'error',
    limits: { maxSeriesPerMetric: maxSeries },
    exemplars,
  });
}

/**
 * perfkit's record paths: a bound handle's track()/start()/end(), and the unbound trackOperation(). With `exemplars`,
 * the duration histogram keeps the active span's ids per bucket (here no span is active and no context manager is
 * registered, as in a service without the OpenTelemetry SDK's tracing).
 */
export function perfkitRecord(exemplars = false): RecordSubject {
  const perf = newPerfkit(20000, exemplars);
  const handle = perf.operation(TYPE, NAME);
  return {
    syncTrack(n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += handle.track(syncWork);
      return s;
    },
    async asyncTrack(n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += await handle.track(asyncWork);
      return s;
    },
    startEnd(n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const timer = handle.start();
        s += syncWork();
        timer.end();
      }
      return s;
    },
    unbound(names) {
      const count = names.length;
      return (n) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += perf.trackOperation(TYPE, names[i % count]!, syncWork);
        return s;
      };
    },
    shutdown: () => perf.shutdown(),
  };
}

/** perfkit's scrape: `perf.metrics()` (what its /metrics handler serves). */
export function perfkitScrape(): ScrapeSubject & { perf: Perfkit } {
  const perf = newPerfkit(1_000_000);
  return {
    perf,
    populate(names) {
      for (let i = 0; i < names.length; i++) perf.operation(TYPE, names[i]!).record(0.05 + (i % 7) * 0.3);
    },
    scrape: () => perf.metrics(),
    shutdown: () => perf.shutdown(),
  };
}

/** The same scrape unsliced (one synchronous serialization), the reference the sliced scrape's total is held to. */
export function setUnsliced(perf: Perfkit, unsliced: boolean): void {
  // The renderer is internal; the bench reaches it to compare slicing with the unsliced serializer.
  const exposition = (perf as unknown as { exposition: { sliceMs: number } }).exposition;
  if (!slicedMs.has(exposition)) slicedMs.set(exposition, exposition.sliceMs);
  exposition.sliceMs = unsliced ? Infinity : slicedMs.get(exposition)!;
}

/** Each renderer's own slice budget, restored after an unsliced round. */
const slicedMs = new WeakMap<object, number>();
