import { findFigure, type BenchResults, type PeerName } from '../results';
import type { Baseline, Target } from './baseline';

/** One ratio that got worse than the baseline allows. */
export interface Regression {
  readonly figure: string;
  readonly peer: PeerName;
  readonly baseline: number;
  readonly latest: number;
  /** How much worse, as a fraction (0.4 = 40 % worse). */
  readonly worse: number;
  readonly threshold: number;
}

/** A target's status in the latest results. */
export interface TargetStatus {
  readonly target: Target;
  readonly value: number | undefined;
  readonly met: boolean | undefined;
  readonly metInBaseline: boolean | undefined;
}

/** What `bench:check` found. */
export interface CheckReport {
  readonly regressions: Regression[];
  readonly targets: TargetStatus[];
  /** Figures of the baseline that the latest results lack (a suite skipped or failed). */
  readonly missing: string[];
  readonly compared: number;
  readonly ok: boolean;
}

/** Compares latest results with the baseline: ratio by ratio, per-suite thresholds; targets met before must stay met. */
export function compareWithBaseline(baseline: Baseline, latest: BenchResults): CheckReport {
  const regressions: Regression[] = [];
  const missing: string[] = [];
  let compared = 0;
  for (const [id, base] of Object.entries(baseline.figures)) {
    const now = findFigure(latest, id);
    if (!now) {
      missing.push(id);
      continue;
    }
    const threshold = baseline.figureThresholds[id] ?? baseline.thresholds[base.suite] ?? 0.25;
    for (const [peer, baseRatio] of Object.entries(base.ratios) as Array<[PeerName, number]>) {
      const ratio = now.ratios[peer];
      if (ratio === undefined || !Number.isFinite(ratio) || !Number.isFinite(baseRatio) || baseRatio <= 0) continue;
      compared++;
      // ratio = peer / perfkit. For costs, perfkit got worse when the ratio fell; for throughput, when it rose.
      const worse = base.better === 'lower' ? 1 - ratio / baseRatio : ratio / baseRatio - 1;
      if (worse > threshold) regressions.push({ figure: id, peer, baseline: baseRatio, latest: ratio, worse, threshold });
    }
  }
  const targets = baseline.targets.map((target) => {
    const value = targetValue(target, findFigure(latest, target.figure));
    const baseFigure = baseline.figures[target.figure];
    const baseValue = baseFigure ? (target.peer ? baseFigure.ratios[target.peer] : baseFigure.perfkit) : undefined;
    return { target, value, met: isMet(target, value), metInBaseline: isMet(target, baseValue) };
  });
  const lostTargets = targets.filter((t) => t.metInBaseline === true && t.met === false);
  return { regressions, targets, missing, compared, ok: regressions.length === 0 && lostTargets.length === 0 };
}

function targetValue(target: Target, figure: ReturnType<typeof findFigure>): number | undefined {
  if (!figure) return undefined;
  return target.peer ? figure.ratios[target.peer] : figure.peers.perfkit?.median;
}

function isMet(target: Target, value: number | undefined): boolean | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  if (target.minRatio !== undefined) return value >= target.minRatio;
  if (target.maxValue !== undefined && value > target.maxValue) return false;
  if (target.minValue !== undefined && value < target.minValue) return false;
  return target.maxValue !== undefined || target.minValue !== undefined ? true : undefined;
}

/** The report as text for the terminal. */
export function formatCheck(report: CheckReport, baseline: Baseline): string {
  const lines: string[] = [`compared ${report.compared} ratios with the baseline of ${baseline.date} (${baseline.machine.cpu}, node ${baseline.machine.node})`];
  for (const r of report.regressions) {
    lines.push(
      `REGRESSION ${r.figure} vs ${r.peer}: ratio ${r.latest.toFixed(2)} (baseline ${r.baseline.toFixed(2)}), ${(r.worse * 100).toFixed(0)} % worse, threshold ${(r.threshold * 100).toFixed(0)} %`,
    );
  }
  for (const t of report.targets) {
    const status = t.met === undefined ? 'NOT MEASURED' : t.met ? 'met' : t.metInBaseline ? 'LOST' : t.metInBaseline === false ? 'missed (also in the baseline)' : 'missed (not in the baseline)';
    const shown = t.value === undefined ? '-' : t.target.peer ? `×${t.value.toFixed(2)}` : t.value.toFixed(Math.abs(t.value) < 10 ? 3 : 1);
    lines.push(`target ${status}: ${t.target.text} (now ${shown})`);
  }
  if (report.missing.length) lines.push(`not in the latest results (skipped?): ${report.missing.join(', ')}`);
  lines.push(report.ok ? 'bench:check passed' : 'bench:check FAILED');
  return lines.join('\n');
}
