import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { asyncWork, BUCKETS, NAME, syncWork, TYPE, type RecordSubject, type ScrapeSubject } from './work';

const LABELS = ['operation_type', 'operation_name'] as const;

function instruments(registry: Registry) {
  const duration = new Histogram({
    name: 'perfkit_operation_duration_seconds',
    help: 'Duration of tracked operations.',
    labelNames: [...LABELS, 'operation_outcome'],
    buckets: [...BUCKETS],
    registers: [registry],
  });
  return { duration, registry };
}

/**
 * prom-client's record path as its README shows it: `startTimer(labels)`, the end function (observe), and
 * `inc(labels)` on an operations counter; label objects are reused in the bound cases and built per call in
 * the unbound ones, as user code would.
 */
export function promClientRecord(): RecordSubject {
  const registry = new Registry();
  const { duration } = instruments(registry);
  const total = new Counter({ name: 'perfkit_operations_total', help: 'Operations.', labelNames: [...LABELS], registers: [registry] });
  const labels = { operation_type: TYPE, operation_name: NAME };
  const once = (): number => {
    const end = duration.startTimer(labels);
    const s = syncWork();
    end();
    total.inc(labels);
    return s;
  };
  return {
    syncTrack(n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const end = duration.startTimer(labels);
        s += syncWork();
        end();
        total.inc(labels);
      }
      return s;
    },
    async asyncTrack(n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const end = duration.startTimer(labels);
        s += await asyncWork();
        end();
        total.inc(labels);
      }
      return s;
    },
    startEnd(n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += once();
      return s;
    },
    unbound(names) {
      const count = names.length;
      return (n) => {
        let s = 0;
        for (let i = 0; i < n; i++) {
          const perCall = { operation_type: TYPE, operation_name: names[i % count]! };
          const end = duration.startTimer(perCall);
          s += syncWork();
          end();
          total.inc(perCall);
        }
        return s;
      };
    },
    shutdown: async () => registry.clear(),
  };
}

/** prom-client with children bound once (`histogram.labels(...)`): its cheapest record path. */
export function promClientChildRecord(): RecordSubject {
  const registry = new Registry();
  const { duration } = instruments(registry);
  const total = new Counter({ name: 'perfkit_operations_total', help: 'Operations.', labelNames: [...LABELS], registers: [registry] });
  const child = duration.labels({ operation_type: TYPE, operation_name: NAME });
  const totalChild = total.labels({ operation_type: TYPE, operation_name: NAME });
  const once = (): number => {
    const end = child.startTimer();
    const s = syncWork();
    end();
    totalChild.inc();
    return s;
  };
  return {
    syncTrack(n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += once();
      return s;
    },
    async asyncTrack(n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const end = child.startTimer();
        s += await asyncWork();
        end();
        totalChild.inc();
      }
      return s;
    },
    startEnd(n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += once();
      return s;
    },
    shutdown: async () => registry.clear(),
  };
}

/** prom-client's scrape: `registry.metrics()` over a duration histogram and an active gauge per series. */
export function promClientScrape(): ScrapeSubject {
  const registry = new Registry();
  const { duration } = instruments(registry);
  const active = new Gauge({ name: 'perfkit_operations_active', help: 'Operations running now.', labelNames: [...LABELS], registers: [registry] });
  return {
    populate(names) {
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        duration.observe({ operation_type: TYPE, operation_name: name, operation_outcome: 'success' }, 0.05 + (i % 7) * 0.3);
        active.set({ operation_type: TYPE, operation_name: name }, 0);
      }
    },
    scrape: () => registry.metrics(),
    shutdown: async () => registry.clear(),
  };
}
