import type { PeerName } from '../results';
import { summarize } from '../stats';
import type { ExampleProcess } from './ExampleProcess';
import type { LoadProcess } from './loadProcess';

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

/** The i-th ordering of `n` variants (all n! orderings in turn), so over n! rounds each variant runs in each place, and
 * after each other variant, equally often: a variant's round never always follows the same neighbour's. */
export function roundOrder(n: number, i: number): number[] {
  const left = Array.from({ length: n }, (_, k) => k);
  const order: number[] = [];
  let rest = i;
  let f = 1;
  for (let k = 2; k < n; k++) f *= k; // (n - 1)!
  for (let k = n - 1; k >= 0; k--) {
    const pick = Math.floor(rest / Math.max(1, f)) % left.length;
    order.push(left.splice(pick, 1)[0]!);
    rest %= Math.max(1, f);
    f = k > 1 ? f / k : 1;
  }
  return order;
}

/** How {@link overheadRounds} runs: blocks of fresh processes, warm-up and rounds per block, seconds per round, connections. */
export interface OverheadOptions {
  readonly blocks: number;
  readonly warmSeconds: number;
  readonly rounds: number;
  readonly seconds: number;
  readonly connections: number;
}

/**
 * Rounds of the same load on every variant, in blocks: each block starts a fresh process per variant (`startBlock`,
 * which stops them again through the returned processes), warms each up, then runs `rounds` rounds in which every
 * variant takes one turn, in an order that goes through all orderings ({@link roundOrder}). Round i of each variant
 * ran back to back and pairs up. Why blocks: two processes of the very same service differ by 5-15 % for their whole
 * life (A/A runs of four identical processes: one read 0.90/0.96 of the others in both halves of its rounds, another
 * 1.10/1.10), more than any bound here, so a ratio of one process pair is a ratio of two draws; fresh pairs average the
 * draw out. The warm-up: a fresh process's first seconds under load cost more CPU per request, perfkit's most (after a
 * 2 s warm-up, the first round of each block read 0.49-0.85 ms CPU per request with perfkit against 0.26-0.42 in its
 * later rounds; without perfkit 0.34-0.48 against 0.24-0.35), which would weigh on whichever variant such a round hits.
 */
export async function overheadRounds(
  startBlock: (block: number) => Promise<{ readonly model: string; readonly variants: ReadonlyArray<readonly [VariantName, ExampleProcess]> }>,
  load: LoadProcess,
  opts: OverheadOptions,
  progress: (line: string) => void = () => undefined,
): Promise<OverheadRounds> {
  const out: OverheadRounds = { rps: {}, meanMs: {}, p50Ms: {}, p99Ms: {}, cpuPerRequestMs: {}, mainCpuPerRequestMs: {}, load1: [] };
  let turn = 0;
  for (let block = 0; block < opts.blocks; block++) {
    const { model, variants } = await startBlock(block);
    try {
      for (const [, example] of variants) await load.drive(example.ready.app, model, opts.warmSeconds, opts.connections);
      for (let round = 0; round < opts.rounds; round++, turn++) {
        for (const i of roundOrder(variants.length, turn)) {
          const [peer, example] = variants[i]!;
          progress(`  service: block ${block + 1}/${opts.blocks}, round ${round + 1}/${opts.rounds}, ${peer}`);
          const r = await load.drive(example.ready.app, model, opts.seconds, opts.connections, example.child.pid);
          (out.rps[peer] ??= []).push(r.rps);
          (out.meanMs[peer] ??= []).push(r.meanMs);
          (out.p50Ms[peer] ??= []).push(r.p50Ms);
          (out.p99Ms[peer] ??= []).push(r.p99Ms);
          if (r.cpuPerRequestMs !== undefined) (out.cpuPerRequestMs[peer] ??= []).push(r.cpuPerRequestMs);
          if (r.mainCpuPerRequestMs !== undefined) (out.mainCpuPerRequestMs[peer] ??= []).push(r.mainCpuPerRequestMs);
          out.load1.push(r.load1);
        }
      }
    } finally {
      for (const [, example] of variants) await example.stop();
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

/**
 * Per round, `a[i]` ÷ the geometric mean of `b[i]` and `c[i]`: perfkit against both processes without it in the round.
 * A fresh process's own pace varies by 5-15 % (see overheadRounds), and against one process without perfkit that draw
 * moved perfkit's ratio and the control's together (per block 1.18 and 1.11, 0.80 and 0.90); two halve its weight.
 * Without `c` (no control), `a[i] / b[i]`.
 */
export function pooledRatios(a: readonly number[] | undefined, b: readonly number[] | undefined, c: readonly number[] | undefined): number[] {
  if (!c || c.length === 0) return pairedRatios(a, b);
  const n = Math.min(b?.length ?? 0, c.length);
  return pairedRatios(a, Array.from({ length: n }, (_, i) => Math.sqrt(b![i]! * c[i]!)));
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
