/** Shapes of `bench/results/latest.json` and `bench/baseline.json`. */

/**
 * Who did the work: perfkit, its peers, the floor (clock reads and one typed-array increment) or the same floor behind
 * the smallest `track(fn)`-style wrapper.
 */
export type PeerName = 'perfkit' | 'perfkit-exemplars' | 'otel' | 'prom-client' | 'prom-client-child' | 'floor' | 'floor-wrapper' | 'without-perfkit';

/** min/median/max over rounds, plus every round's value. */
export interface Summary {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly rounds: readonly number[];
}

/** One measured figure, e.g. "sync track() on a bound handle", for every peer. */
export interface Figure {
  /** Stable identifier used by the regression check, e.g. `record.track.sync`. */
  readonly id: string;
  /** What was measured, in words. */
  readonly label: string;
  /** Unit of the medians: `ns/op`, `ms/scrape`, `bytes/series`, `req/s`... */
  readonly unit: string;
  /** Whether a lower or a higher number is better (latency vs throughput). */
  readonly better: 'lower' | 'higher';
  readonly peers: Partial<Record<PeerName, Summary>>;
  /** Per peer, the median over rounds of `peer / perfkit` in the same round: above 1 means perfkit is cheaper (for `better: 'lower'`). */
  readonly ratios: Partial<Record<PeerName, number>>;
  /** What each peer did, when it is not obvious. */
  readonly note?: string;
}

/** One suite's figures, or the reason it was skipped. */
export interface SuiteResult {
  readonly name: SuiteName;
  readonly title: string;
  readonly figures: Figure[];
  readonly skipped?: string;
  readonly notes: string[];
  readonly seconds: number;
}

/** The suites, by name (`--suites` takes these). */
export type SuiteName = 'record' | 'scrape' | 'otlp' | 'memory' | 'host' | 'service' | 'cluster';

/** Where the numbers came from. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly arch: string;
  readonly node: string;
  readonly v8: string;
}

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  readonly schema: 1;
  readonly date: string;
  readonly profile: string;
  readonly machine: Machine;
  readonly seconds: number;
  readonly suites: SuiteResult[];
}

/** Looks up a figure by id. */
export function findFigure(results: BenchResults, id: string): Figure | undefined {
  for (const suite of results.suites) for (const f of suite.figures) if (f.id === id) return f;
  return undefined;
}
