import { node26Require } from './node26Modules';
import { asyncWork, BUCKETS, NAME, syncWork, TYPE, type RecordSubject, type ScrapeSubject } from './work';

// The part of @prometheus-io/client 0.16 (prom-client's successor, Node >= 22) these peers use.
interface Child {
  startTimer(): () => number;
  inc(): void;
}
interface Metric<L> {
  labels(labels: L): Child;
  startTimer(labels: L): () => number;
  inc(labels: L): void;
  observe(labels: L, value: number): void;
  set(labels: L, value: number): void;
}
interface Registry {
  metrics(): Promise<string>;
  clear(): void;
}
interface Client {
  Registry: new () => Registry;
  Histogram: new (o: object) => Metric<Record<string, string>>;
  Counter: new (o: object) => Metric<Record<string, string>>;
  Gauge: new (o: object) => Metric<Record<string, string>>;
}

const LABELS = ['operation_type', 'operation_name'] as const;
const client = (): Client => node26Require<Client>('@prometheus-io/client');

function instruments() {
  const c = client();
  const registry = new c.Registry();
  const duration = new c.Histogram({
    name: 'perfkit_operation_duration_seconds',
    help: 'Duration of tracked operations.',
    labelNames: [...LABELS, 'operation_outcome'],
    buckets: [...BUCKETS],
    registers: [registry],
  });
  const total = new c.Counter({ name: 'perfkit_operations_total', help: 'Operations.', labelNames: [...LABELS], registers: [registry] });
  return { c, registry, duration, total };
}

/** @prometheus-io/client with children bound once (`labels(...)`), its cheapest record path: startTimer/end + inc. */
export function prometheusIoChildRecord(): RecordSubject {
  const { registry, duration, total } = instruments();
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

/** @prometheus-io/client as its README shows it: a label object per call site (reused here, the favourable case). */
export function prometheusIoRecord(): RecordSubject {
  const { registry, duration, total } = instruments();
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
      for (let i = 0; i < n; i++) s += once();
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
    shutdown: async () => registry.clear(),
  };
}

/** @prometheus-io/client's scrape: `registry.metrics()` over a duration histogram and an active gauge per series. */
export function prometheusIoScrape(): ScrapeSubject {
  const { c, registry, duration } = instruments();
  const active = new c.Gauge({ name: 'perfkit_operations_active', help: 'Operations running now.', labelNames: [...LABELS], registers: [registry] });
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
