import type { Figure, PeerName } from '../results';
import { makeFigure } from '../stats';
import { runChild } from '../memory/runChild';
import type { Suite } from './suite';

const PEERS: readonly PeerName[] = ['perfkit', 'otel', 'prom-client'];

interface LeakAnswer {
  operations: number;
  recorded: number;
  samples: number[];
  growth: number;
}

/**
 * Memory, each measurement in a fresh process with --expose-gc: bytes per operation series (JS heap plus
 * ArrayBuffers, after 1000 warm-up series), and heap growth over millions of tracked operations (a leak check).
 */
export const memorySuite: Suite = {
  name: 'memory',
  title: 'Memory (bytes per series, heap growth under load)',
  async run({ profile, progress, root }) {
    const figures: Figure[] = [];
    const rounds = Math.min(profile.rounds, 3);
    const perSeries: Partial<Record<PeerName, number[]>> = {};
    for (let round = 0; round < rounds; round++) {
      progress(`  memory.bytesPerSeries: round ${round + 1}/${rounds}`);
      for (const peer of PEERS) {
        const answer = await runChild<{ bytesPerSeries: number }>(root, { mode: 'series', peer, count: profile.memorySeries });
        (perSeries[peer] ??= []).push(answer.bytesPerSeries);
      }
    }
    figures.push(
      makeFigure(
        { id: 'memory.bytesPerSeries', label: `bytes per operation series (${profile.memorySeries} series)`, unit: 'bytes', better: 'lower' },
        perSeries,
      ),
    );

    progress(`  memory.leak: ${profile.leakOperations.toLocaleString('en-US')} tracked operations`);
    const leak = await runChild<LeakAnswer>(root, { mode: 'leak', operations: profile.leakOperations }, 300_000);
    if (leak.recorded !== leak.operations) {
      throw new Error(`leak check: ${leak.operations} operations tracked but ${leak.recorded} recorded`);
    }
    const growthPerSample = leak.samples.slice(1).map((v, i) => v - leak.samples[i]!);
    figures.push(
      makeFigure(
        {
          id: 'memory.leak.growth',
          label: `heap growth over ${leak.operations.toLocaleString('en-US')} tracked operations (after the first tenth)`,
          unit: 'bytes',
          better: 'lower',
          note: `heap+ArrayBuffers after each tenth (bytes): ${leak.samples.join(', ')}`,
        },
        { perfkit: [leak.growth] },
      ),
    );
    figures.push(
      makeFigure(
        { id: 'memory.leak.stepGrowth', label: 'heap growth between consecutive tenths', unit: 'bytes', better: 'lower' },
        { perfkit: growthPerSample },
      ),
    );
    return {
      figures,
      notes: [
        'bytes per series: one duration histogram series (12 buckets) and one active gauge per operation name, measured as heapUsed + arrayBuffers after forced GC.',
        'leak check: sync track(), start()/end(), trackOperation() over 10 names, end({ outcome: "timeout" }) and async track() mixed; heap sampled after each tenth.',
      ],
    };
  },
};
