import type { PeerName } from '../results';
import { summarize } from '../stats';
import type { ExampleProcess } from './ExampleProcess';
import { driveGenerate, latencyQuantile, type GenerateRound } from './generateLoad';

/** A variant's name: a peer, or the control (a second instance of the service without perfkit). */
export type VariantName = PeerName | typeof CONTROL;
/** The A/A control: the same service without perfkit in a second process, paired with the first like perfkit is. */
export const CONTROL = 'control';
/** Per variant, one value per round (rounds pair up: round i of each variant ran back to back). */
export type PerVariant = Partial<Record<VariantName, number[]>>;

/** What {@link overheadRounds} measured. */
export interface OverheadRounds {
  readonly rps: PerVariant;
  readonly meanMs: PerVariant;
  readonly p50Ms: PerVariant;
  readonly p99Ms: PerVariant;
  readonly cpuPerRequestMs: PerVariant;
  readonly mainCpuPerRequestMs: PerVariant;
  /** 1-minute load average at the start of each round, both variants. */
  readonly load1: number[];
}

/**
 * Alternating rounds of the same load on every variant: the order rotates each round (A B, B A, A B, ...), so a
 * drift of the machine's load over the run and a noisy neighbour hit every variant alike, and round i of each
 * variant can be paired. A warm-up round per variant first (up to 3 s: the first seconds under load of a fresh
 * process cost more CPU per request, JIT and heap growth, and would weigh on whichever variant runs first).
 */
export async function overheadRounds(
  variants: ReadonlyArray<readonly [VariantName, ExampleProcess]>,
  model: string,
  opts: { readonly rounds: number; readonly seconds: number; readonly connections: number },
  progress: (line: string) => void = () => undefined,
): Promise<OverheadRounds> {
  const out: OverheadRounds = { rps: {}, meanMs: {}, p50Ms: {}, p99Ms: {}, cpuPerRequestMs: {}, mainCpuPerRequestMs: {}, load1: [] };
  for (const [, example] of variants) await driveGenerate(example.ready.app, model, Math.max(1, Math.min(3, opts.seconds)), opts.connections);
  for (let round = 0; round < opts.rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const [peer, example] = variants[(i + round) % variants.length]!;
      progress(`  service: round ${round + 1}/${opts.rounds}, ${peer}`);
      const r: GenerateRound = await driveGenerate(example.ready.app, model, opts.seconds, opts.connections, example.child.pid);
      (out.rps[peer] ??= []).push(r.rps);
      (out.meanMs[peer] ??= []).push(r.latenciesMs.reduce((a, b) => a + b, 0) / Math.max(1, r.latenciesMs.length));
      (out.p50Ms[peer] ??= []).push(latencyQuantile(r, 0.5));
      (out.p99Ms[peer] ??= []).push(latencyQuantile(r, 0.99));
      if (r.cpuPerRequestMs !== undefined) (out.cpuPerRequestMs[peer] ??= []).push(r.cpuPerRequestMs);
      if (r.mainCpuPerRequestMs !== undefined) (out.mainCpuPerRequestMs[peer] ??= []).push(r.mainCpuPerRequestMs);
      out.load1.push(r.load1);
    }
  }
  return out;
}

/** Per round, `a[i] / b[i]` (perfkit ÷ without-perfkit, say); rounds missing on either side are left out. */
export function pairedRatios(a: readonly number[] | undefined, b: readonly number[] | undefined): number[] {
  if (!a || !b) return [];
  const n = Math.min(a.length, b.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) if (b[i]! > 0 && Number.isFinite(a[i]! / b[i]!)) ratios.push(a[i]! / b[i]!);
  return ratios;
}

/** The peers' values only (the control left out), for figures. */
export function peersOnly(values: PerVariant): Partial<Record<PeerName, number[]>> {
  const { [CONTROL]: _control, ...peers } = values;
  return peers;
}

/** `0.98 [0.95–1.01] over 8 rounds`: median of paired ratios with their spread. */
export function describeRatios(ratios: readonly number[]): string {
  if (ratios.length === 0) return 'not measured';
  const s = summarize(ratios);
  return `${s.median.toFixed(3)} [${s.min.toFixed(3)}–${s.max.toFixed(3)}] over ${ratios.length} rounds`;
}

/**
 * Whether a run can judge a bound on a perfkit ÷ without ratio: the A/A control's median ratio (two identical
 * services) must itself stay within the bound's margin of 1, else the machine moves a ratio more than the bound allows.
 */
export function canJudge(controlRatios: readonly number[], margin: number): boolean {
  if (controlRatios.length === 0) return false;
  return Math.abs(summarize(controlRatios).median - 1) <= margin;
}
