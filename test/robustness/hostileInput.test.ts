import fc from 'fast-check';
import { createPerfkit, DROP_REASONS, METRICS, type Perfkit } from '@perfkit/core';
import { parseExposition, valueOf } from './helpers/expositionParser';
import { throwingGetters } from './helpers/hostile';
import { action, apply } from './helpers/recordActions';
import { RecordModel, type FigureName, type ModelSeries } from './helpers/RecordModel';

function setup() {
  const loggerCalls = { count: 0 };
  const explode = () => {
    loggerCalls.count++;
    throw new Error('a logger that throws');
  };
  const perf = createPerfkit({
    serviceName: 'hostile',
    prometheus: { serve: false },
    operationTypes: { indexing: { buckets: [0.01, 0.1, 1] } },
    // Timers left open on purpose would make every shutdown() wait its full drain time.
    shutdownTimeoutMs: 0,
    logLevel: 'debug',
    logger: { error: explode, warn: explode, info: explode, debug: explode },
  });
  const model = new RecordModel();
  model.types.add('indexing');
  return { perf, model, loggerCalls };
}

async function check(perf: Perfkit, model: RecordModel): Promise<void> {
  const snap = perf.snapshot();
  for (const reason of DROP_REASONS) expect([reason, snap.drops[reason]]).toEqual([reason, model.drops[reason]]);
  const got = new Map<string, Record<string, number>>();
  for (const s of snap.series) {
    const key = JSON.stringify([s.type, s.name]);
    const row = got.get(key) ?? {};
    row[s.outcome] = (row[s.outcome] ?? 0) + s.count;
    got.set(key, row);
    if (s.errorType !== undefined) expect(s.errorType).toMatch(/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/);
  }
  for (const [key, m] of model.series) {
    const row = got.get(key) ?? {};
    for (const [outcome, n] of Object.entries(m.outcomes)) expect([key, outcome, row[outcome] ?? 0]).toEqual([key, outcome, n]);
    checkFigures(snap.figures.find((f) => f.type === m.type && f.name === m.name)?.values, m);
  }
  const active = perf.activeOperations();
  for (const m of model.series.values()) {
    const found = active.find((x) => x.type === m.type && x.name === m.name)?.active ?? 0;
    expect([m.type, m.name, found]).toEqual([m.type, m.name, m.active]);
  }
  for (const openMetrics of [false, true]) {
    const text = await perf.metrics({ openMetrics });
    const exp = parseExposition(text, { openMetrics });
    const dropped = openMetrics ? METRICS.droppedMeasurements.prom : METRICS.droppedMeasurements.prom;
    for (const reason of DROP_REASONS) expect(valueOf(exp, dropped, { reason })).toBe(model.drops[reason]);
    const integrity = `${METRICS.healthCheckIntegrityScore.prom}_count`;
    for (const m of model.series.values()) {
      const n = valueOf(exp, integrity, { operation_type: m.type, operation_name: m.name }) ?? 0;
      expect([m.type, m.name, n]).toEqual([m.type, m.name, m.scores[0]]);
    }
  }
}

function checkFigures(values: Record<string, number> | undefined, m: ModelSeries): void {
  for (const [figure, expected] of Object.entries(m.figures) as Array<[FigureName, number]>) {
    expect([m.type, m.name, figure, values?.[figure]]).toEqual([m.type, m.name, figure, expected]);
  }
}

describe('the record path under hostile input', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));

  it('never throws into user code, drops and counts what it cannot record, and counts the rest when thousands of random calls arrive', async () => {
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 10, maxLength: 60, size: 'max' }), async (actions) => {
        const { perf, model } = setup();
        const pending: Array<Promise<void>> = [];
        const open: unknown[] = [];
        try {
          for (const a of actions) {
            const p = apply(perf, model, a, open);
            calls++;
            if (p) pending.push(p);
          }
          await Promise.all(pending);
          await check(perf, model);
        } finally {
          await perf.shutdown();
        }
      }),
      { numRuns: 300, seed: Number(process.env.PERFKIT_FC_SEED ?? Date.now() % 2 ** 31) },
    );
    process.stdout.write(`[robustness] hostile input: ${calls} random calls\n`);
    expect(calls).toBeGreaterThan(3000);
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
  });

  it('passes back without throwing a Proxy whose traps throw, a Proxy posing as a promise and a promise with its own then', async () => {
    const { perf } = setup();
    const op = perf.operation('download', 'odd');
    const trap = throwingGetters();
    expect(op.track(() => trap)).toBe(trap);
    const posing = new Proxy(Promise.resolve(1), {});
    const ownThen = Object.assign(Promise.resolve(2), { then: (ok: (v: number) => void) => ok(3) });
    let results: unknown[] = [];
    expect(() => {
      results = [op.track(() => posing), op.track(() => ownThen)];
    }).not.toThrow();
    const settled = await Promise.allSettled(results);
    expect(settled[1]).toEqual({ status: 'fulfilled', value: 3 });
    const counts = perf.snapshot().series.filter((x) => x.name === 'odd').reduce((n, x) => n + x.count, 0);
    expect(counts).toBe(3);
    expect(perf.activeOperations()).toEqual([]);
    await perf.shutdown();
  });

  it('writes +Inf (not Infinity) on the wire when a counter overflows past Number.MAX_VALUE', async () => {
    const { perf } = setup();
    const op = perf.operation('download', 'huge');
    op.addBytes(Number.MAX_VALUE);
    op.addBytes(Number.MAX_VALUE);
    op.record(Number.MAX_VALUE);
    op.record(Number.MAX_VALUE);
    for (const openMetrics of [false, true]) {
      const exp = parseExposition(await perf.metrics({ openMetrics }), { openMetrics });
      expect(valueOf(exp, METRICS.downloadBytes.prom, { operation_name: 'huge' })).toBe(Infinity);
      expect(valueOf(exp, `${METRICS.operationDuration.prom}_sum`, { operation_name: 'huge' })).toBe(Infinity);
    }
    await perf.shutdown();
  });

  it('keeps recording and scraping after shutdown without throwing when a caller holds a handle past shutdown()', async () => {
    const { perf } = setup();
    const op = perf.operation('download', 'late');
    await perf.shutdown();
    await perf.shutdown();
    expect(() => {
      op.track(() => 1);
      op.record(1);
      op.start().end();
      perf.operation('download', 'later').addBytes(5);
    }).not.toThrow();
    expect(perf.snapshot().drops.invalid_value).toBe(0);
  });
});
