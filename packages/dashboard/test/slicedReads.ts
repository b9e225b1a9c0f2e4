import { createPerfkit, type Perfkit } from '@perfkit/core';
import { countTurns } from './countTurns';

/** One sliced read of the store seen by {@link watchedPerfkit}: the event-loop turns it spanned and the series it read. */
export interface SlicedRead {
  turns: number;
  series: number;
}

/**
 * A perfkit holding `series` operation series whose synchronous `snapshot()` is spied on and whose sliced reads
 * (`snapshotSliced()`) are recorded in `reads` with the turns each took. Shut it down with the returned `perf`.
 */
export function watchedPerfkit(series: number): { perf: Perfkit; sync: jest.SpyInstance; reads: SlicedRead[] } {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: series + 10 } });
  for (let i = 0; i < series; i++) perf.operation('download', `op-${i}`).record(0.01);
  const read = perf.snapshotSliced.bind(perf);
  const sync = jest.spyOn(perf, 'snapshot');
  const reads: SlicedRead[] = [];
  jest.spyOn(perf, 'snapshotSliced').mockImplementation(async () => {
    const counter = countTurns();
    const snapshot = await read();
    counter.stop();
    reads.push({ turns: counter.turns, series: snapshot.series.length });
    return snapshot;
  });
  return { perf, sync, reads };
}
