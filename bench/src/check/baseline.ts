import type { BenchResults, Figure, PeerName, SuiteName } from '../results';

/** A target from the issue texts, e.g. bound track() at least 5x cheaper than prom-client. */
export interface Target {
  readonly figure: string;
  readonly text: string;
  /** The peer's median must be at least `minRatio` times perfkit's. */
  readonly peer?: PeerName;
  readonly minRatio?: number;
  /** perfkit's median must not exceed this (absolute, in the figure's unit). */
  readonly maxValue?: number;
}

/** What `bench/baseline.json` holds: the thresholds and targets (edited by hand) and the reference figures. */
export interface Baseline {
  readonly about: string;
  /** Per suite: how much worse (fraction) a ratio may get before `bench:check` fails, e.g. 0.25 = 25 %. */
  readonly thresholds: Readonly<Record<SuiteName, number>>;
  /** Per figure overrides of {@link thresholds}, for figures that are noisy by nature. */
  readonly figureThresholds: Readonly<Record<string, number>>;
  readonly targets: readonly Target[];
  readonly date: string;
  readonly machine: BenchResults['machine'];
  readonly figures: Readonly<Record<string, BaselineFigure>>;
}

/** The part of a figure the baseline keeps. */
export interface BaselineFigure {
  readonly suite: SuiteName;
  readonly label: string;
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  readonly perfkit: number;
  readonly ratios: Partial<Record<PeerName, number>>;
}

/** Default thresholds, used when a new baseline is written for the first time. */
export const DEFAULT_THRESHOLDS: Readonly<Record<SuiteName, number>> = {
  record: 0.3,
  scrape: 0.3,
  memory: 0.15,
  host: 0.4,
  service: 0.15,
};

/** A baseline from a run, keeping the hand-edited thresholds and targets of `previous`. */
export function baselineFrom(results: BenchResults, previous: Pick<Baseline, 'about' | 'thresholds' | 'figureThresholds' | 'targets'>): Baseline {
  const figures: Record<string, BaselineFigure> = {};
  for (const suite of results.suites) {
    for (const f of suite.figures) figures[f.id] = reduce(suite.name, f);
  }
  return { ...previous, date: results.date, machine: results.machine, figures };
}

function reduce(suite: SuiteName, f: Figure): BaselineFigure {
  const ratios: Partial<Record<PeerName, number>> = {};
  for (const [peer, ratio] of Object.entries(f.ratios)) ratios[peer as PeerName] = round(ratio);
  return { suite, label: f.label, unit: f.unit, better: f.better, perfkit: round(f.peers.perfkit?.median ?? NaN), ratios };
}

function round(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(4)) : v;
}
