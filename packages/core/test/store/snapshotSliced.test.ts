import { createPerfkit, snapshotStoreSliced, type Perfkit, type StoreSnapshot } from '@perfkit/core';
import { countTurns } from '../countTurns';

const open: Perfkit[] = [];
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

function setup(maxSeriesPerMetric = 1000) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric } });
  open.push(perf);
  // The store behind the public snapshots, for the slice budget (perf.snapshotSliced() uses the default, 1 ms).
  const store = (perf as unknown as { store: Parameters<typeof snapshotStoreSliced>[0] }).store;
  return { perf, store };
}

const withoutTime = (s: StoreSnapshot) => ({ ...s, takenAt: 0 });

describe('perf.snapshotSliced()', () => {
  it('copies what the synchronous snapshot copies: series, figures, running operations, drops', async () => {
    const { perf } = setup();
    const dl = perf.operation('download', 'weights');
    dl.record(0.2);
    dl.record(0.2);
    dl.record(40, { outcome: 'failure', errorType: 'ETIMEDOUT' });
    perf.trackOperation('model_operation', 'generate', (op) => op.addTokens(42));
    const running = perf.operation('health_check', 'probe').start();
    dl.record(-1); // dropped: invalid_value
    const sliced = await perf.snapshotSliced();
    expect(withoutTime(sliced)).toEqual(withoutTime(perf.snapshot()));
    // Read by hand: two successes of 0.2 s in the download type's (0.1, 0.25] bucket, one failure of 40 s in (30, 60].
    const ok = sliced.series.find((s) => s.name === 'weights' && s.outcome === 'success')!;
    expect([ok.count, ok.sum]).toEqual([2, 0.4]);
    expect(ok.counts[ok.bounds.indexOf(0.25)]).toBe(2);
    const failed = sliced.series.find((s) => s.name === 'weights' && s.outcome === 'failure')!;
    expect([failed.errorType, failed.count, failed.counts[failed.bounds.indexOf(60)]]).toEqual(['ETIMEDOUT', 1, 1]);
    expect(sliced.figures).toContainEqual(expect.objectContaining({ type: 'model_operation', name: 'generate', values: expect.objectContaining({ tokens: 42 }) }));
    expect(sliced.active).toEqual([{ type: 'health_check', name: 'probe', active: 1 }]);
    expect(sliced.drops.invalid_value).toBe(1);
    running.end();
  });

  it('copies the overflow series and an empty store like the synchronous one', async () => {
    const empty = setup();
    expect((await empty.perf.snapshotSliced()).series).toEqual([]);
    const { perf } = setup(3);
    for (let i = 0; i < 6; i++) perf.operation('download', `n${i}`).record(0.01);
    const sliced = await perf.snapshotSliced();
    expect(withoutTime(sliced)).toEqual(withoutTime(perf.snapshot()));
    expect(sliced.series.filter((s) => s.isOverflow).map((s) => s.count)).toEqual([3]);
  });

  it('lets the event loop run at every 64th row once a slice is spent', async () => {
    const { perf, store } = setup();
    for (let i = 0; i < 300; i++) perf.operation('download', `op-${i}`).record(0.01);
    const counter = countTurns();
    const snapshot = await snapshotStoreSliced(store, 0);
    counter.stop();
    expect(snapshot.series).toHaveLength(300);
    // Rows 63, 127, 191 and 255 end a slice each; the handles' figures (300) end four more.
    expect(counter.turns).toBeGreaterThanOrEqual(8);
  });

  it('takes in rows created while it runs, each from one instant', async () => {
    const { perf, store } = setup();
    for (let i = 0; i < 200; i++) perf.operation('download', `op-${i}`).record(0.01);
    // Runs in the first turn the snapshot yields (after row 63), before it reaches the end of the table.
    setImmediate(() => {
      const late = perf.operation('download', 'late');
      late.record(0.2);
      late.record(0.3);
    });
    const snapshot = await snapshotStoreSliced(store, 0);
    const late = snapshot.series.find((s) => s.name === 'late')!;
    expect([late.count, late.sum, late.counts.reduce((a, b) => a + b, 0)]).toEqual([2, 0.5, 2]);
  });
});
