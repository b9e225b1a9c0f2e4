/** How much work each suite does: `full` for `npm run bench`, `tiny` for the test that proves the suites run. */
export interface Profile {
  readonly name: 'full' | 'tiny';
  /** Rounds per figure; peers run side by side in every round, in rotating order. */
  readonly rounds: number;
  /** Time budget of one peer in one round of the record-path suite (ms). */
  readonly recordMs: number;
  /** Operations per timed batch (sync paths) and per async batch. */
  readonly batch: number;
  readonly asyncBatch: number;
  /** Distinct operation names for the unbound `trackOperation()` cases. */
  readonly nameCounts: readonly number[];
  /** Series counts of the scrape suite. */
  readonly scrapeSeries: readonly number[];
  readonly scrapeMs: number;
  readonly scrapeRounds: number;
  /** Series counts of the OTLP export suite (it runs scrapeRounds rounds). */
  readonly otlpSeries: readonly number[];
  /** Series created to measure bytes per series, and operations tracked in the leak check. */
  readonly memorySeries: number;
  readonly leakOperations: number;
  /** Seconds autocannon drives the example service per round, and its connections. */
  readonly serviceSeconds: number;
  readonly serviceRounds: number;
  readonly serviceConnections: number;
  /** Blocks of the overhead figures (each with fresh processes: perfkit, without, control), rounds per block (the order
   * goes through all 6 orderings in turn, so blocks x rounds a multiple of 6 gives each variant each place and each
   * neighbour equally often) and seconds per process per round. */
  readonly serviceOverheadBlocks: number;
  /** Seconds of load each fresh process gets before its block's rounds. */
  readonly serviceOverheadWarmSeconds: number;
  readonly serviceOverheadRounds: number;
  readonly serviceOverheadSeconds: number;
  /** Host collections timed per round. */
  readonly hostCollections: number;
}

/** The two sizes: `full` (about 9 minutes on 2 idle cores) and `tiny` (seconds, for the test). */
export const PROFILES: Readonly<Record<Profile['name'], Profile>> = {
  full: {
    name: 'full',
    rounds: 15,
    recordMs: 80,
    batch: 1000,
    asyncBatch: 200,
    nameCounts: [1, 10, 1000],
    scrapeSeries: [100, 1000, 10000],
    scrapeMs: 250,
    scrapeRounds: 5,
    otlpSeries: [2000, 10000],
    memorySeries: 10000,
    leakOperations: 10_000_000,
    serviceSeconds: 5,
    serviceRounds: 3,
    serviceConnections: 16,
    serviceOverheadBlocks: 6,
    serviceOverheadWarmSeconds: 5,
    serviceOverheadRounds: 3,
    serviceOverheadSeconds: 2,
    hostCollections: 20,
  },
  tiny: {
    name: 'tiny',
    rounds: 2,
    recordMs: 5,
    batch: 50,
    asyncBatch: 10,
    nameCounts: [1, 10],
    scrapeSeries: [10, 30],
    scrapeMs: 5,
    scrapeRounds: 2,
    otlpSeries: [30],
    memorySeries: 5000,
    leakOperations: 20_000,
    serviceSeconds: 1,
    serviceRounds: 1,
    serviceConnections: 2,
    serviceOverheadBlocks: 1,
    serviceOverheadWarmSeconds: 1,
    serviceOverheadRounds: 2,
    serviceOverheadSeconds: 1,
    hostCollections: 2,
  },
};
