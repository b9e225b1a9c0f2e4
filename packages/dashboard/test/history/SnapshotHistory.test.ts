import { createPerfkit, type StoreSnapshot } from '@perfkit/core';
import { SnapshotHistory } from '@perfkit/dashboard';

function setup(retentionMs = 3_600_000, budgetBytes = 1024 * 1024) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  const history = new SnapshotHistory(retentionMs, budgetBytes);
  const at = (takenAt: number): StoreSnapshot => ({ ...perf.snapshot(), takenAt });
  return { perf, history, at };
}

describe('SnapshotHistory', () => {
  it('evicts the oldest snapshots beyond the retention time', async () => {
    const { perf, history, at } = setup(10_000);
    perf.operation('download', 'a').record(0.1);
    for (let t = 0; t <= 30_000; t += 5000) history.push(at(1e12 + t));
    expect(history.since(0).map((k) => k.takenAt - 1e12)).toEqual([20_000, 25_000, 30_000]);
    await perf.shutdown();
  });

  it('stays within its byte budget however many series there are, keeping the newest', async () => {
    const { perf, history, at } = setup(3_600_000, 64 * 1024);
    for (let i = 0; i < 100; i++) perf.operation('download', `name-${i}`).record(0.1);
    for (let t = 0; t < 50; t++) history.push(at(1e12 + t * 1000));
    expect(history.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(history.size).toBeGreaterThan(0);
    expect(history.since(0).at(-1)!.takenAt).toBe(1e12 + 49_000);
    await perf.shutdown();
  });

  it('thins old history instead of cutting it when the budget is full, keeping the oldest and the newest', async () => {
    const { perf, at } = setup();
    for (let i = 0; i < 50; i++) perf.operation('download', `n${i}`).record(0.1);
    const probe = new SnapshotHistory(86_400_000, 1e9);
    probe.push(at(1));
    probe.push(at(2));
    const perSnapshot = probe.bytes / 2;
    const thin = new SnapshotHistory(86_400_000, perSnapshot * 20);
    for (let i = 0; i < 300; i++) thin.push(at(1e12 + i * 60_000));
    const times = thin.since(0).map((k) => k.takenAt);
    expect(thin.bytes).toBeLessThanOrEqual(perSnapshot * 20);
    expect(times[0]).toBe(1e12);
    expect(times.at(-1)).toBe(1e12 + 299 * 60_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]!).toBeGreaterThan(gaps.at(-1)!);
    await perf.shutdown();
  });

  it('picks the baseline for a window: at or before its start, zero if the store started inside, else the oldest', async () => {
    const { perf, history, at } = setup();
    const start = perf.snapshot().startedAt;
    history.push(at(start + 10_000));
    history.push(at(start + 20_000));
    expect(history.baselineFor(start + 15_000, start)!.takenAt).toBe(start + 10_000);
    expect(history.baselineFor(start - 1, start)).toBeUndefined();
    expect(history.baselineFor(start + 5_000, start - 60_000)!.takenAt).toBe(start + 10_000);
    await perf.shutdown();
  });

  it('ignores a snapshot older than the newest it holds, or taken at a non-finite time', async () => {
    const { perf, history, at } = setup();
    history.push(at(NaN));
    history.push(at(Infinity));
    expect(history.size).toBe(0);
    history.push(at(2e12));
    history.push(at(1e12));
    history.push(at(NaN));
    expect(history.size).toBe(1);
    expect(history.latest()!.takenAt).toBe(2e12);
    await perf.shutdown();
  });
});
