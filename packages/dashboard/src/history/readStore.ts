import type { Perfkit, StoreSnapshot } from '@perfkit/core';

/**
 * The store read in the core's slices (`perf.snapshotSliced()`, turns of about 1 ms), for the history timer and the
 * routes that compute from it: one synchronous read held the loop 8-31 ms at 10,000 series and 130-240 ms at 100,000
 * (Node 20). A core without it (an older peer) is read in one pass.
 */
export async function readStoreSliced(perf: Perfkit): Promise<StoreSnapshot> {
  const sliced = (perf as Partial<Pick<Perfkit, 'snapshotSliced'>>).snapshotSliced;
  return typeof sliced === 'function' ? await sliced.call(perf) : perf.snapshot();
}
