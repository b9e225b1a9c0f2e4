import { loadConfig } from '../../src/config';
import { createDiagLogger } from '../../src/diag';
import { BadReportError, SourceState } from '../../src/cluster/SourceState';
import { StoreMerger } from '../../src/cluster/StoreMerger';
import { StoreReporter } from '../../src/cluster/StoreReporter';
import type { WireReport } from '../../src/cluster/protocol';
import { OperationStore } from '../../src/store/OperationStore';
import { snapshotStore } from '../../src/store/snapshot';

function setup(workerConfig: Parameters<typeof loadConfig>[0] = {}) {
  const lines: string[] = [];
  const diag = createDiagLogger('warn', { warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) });
  const storeOf = (cfg: Parameters<typeof loadConfig>[0]) => new OperationStore(loadConfig({ prometheus: false, ...cfg }, {}), diag);
  const worker = storeOf(workerConfig);
  const primary = storeOf({});
  const reporter = new StoreReporter(worker);
  const merger = new StoreMerger(primary, diag);
  const source = new SourceState('worker 1');
  const sync = (full = false) => merger.apply(source, reporter.build(full));
  const series = (name: string, outcome = 'success') => snapshotStore(primary).series.find((s) => s.name === name && s.outcome === outcome);
  return { worker, primary, reporter, merger, source, sync, series, lines };
}

describe('StoreMerger', () => {
  it('adds what changed since the previous report, so repeated reports never count twice', () => {
    const { worker, sync, series } = setup();
    const op = worker.operation('download', 'a');
    op.record(0.2);
    op.record(3);
    sync();
    sync();
    expect(series('a')).toMatchObject({ count: 2, sum: 3.2 });
    op.record(0.05);
    op.record(0.05, { outcome: 'failure', errorType: 'E_X' });
    sync();
    sync();
    // download buckets: 0.1, 0.25, 0.5, 1, 2.5, 5, ...: 0.05 -> first, 0.2 -> second, 3 -> sixth
    expect(series('a')!.counts.slice(0, 6)).toEqual([1, 1, 0, 0, 0, 1]);
    expect(series('a')).toMatchObject({ count: 3, sum: 3.25 });
    expect(series('a', 'failure')).toMatchObject({ count: 1, errorType: 'E_X' });
  });

  it('merges figures, scores, active counts and drops; a departure removes only the active share', () => {
    const { worker, primary, merger, source, sync } = setup();
    const op = worker.operation('health_check', 'h');
    op.addBytes(100);
    op.retry();
    op.retry();
    op.integrityCheck(false);
    op.integrityScore(0.9);
    const running = op.start();
    worker.drop('invalid_value', 3);
    sync();
    const f = snapshotStore(primary).figures.find((x) => x.name === 'h')!.values;
    expect(f).toMatchObject({ downloadBytes: 100, retries: 2, integrityFailed: 1, integrityPassed: 0 });
    expect(primary.activeOperations()).toEqual([{ type: 'health_check', name: 'h', active: 1 }]);
    expect(snapshotStore(primary).drops.invalid_value).toBe(3);
    expect(primary.scoreTables[0].size).toBe(1);
    expect(primary.scoreTables[0].read(0).count).toBe(1);
    expect(merger.depart(source)).toBe(1);
    expect(primary.activeOperations()).toEqual([]);
    expect(snapshotStore(primary).figures.find((x) => x.name === 'h')!.values.retries).toBe(2);
    running.end();
  });

  it('takes a reporter that started over (a count below the last one) as new counts', () => {
    const { worker, primary, merger, source, sync, series } = setup();
    worker.operation('download', 'a').record(1);
    worker.operation('download', 'a').record(1);
    sync();
    const fresh = new OperationStore(loadConfig({ prometheus: false }, {}), createDiagLogger('none'));
    fresh.operation('download', 'a').record(1);
    merger.apply(source, new StoreReporter(fresh).build(true));
    expect(series('a')!.count).toBe(3);
    expect(primary.handles).toHaveLength(1);
  });

  it('moves counts of other buckets up to the next bound here, with sum and count exact, and says so once', () => {
    const { worker, sync, series, lines } = setup({ operationTypes: { download: { buckets: [1, 2] } } });
    const op = worker.operation('download', 'a');
    op.record(0.5); // (0, 1] -> here le 1
    op.record(1.5); // (1, 2] -> here le 2.5
    op.record(7); // +Inf -> +Inf
    sync();
    op.record(1.5);
    sync();
    const s = series('a')!;
    // here: 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, +Inf
    expect(s.counts).toEqual([0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(s).toMatchObject({ count: 4, sum: 10.5 });
    expect(lines.filter((l) => l.includes('uses other buckets for "download"'))).toHaveLength(1);
  });

  it("registers a type only the reporter knows, with the reporter's buckets", () => {
    const { worker, primary, sync, series } = setup({ operationTypes: { indexing: { buckets: [0.5, 1] } } });
    worker.operation('indexing', 'i').record(0.7);
    sync();
    expect(Array.from(primary.types.get('indexing')!.table.bounds)).toEqual([0.5, 1]);
    expect(series('i')!.counts).toEqual([0, 1, 0]);
  });

  it('loses nothing when a report is lost: the next one carries the same cells with newer totals', () => {
    const { worker, reporter, merger, source, series } = setup();
    worker.operation('download', 'a').record(1);
    reporter.build(false); // lost on the way
    worker.operation('download', 'b').record(1);
    worker.operation('download', 'a').record(0.2);
    merger.apply(source, reporter.build(false));
    expect(source.needsFull).toBe(false);
    expect(series('a')).toMatchObject({ count: 2, sum: 1.2 });
    expect(series('b')!.count).toBe(1);
  });

  it('adds nothing twice when an acknowledgement is lost: the next report repeats cumulative values', () => {
    const { worker, reporter, merger, source, series } = setup();
    const op = worker.operation('download', 'a');
    op.record(1);
    const first = reporter.build(false);
    expect(merger.apply(source, first)).toBe(true);
    expect(merger.apply(source, first)).toBe(true); // delivered twice
    op.record(1);
    merger.apply(source, reporter.build(false)); // built without the acknowledgement: carries the row again
    expect(series('a')).toMatchObject({ count: 2, sum: 2 });
  });

  it('after an acknowledgement, reports carry only the rows that changed, and nothing when nothing did', () => {
    const { worker, reporter, merger, source, series } = setup();
    for (let i = 0; i < 50; i++) worker.operation('download', `op-${i}`).record(0.3);
    const first = reporter.build(false);
    merger.apply(source, first);
    reporter.ack(first.seq);
    const idle = reporter.build(false);
    expect(idle.handles).toHaveLength(0);
    const sizes = (r: WireReport) => r.tables.map((t) => [t.rows.length, ...[t.index, t.counts, t.sums].map((b) => Buffer.from(b, 'base64').length)]);
    expect(sizes(idle)).toEqual([[0, 0, 0, 0]]);
    worker.operation('download', 'op-7').record(0.3);
    const one = reporter.build(false);
    // one row (index + one mask word: 4 + 4 bytes); its cells that changed: the 0.5 bucket and count (two uint32s), the sum (a double)
    expect(sizes(one)).toEqual([[0, 8, 8, 8]]);
    merger.apply(source, one);
    expect(series('op-7')).toMatchObject({ count: 2, sum: 0.6 });
    expect(series('op-8')).toMatchObject({ count: 1, sum: 0.3 });
  });

  it('keeps every count through random losses of reports and acknowledgements', () => {
    const { worker, reporter, merger, source, series } = setup();
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const counted = new Map<string, number>();
    const merged: number[] = []; // reports merged whose acknowledgement is still on its way (or lost)
    for (let step = 0; step < 600; step++) {
      const name = `op-${Math.floor(random() * 20)}`;
      worker.operation('download', name).record(random() * 3);
      counted.set(name, (counted.get(name) ?? 0) + 1);
      if (random() < 0.3) {
        const report = reporter.build(random() < 0.1);
        if (random() < 0.6 && merger.apply(source, report)) merged.push(report.seq);
      }
      // Acknowledgements arrive late, out of order, or never.
      if (merged.length && random() < 0.2) {
        const [seq] = merged.splice(Math.floor(random() * merged.length), 1);
        if (random() < 0.7) reporter.ack(seq!);
      }
    }
    merger.apply(source, reporter.build(false));
    for (const [name, n] of counted) expect(series(name)!.count).toBe(n);
  });

  it('sends a count past 2^32 - 1 (a long-lived series) as a double, and merges it exactly', () => {
    const { worker, reporter, sync, series } = setup();
    worker.operation('download', 'a').record(0.3);
    const table = worker.types.get('download')!.table;
    const at = table.offsetOf(0) + table.tail;
    table.chunkOf(0)[at + 1] = 2 ** 33; // count
    table.chunkOf(0)[2] = 2 ** 33; // the 0.5 bucket
    expect(reporter.build(false).tables[0]!.wide).toBe(true);
    sync();
    expect(series('a')!.count).toBe(2 ** 33);
    expect(series('a')!.counts[2]).toBe(2 ** 33);
  });

  it('asks for a full report when a report continues announcements it never saw, and applies nothing meanwhile', () => {
    const { worker, reporter, primary, merger, source } = setup();
    worker.operation('download', 'a').record(1);
    const first = reporter.build(false);
    merger.apply(source, first);
    reporter.ack(first.seq);
    worker.operation('download', 'b').record(1);
    const stranger = new SourceState('worker 1 again'); // an aggregator that never heard the first report
    expect(merger.apply(stranger, reporter.build(false))).toBe(false);
    expect(stranger.needsFull).toBe(true);
    expect(primary.handles).toHaveLength(1);
    expect(new StoreMerger(primary, createDiagLogger('none')).apply(stranger, reporter.build(true))).toBe(true);
    expect(stranger.needsFull).toBe(false);
  });

  describe('hostile reports: rejected whole, nothing changed, never anything but BadReportError', () => {
    const valid = () => {
      const { worker, reporter } = setup();
      worker.operation('download', 'a').record(1);
      return JSON.parse(JSON.stringify(reporter.build(true))) as WireReport & Record<string, unknown>;
    };
    const bad = (change: (r: Record<string, any>) => void) => {
      const r = valid();
      change(r);
      return r;
    };
    const nanBlock = Buffer.from(new Float64Array(16).fill(NaN).buffer).toString('base64');
    const cases: Array<[string, unknown]> = [
      ['null', null],
      ['a string', 'report'],
      ['handles not an array', bad((r) => (r.handles = 'x'))],
      ['a handle of wrong types', bad((r) => (r.handles = [[1, 2, 3]]))],
      ['handlesFrom negative', bad((r) => (r.handlesFrom = -1))],
      ['handlesFrom huge', bad((r) => (r.handlesFrom = 1e12))],
      ['figures of the wrong length', bad((r) => (r.figures = 'AAAA'))],
      ['figures NaN', bad((r) => (r.figures = Buffer.from(new Float64Array(11).fill(NaN).buffer).toString('base64')))],
      ['figures of a handle never announced', bad((r) => (r.figures = Buffer.from(new Float64Array([5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).buffer).toString('base64')))],
      ['a figure mask beyond the slots', bad((r) => (r.figures = Buffer.from(new Float64Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1024]).buffer).toString('base64')))],
      ['seq missing', bad((r) => delete r.seq)],
      ['active not an array', bad((r) => (r.active = 'x'))],
      ['active of a handle never announced', bad((r) => (r.active = [[3, 1]]))],
      ['a row index beyond the table', bad((r) => (r.tables[0].index = Buffer.from(new Uint32Array([9, 0b111]).buffer).toString('base64')))],
      ['a row mask with cells beyond the row', bad((r) => (r.tables[0].index = Buffer.from(new Uint32Array([0, 0xffffffff]).buffer).toString('base64')))],
      ['masks that do not match the numbers', bad((r) => (r.tables[0].index = Buffer.from(new Uint32Array([0, 0b1]).buffer).toString('base64')))],
      ['rows announced short of the size', bad((r) => (r.tables[0].size = 2))],
      ['bounds not increasing', bad((r) => (r.tables[0].bounds = [2, 1]))],
      ['bounds with Infinity', bad((r) => (r.tables[0].bounds = [1, Infinity]))],
      ['row sums NaN', bad((r) => (r.tables[0].sums = Buffer.from(new Float64Array([NaN]).buffer).toString('base64')))],
      ['row sums short of the masks', bad((r) => (r.tables[0].sums = ''))],
      ['row counts NaN (wide)', bad((r) => ((r.tables[0].wide = true), (r.tables[0].counts = Buffer.from(new Float64Array([NaN, NaN]).buffer).toString('base64'))))],
      ['row sums negative', bad((r) => (r.tables[0].sums = Buffer.from(new Float64Array([-1]).buffer).toString('base64')))],
      ['row sums Infinity', bad((r) => (r.tables[0].sums = Buffer.from(new Float64Array([Infinity]).buffer).toString('base64')))],
      ['row counts Infinity (wide)', bad((r) => ((r.tables[0].wide = true), (r.tables[0].counts = Buffer.from(new Float64Array([1, Infinity]).buffer).toString('base64'))))],
      ['figures Infinity', bad((r) => (r.figures = Buffer.from(new Float64Array([0, Infinity, 0, 0, 0, 0, 0, 0, 0, 0, 1]).buffer).toString('base64')))],
      ['an unknown outcome', bad((r) => (r.tables[0].rows = [[0, '__proto__', '']]))],
      ['a drop reason that does not exist', bad((r) => (r.drops = [['toString', 1]]))],
      ['a drop of Infinity', bad((r) => (r.drops = [['invalid_value', Infinity]]))],
    ];
    it.each(cases)('%s', (_name, report) => {
      const { merger, source, primary } = setup();
      const before = JSON.stringify(snapshotStore(primary).series);
      expect(() => merger.apply(source, report as WireReport)).toThrow(BadReportError);
      expect(JSON.stringify(snapshotStore(primary).series)).toBe(before);
      expect(primary.handles).toHaveLength(0);
    });
  });
});
