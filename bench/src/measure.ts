import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { PeerName } from './results';

let collectGarbage: (() => void) | undefined;
/** A full GC, so no peer pays for the garbage the previous one left (expose-gc switched on at run time). */
export function fullGc(): void {
  if (!collectGarbage) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
}

/** One timed call: does `ops` operations (a batch, so the harness's own clock reads are amortized). */
export interface Contender {
  readonly peer: PeerName;
  readonly fn: () => unknown;
  readonly ops: number;
}

/** Receives progress lines (stderr in the CLI, nothing in tests). */
export type Progress = (line: string) => void;

/**
 * Runs every contender for `timeMs` in each of `rounds` rounds, side by side: in round r the order starts
 * at contender r (rotation), so drift on a shared machine does not favour one peer, and a full GC runs before
 * each contender, so none pays for the garbage of the one before it. The value of a round is
 * the mean time per operation (GC pauses a peer causes are its own cost, so the mean, not the median sample).
 * Returns nanoseconds per operation, one value per round, per peer.
 */
export async function runRounds(
  contenders: readonly Contender[],
  options: {
    rounds: number;
    timeMs: number;
    minIterations?: number;
    /** Warm up in the first round only (for slow calls such as big scrapes); default: every round, briefly. */
    warmupFirstRoundOnly?: boolean;
    label: string;
    progress: Progress;
  },
): Promise<Partial<Record<PeerName, number[]>>> {
  // tinybench is an ES module; this package is CommonJS, so it is loaded with import().
  const { Bench } = await import('tinybench');
  const out: Partial<Record<PeerName, number[]>> = {};
  for (const c of contenders) out[c.peer] = [];
  for (let round = 0; round < options.rounds; round++) {
    options.progress(`  ${options.label}: round ${round + 1}/${options.rounds}`);
    const bench = new Bench({
      time: options.timeMs,
      iterations: options.minIterations ?? 5,
      warmup: round === 0 || !options.warmupFirstRoundOnly,
      warmupTime: round === 0 ? options.timeMs : Math.max(1, options.timeMs / 5),
      warmupIterations: 2,
      throws: true,
      setup: () => fullGc(),
    });
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const c of order) bench.add(c.peer, c.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const c = contenders.find((x) => x.peer === task.name)!;
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`${options.label}/${task.name}: ${result.state}`);
      out[c.peer]!.push((result.latency.mean * 1e6) / c.ops);
    }
  }
  return out;
}

/** A sink the benchmarked functions write to, so no work is optimized away. */
export const sink = { value: 0 };
