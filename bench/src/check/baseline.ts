import { findFigure, type BenchResults, type Figure, type PeerName, type SuiteName } from '../results';
import { summarize } from '../stats';

/** A target from the issue texts, e.g. bound track() at least 5x cheaper than prom-client. */
export interface Target {
  readonly figure: string;
  readonly text: string;
  /** The peer's median must be at least `minRatio` times perfkit's. */
  readonly peer?: PeerName;
  readonly minRatio?: number;
  /** perfkit's median must not exceed this (absolute, in the figure's unit). */
  readonly maxValue?: number;
  /** perfkit's median must be at least this (absolute, in the figure's unit). */
  readonly minValue?: number;
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
  /** How many runs the figures are the median of. */
  readonly runs?: number;
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
  record: 0.4,
  scrape: 0.4,
  otlp: 0.5,
  memory: 0.15,
  host: 0.5,
  service: 0.25,
  cluster: 0.5,
};

/**
 * A baseline from one or more runs (per figure, the median over the runs that have it), keeping the
 * hand-edited thresholds and targets of `previous`. Several runs make a steadier reference on a shared machine.
 */
export function baselineFrom(runs: BenchResults | readonly BenchResults[], previous: Pick<Baseline, 'about' | 'thresholds' | 'figureThresholds' | 'targets'>): Baseline {
  const all = Array.isArray(runs) ? (runs as readonly BenchResults[]) : [runs as BenchResults];
  const last = all[all.length - 1]!;
  const figures: Record<string, BaselineFigure> = {};
  for (const suite of last.suites) {
    for (const f of suite.figures) {
      const same = all.map((r) => findFigure(r, f.id)).filter((x): x is Figure => x !== undefined);
      const ratios: Partial<Record<PeerName, number>> = {};
      for (const peer of Object.keys(f.ratios) as PeerName[]) {
        ratios[peer] = round(summarize(same.map((x) => x.ratios[peer] ?? NaN)).median);
      }
      const perfkit = round(summarize(same.map((x) => x.peers.perfkit?.median ?? NaN)).median);
      figures[f.id] = { suite: suite.name, label: f.label, unit: f.unit, better: f.better, perfkit, ratios };
    }
  }
  return { ...previous, date: last.date, runs: all.length, machine: last.machine, figures };
}

function round(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(4)) : v;
}
