import { createPerfkit, type Perfkit } from '@perfkit/core';
import { COUNT, HistogramTable, labelText, PLAIN_ROW, SUM, type RowOwner } from '../../src/store/HistogramTable';

// Expected values in this file are worked out by hand from the Prometheus histogram rule: a value v is counted
// in the first bucket whose upper bound `le` satisfies v <= le (bounds are inclusive), else in +Inf.

function owner(name = 'a'): RowOwner {
  return { baseLabels: `operation_name="${name}"`, baseAttributes: () => ({ 'operation.name': name }), type: 't', name, isOverflow: false };
}

function setup(bounds: number[] = [0.1, 0.5, 1]) {
  const table = new HistogramTable(bounds);
  const row = table.addRow(owner(), PLAIN_ROW);
  return { table, row };
}

describe('HistogramTable', () => {
  it('counts a value equal to a bound in that bound\'s bucket (le is inclusive)', () => {
    const { table, row } = setup();
    table.record(row, 0.1);
    table.record(row, 0.5);
    table.record(row, 1);
    expect(table.read(row)).toMatchObject({ counts: [1, 1, 1, 0], sum: 1.6, count: 3 });
  });

  it('counts a value just above a bound in the next bucket and above the last bound in +Inf', () => {
    const { table, row } = setup();
    table.record(row, 0.10000000000000002);
    table.record(row, 1.0000000000000002);
    table.record(row, 1e9);
    expect(table.read(row).counts).toEqual([0, 1, 0, 2]);
  });

  it('counts zero and negative values in the first bucket', () => {
    const { table, row } = setup();
    table.record(row, 0);
    table.record(row, -3);
    expect(table.read(row)).toMatchObject({ counts: [2, 0, 0, 0], sum: -3, count: 2 });
  });

  it('keeps rows apart, across chunk boundaries too', () => {
    const table = new HistogramTable([1]);
    const rows = Array.from({ length: 300 }, (_, i) => table.addRow(owner(`n${i}`), PLAIN_ROW));
    expect(rows[0]).toBe(0);
    expect(rows[299]).toBe(299);
    expect(table.size).toBe(300);
    expect(table.chunks).toHaveLength(3); // 128 rows per chunk: 128 + 128 + 44
    table.record(127, 0.5);
    table.record(128, 2);
    table.record(128, 2);
    table.record(299, 0.25);
    expect(table.read(126)).toMatchObject({ counts: [0, 0], sum: 0, count: 0 });
    expect(table.read(127)).toMatchObject({ counts: [1, 0], sum: 0.5, count: 1 });
    expect(table.read(128)).toMatchObject({ counts: [0, 2], sum: 4, count: 2 });
    expect(table.read(299)).toMatchObject({ counts: [1, 0], sum: 0.25, count: 1 });
    expect(table.owners[128]!.name).toBe('n128');
    expect(table.kinds[299]).toBe(PLAIN_ROW);
  });

  it('lays a row out as bucket counts, +Inf, sum, count', () => {
    const { table, row } = setup([2, 4]);
    table.record(row, 3);
    table.record(row, 5);
    expect(table.stride).toBe(5);
    expect(table.tail).toBe(3);
    expect(SUM).toBe(0);
    expect(COUNT).toBe(1);
    const d = table.chunkOf(row);
    const off = table.offsetOf(row);
    expect(Array.from(d.subarray(off, off + table.stride))).toEqual([0, 1, 1, 8, 2]);
    const second = table.addRow(owner('b'), PLAIN_ROW);
    expect(table.offsetOf(second)).toBe(5);
    expect(table.chunkOf(second)).toBe(d);
  });

  it('writes the le label text of each bucket, +Inf last, the way Prometheus prints the bound', () => {
    const { table } = setup([0.005, 1, 2.5, 1e21]);
    expect(table.leSuffix).toEqual([',le="0.005"} ', ',le="1"} ', ',le="2.5"} ', ',le="1e+21"} ', ',le="+Inf"} ']);
  });
});

describe('labelText', () => {
  it('joins label pairs with commas and escapes backslash, quote and newline in values', () => {
    expect(labelText([])).toBe('');
    expect(labelText([['a', 'x']])).toBe('a="x"');
    expect(labelText([['a', 'x'], ['b', 'say "hi"\\now\n']])).toBe('a="x",b="say \\"hi\\"\\\\now\\n"');
  });
});

describe('HistogramTable through the public API', () => {
  let perf: Perfkit;
  afterEach(() => perf.shutdown());

  it('exposes a duration equal to a bucket bound in that le bucket on the scrape', async () => {
    perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    perf.operation('download', 'edge').record(0.25); // a default bound: 0.1, 0.25, 0.5, ...
    perf.operation('download', 'edge').record(0.5);
    const text = await perf.metrics();
    const bucket = (le: string) =>
      Number(new RegExp(`^perfkit_operation_duration_seconds_bucket\\{[^}]*operation_name="edge"[^}]*le="${le.replace('+', '\\+')}"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(bucket('0.1')).toBe(0);
    expect(bucket('0.25')).toBe(1);
    expect(bucket('0.5')).toBe(2);
    expect(bucket('+Inf')).toBe(2);
  });
});
