import { createPerfkit, type Perfkit } from '@perfkit/core';
import { COUNT, HistogramTable, labelText, PLAIN_ROW, REGISTRY_RECHECK_RECORDS, SUM, type RowOwner } from '../../src/store/HistogramTable';

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

  it('lays a row out as bucket counts, +Inf, sum, count, then min and max in the same chunk', () => {
    const { table, row } = setup([2, 4]);
    table.record(row, 3);
    table.record(row, 5);
    expect(table.stride).toBe(5); // what a row copy and the cluster wire carry: counts, sum, count
    expect(table.rowStride).toBe(7);
    expect(table.tail).toBe(3);
    expect(SUM).toBe(0);
    expect(COUNT).toBe(1);
    const d = table.chunkOf(row);
    const off = table.offsetOf(row);
    expect(Array.from(d.subarray(off, off + table.rowStride))).toEqual([0, 1, 1, 8, 2, 3, 5]);
    const second = table.addRow(owner('b'), PLAIN_ROW);
    expect(table.offsetOf(second)).toBe(7);
    expect(table.chunkOf(second)).toBe(d);
    expect(Array.from(d.subarray(7, 14))).toEqual([0, 0, 0, 0, 0, Infinity, -Infinity]);
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

describe('HistogramTable min/max, row copies, labels and exemplars (mutation testing, issue 18)', () => {
  it('keeps each row\'s smallest and largest value, +Inf/-Inf while empty', () => {
    const { table, row } = setup();
    expect(table.read(row)).toMatchObject({ min: Infinity, max: -Infinity });
    table.record(row, 0.3);
    expect(table.read(row)).toMatchObject({ min: 0.3, max: 0.3 });
    table.record(row, 7);
    table.record(row, 0.01);
    table.record(row, 2);
    expect(table.read(row)).toMatchObject({ min: 0.01, max: 7 });
    const other = table.addRow(owner('b'), PLAIN_ROW);
    table.record(other, 5);
    expect(table.read(other)).toMatchObject({ min: 5, max: 5 });
    expect(table.read(row)).toMatchObject({ min: 0.01, max: 7 });
  });

  it('keeps min/max per row across chunks', () => {
    const table = new HistogramTable([1]);
    for (let i = 0; i < 130; i++) table.addRow(owner(`n${i}`), PLAIN_ROW);
    table.record(129, 3);
    table.record(1, 0.5);
    table.record(127, 0.75); // the last row of the first chunk
    expect(table.read(127)).toMatchObject({ min: 0.75, max: 0.75 });
    expect(table.read(129)).toMatchObject({ min: 3, max: 3 });
    expect(table.read(1)).toMatchObject({ min: 0.5, max: 0.5 });
    expect(table.read(128)).toMatchObject({ min: Infinity, max: -Infinity });
  });

  it('copies a whole row (buckets, +Inf, sum, count) and writes its label text', () => {
    const table = new HistogramTable([1, 2]);
    const a = table.addRow(owner('a'), PLAIN_ROW);
    const b = table.addRow(owner('b'), { outcome: 'failure', errorType: 'E', suffix: ',operation_outcome="failure",error_type="E"' });
    table.record(b, 1.5);
    table.record(b, 9);
    table.record(a, 0.5);
    const into = new Float64Array(table.stride);
    table.copyRow(b, into);
    expect(Array.from(into)).toEqual([0, 1, 1, 10.5, 2]);
    table.copyRow(a, into);
    expect(Array.from(into)).toEqual([1, 0, 0, 0.5, 1]);
    expect(table.rowLabels(a)).toBe('operation_name="a"');
    expect(table.rowLabels(b)).toBe('operation_name="b",operation_outcome="failure",error_type="E"');
  });

  it('writes each row\'s line prefix, rows added after the first scrape included, and a new one for another name', () => {
    const table = new HistogramTable([1]);
    const a = table.addRow(owner('a'), PLAIN_ROW);
    expect(table.rowPrefix(a, 'x_bucket{')).toBe('x_bucket{operation_name="a"');
    const b = table.addRow(owner('b'), { outcome: 'failure', errorType: 'E', suffix: ',operation_outcome="failure",error_type="E"' });
    expect(table.rowPrefix(b, 'x_bucket{')).toBe('x_bucket{operation_name="b",operation_outcome="failure",error_type="E"');
    expect(table.rowPrefix(a, 'x_bucket{')).toBe('x_bucket{operation_name="a"');
    expect(table.rowPrefix(a, 'y_bucket{')).toBe('y_bucket{operation_name="a"');
    expect(table.rowPrefix(b, 'y_bucket{')).toBe('y_bucket{operation_name="b",operation_outcome="failure",error_type="E"');
    // Rows asked for out of order (a later row first) still get their own text.
    const c = table.addRow(owner('c'), PLAIN_ROW);
    const d = table.addRow(owner('d'), PLAIN_ROW);
    expect(table.rowPrefix(d, 'z{')).toBe('z{operation_name="d"');
    expect([table.rowPrefix(c, 'z{'), table.rowPrefix(a, 'z{')]).toEqual(['z{operation_name="c"', 'z{operation_name="a"']);
  });

  it('keeps the latest exemplar per bucket from the active span, only when exemplars are on', async () => {
    const { context, trace, TraceFlags } = await import('@opentelemetry/api');
    // A minimal synchronous context manager: the test needs context.with() to set the active span.
    let current = context.active();
    const manager = {
      active: () => current,
      with: (ctx: typeof current, fn: (...a: unknown[]) => unknown, thisArg?: unknown, ...args: unknown[]) => {
        const prev = current;
        current = ctx;
        try {
          return fn.call(thisArg, ...args);
        } finally {
          current = prev;
        }
      },
      bind: <T>(_ctx: unknown, target: T) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    };
    context.setGlobalContextManager(manager as never);
    try {
      const span = (traceId: string, spanId: string) => trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
      const on = new HistogramTable([1, 2], true);
      const off = new HistogramTable([1, 2]);
      const r = on.addRow(owner(), PLAIN_ROW);
      const q = off.addRow(owner(), PLAIN_ROW);
      on.record(r, 0.5); // no active span: no exemplar
      expect(on.exemplarsOf(r)).toBeUndefined();
      const t1 = 'a'.repeat(32);
      const t2 = 'b'.repeat(32);
      context.with(span(t1, '1'.repeat(16)), () => on.record(r, 1.5));
      context.with(span(t2, '2'.repeat(16)), () => on.record(r, 1.75));
      context.with(span(t1, '4'.repeat(16)), () => on.record(r, 9)); // +Inf bucket: kept beside bucket 1's
      context.with(span('0'.repeat(32), '0'.repeat(16)), () => on.record(r, 5)); // invalid span context: ignored
      context.with(span(t1, '3'.repeat(16)), () => off.record(q, 1.5));
      const ex = on.exemplarsOf(r)!;
      expect(ex.traceIds).toEqual(['', t2, t1]);
      expect(ex.spanIds).toEqual(['', '2'.repeat(16), '4'.repeat(16)]);
      expect(Array.from(ex.values)).toEqual([0, 1.75, 9]);
      expect(ex.times[1]).toBeGreaterThan(0);
      expect(ex.times[0]).toBe(0);
      expect(off.exemplarsOf(q)).toBeUndefined();
      expect(off.exemplars).toBeNull();
    } finally {
      context.disable();
    }
  });

  it('sees a context manager registered after recording began, and its removal', async () => {
    const { context, trace, TraceFlags } = await import('@opentelemetry/api');
    const { AlsContextManager } = await import('../../../../test/core/alsContextManager');
    const table = new HistogramTable([1], true);
    const r = table.addRow(owner(), PLAIN_ROW);
    const inSpan = (fn: () => void) => context.with(trace.setSpanContext(context.active(), { traceId: 'c'.repeat(32), spanId: '5'.repeat(16), traceFlags: TraceFlags.SAMPLED }), fn);
    context.disable(); // no manager: the fast path skips the lookup
    inSpan(() => table.record(r, 0.5));
    expect(table.exemplarsOf(r)).toBeUndefined();
    context.setGlobalContextManager(new AlsContextManager());
    // Until the API's registry of globals exists, it is looked for once every REGISTRY_RECHECK_RECORDS records.
    for (let i = 0; i <= REGISTRY_RECHECK_RECORDS; i++) inSpan(() => table.record(r, 0.5));
    expect(table.exemplarsOf(r)!.spanIds[0]).toBe('5'.repeat(16));
    context.disable();
    inSpan(() => table.record(r, 2));
    expect(table.exemplarsOf(r)!.spanIds[1]).toBe('');
  });

  it('looks for the API registry once every REGISTRY_RECHECK_RECORDS records while there is none, then sees a manager', async () => {
    const { context, trace, TraceFlags } = await import('@opentelemetry/api');
    const { AlsContextManager } = await import('../../../../test/core/alsContextManager');
    // The registry of @opentelemetry/api globals outlives every test; this one starts from a process without it.
    const KEY = Symbol.for('opentelemetry.js.api.1');
    const g = globalThis as Record<symbol, unknown>;
    const saved = g[KEY];
    delete g[KEY];
    try {
      let Fresh!: typeof HistogramTable;
      jest.isolateModules(() => {
        Fresh = (require('../../src/store/HistogramTable') as { HistogramTable: typeof HistogramTable }).HistogramTable;
      });
      const table = new Fresh([1], true);
      const r = table.addRow(owner(), PLAIN_ROW);
      table.record(r, 0.5); // no registry: looked for, not found; the next look is REGISTRY_RECHECK_RECORDS records away
      expect(table.exemplarsOf(r)).toBeUndefined();
      context.setGlobalContextManager(new AlsContextManager()); // makes the registry
      const inSpan = () => context.with(trace.setSpanContext(context.active(), { traceId: 'd'.repeat(32), spanId: '6'.repeat(16), traceFlags: TraceFlags.SAMPLED }), () => table.record(r, 0.5));
      for (let i = 1; i < REGISTRY_RECHECK_RECORDS; i++) inSpan();
      expect(table.exemplarsOf(r)).toBeUndefined(); // 1,023 records later: not looked for yet
      inSpan(); // the 1,024th: looked for again, and found
      expect(table.exemplarsOf(r)!.spanIds[0]).toBe('6'.repeat(16));
    } finally {
      context.disable();
      g[KEY] = saved;
    }
  });
});
