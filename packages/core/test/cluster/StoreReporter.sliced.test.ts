import type { Perfkit } from '@perfkit/core';
import { StoreReporter } from '../../src/cluster/StoreReporter';
import { decodeUint32s } from '../../src/cluster/protocol';
import { countTurns } from '../countTurns';
import { perfWithSeries } from '../perfWithSeries';

const open: Perfkit[] = [];
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

const setup = (series: number) => perfWithSeries(series, open);

// A worker's report was built in one pass at every push and collection: 4-13 ms with 10,000 changed series, ~100 ms
// with 100,000 (Node 20), in the application's own worker.
describe('StoreReporter.buildSliced()', () => {
  it('builds the report the one-pass build does, letting the event loop run every 64 rows once a slice is spent', async () => {
    const { store } = setup(300);
    const once = new StoreReporter(store).build(false);
    const counter = countTurns();
    const sliced = await new StoreReporter(store).buildSliced(false, 0);
    counter.stop();
    expect(sliced).toEqual(once);
    // 300 rows end four slices in the duration table and four in the pass over the handles.
    expect(counter.turns).toBeGreaterThanOrEqual(8);
    // Read by hand: 300 handles and rows, every row changed (one observation each).
    const table = sliced.tables.find((t) => t.size > 0)!;
    expect([sliced.handles.length, table.size, table.rows.length]).toEqual([300, 300, 300]);
    const words = Math.ceil((table.bounds.length + 3) / 32);
    expect(decodeUint32s(table.index)!.length).toBe(300 * (1 + words));
  });

  it('leaves handles and rows created while it runs to the next report', async () => {
    const { perf, store } = setup(200);
    const reporter = new StoreReporter(store);
    // Runs in the first turn the build yields (after row 63), before it reaches the end of the table.
    setImmediate(() => perf.operation('download', 'late').record(0.3));
    const first = await reporter.buildSliced(false, 0);
    const table = first.tables.find((t) => t.size > 0)!;
    expect([first.handles.length, table.size, table.rows.length]).toEqual([200, 200, 200]);
    expect(table.rows.every(([owner]) => owner >= 0 && owner < 200)).toBe(true);
    // Its numbers too: changed rows 0..199 only (the index is each changed row, then its cell masks).
    const words = Math.ceil((table.bounds.length + 3) / 32);
    const index = decodeUint32s(table.index)!;
    const changedRows = Array.from({ length: index.length / (1 + words) }, (_, k) => index[k * (1 + words)]!);
    expect([changedRows.length, Math.max(...changedRows)]).toEqual([200, 199]);
    reporter.ack(first.seq);
    const next = reporter.build(false);
    const nextTable = next.tables.find((t) => t.id === table.id)!;
    expect([next.handlesFrom, next.handles]).toEqual([200, [['download', 'late', 0]]]);
    expect([nextTable.from, nextTable.size, nextTable.rows]).toEqual([200, 201, [[200, 'success', '']]]);
  });
});
