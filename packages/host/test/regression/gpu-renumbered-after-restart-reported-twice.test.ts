/*
 * Bug: the nvidia-smi back end kept each GPU's last line under its `index`. nvidia-smi numbers GPUs in enumeration
 * order ("can change at each boot", nvidia-smi(1)), so when a GPU is lost (the loop exits: "GPU is lost") and the
 * restarted loop enumerates one GPU fewer, the GPUs after it are renumbered. GPU-bbbb, index 1 before and index 0
 * after, then was reported twice — as index 1 with its last figures from before the crash and as index 0 with the new
 * ones — for up to three intervals (two series with the same hw.id; a sum over GPUs counted its memory twice). Lines
 * are now kept by uuid (the device's identity, hw.id), so a renumbered GPU moves to its new index.
 */
import { startFakeNvidiaSmi, waitFor } from '../fixtures/fakes';

const BEFORE = ['0, GPU-aaaaaaaa-0000-4000-8000-000000000000, NVIDIA A100-SXM4-40GB, 35, 1024, 40960, 45, 120.50, 1410', '1, GPU-bbbbbbbb-1111-4000-8000-000000000001, NVIDIA A100-SXM4-40GB, 20, 2048, 40960, 47, 90.25, 1410'].join('\\n');
/** After the restart only GPU-bbbb is enumerated, now as index 0, at 60 % and 4096 MiB. */
const AFTER = '0, GPU-bbbbbbbb-1111-4000-8000-000000000001, NVIDIA A100-SXM4-40GB, 60, 4096, 40960, 50, 200.00, 1410';

describe('regression: a GPU renumbered after nvidia-smi restarts is reported once', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => stop?.());

  it('moves GPU-bbbb from index 1 to index 0 instead of showing it at both', async () => {
    const started = startFakeNvidiaSmi({ FAKE_SMI_LINES: BEFORE, FAKE_SMI_MODE: 'crash-after=1' }, { intervalMs: 500, restartDelayMs: 150, maxRestartDelayMs: 600 });
    ({ stop } = started);
    const b = started.backend;
    await waitFor(() => b.devices().length === 2);
    expect(b.devices().map((g) => [g.index, g.uuid])).toEqual([
      [0, 'GPU-aaaaaaaa-0000-4000-8000-000000000000'],
      [1, 'GPU-bbbbbbbb-1111-4000-8000-000000000001'],
    ]);
    // The first process prints one round and exits 500 ms later ("GPU is lost"); its lines count for 3 × 500 ms + 1 s,
    // so the next one (started 150 ms after the exit) is read well within that. It enumerates only GPU-bbbb.
    Object.assign(process.env, { FAKE_SMI_LINES: AFTER, FAKE_SMI_MODE: 'loop' });
    await waitFor(() => b.devices().some((g) => g.uuid === 'GPU-bbbbbbbb-1111-4000-8000-000000000001' && g.index === 0), 10_000);
    const bbbb = b.devices().filter((g) => g.uuid === 'GPU-bbbbbbbb-1111-4000-8000-000000000001');
    expect(bbbb.map((g) => [g.index, g.utilization, g.memoryUsed])).toEqual([[0, 0.6, 4096 * 1024 * 1024]]);
    // GPU-aaaa, no longer printed, leaves within three intervals (+1 s), as any device that stops being printed.
    await waitFor(() => b.devices().length === 1, 10_000);
    expect(b.devices().map((g) => [g.index, g.uuid])).toEqual([[0, 'GPU-bbbbbbbb-1111-4000-8000-000000000001']]);
  });
});
