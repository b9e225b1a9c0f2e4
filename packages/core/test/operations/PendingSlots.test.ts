import { createPerfkit, type Perfkit } from '@perfkit/core';
import { MAX_PENDING_SLOTS, PendingSlots } from '../../src/operations/PendingSlots';

// The async track() path reuses one pair of handlers per slot instead of making closures per call. What must hold:
// each operation is timed from its own start, slots are reused, more operations than slots still all count, and the
// promise the caller gets settles as its own did.

let perfs: Perfkit[] = [];
afterEach(async () => {
  await Promise.all(perfs.map((p) => p.shutdown()));
  perfs = [];
});

function setup() {
  const perf = createPerfkit({ serviceName: 'slots', prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  perf.registerOperationType('job', { buckets: [0.2] });
  const series = (outcome: string) => perf.snapshot().series.filter((s) => s.type === 'job' && s.outcome === outcome);
  return { perf, series };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const tick = () => new Promise((r) => setImmediate(r));

describe('PendingSlots (async track)', () => {
  it('times each operation from its own start when they settle out of order', async () => {
    const { perf, series } = setup();
    const op = perf.operation('job', 'x');
    const a = deferred<string>();
    const b = deferred<string>();
    const trackedA = op.track(() => a.promise);
    spin(300); // A has run 300 ms before B starts
    const trackedB = op.track(() => b.promise);
    b.resolve('b');
    expect(await trackedB).toBe('b');
    a.resolve('a');
    expect(await trackedA).toBe('a');
    // B took well under 200 ms (one microtask, however loaded the machine), A over 300 ms: one in each bucket. Had B
    // been timed from A's start, both would be in +Inf.
    expect(series('success')[0]!.counts).toEqual([1, 1]);
  });

  it('reuses slots: sequential operations need one', async () => {
    const slots = new PendingSlots({ finishSuccess: () => 0, finishFailure: () => 0 });
    for (let i = 0; i < 5; i++) {
      const slot = slots.take(i)!;
      await Promise.resolve(1).then(slot.onFulfilled, slot.onRejected);
    }
    expect(slots.size).toBe(1);
  });

  it('gives overlapping operations their own slot and start time, and none past the cap', async () => {
    const seen: number[] = [];
    const slots = new PendingSlots({ finishSuccess: (t0) => seen.push(t0), finishFailure: (t0) => seen.push(-t0) });
    const a = slots.take(10)!;
    const b = slots.take(20)!;
    expect(b).not.toBe(a);
    await Promise.reject(new Error('x')).then(b.onFulfilled, b.onRejected).catch(() => undefined);
    await Promise.resolve(1).then(a.onFulfilled, a.onRejected);
    expect(seen).toEqual([-20, 10]);
    // Both went back: the next two operations reuse them, and nothing new is made.
    expect([slots.take(30), slots.take(40)]).toEqual(expect.arrayContaining([a, b]));
    while (slots.size < MAX_PENDING_SLOTS) expect(slots.take(0)).not.toBeNull();
    expect(slots.take(0)).toBeNull();
  });

  it('counts every operation, with values and errors passed through, past the slot cap', async () => {
    const { perf, series } = setup();
    const op = perf.operation('job', 'many');
    const n = MAX_PENDING_SLOTS + 44;
    const gates = Array.from({ length: n }, () => deferred<number>());
    const results = gates.map((g, i) => op.track(() => g.promise).then((v) => v, (e: Error) => e.message));
    gates.forEach((g, i) => (i % 3 === 0 ? g.reject(new RangeError(`no ${i}`)) : g.resolve(i)));
    const settled = await Promise.all(results);
    settled.forEach((v, i) => expect(v).toBe(i % 3 === 0 ? `no ${i}` : i));
    const failures = Math.ceil(n / 3);
    expect(series('success')[0]!.count).toBe(n - failures);
    expect(series('failure')[0]).toMatchObject({ count: failures, errorType: 'RangeError' });
    expect(perf.snapshot().active).toEqual([]);
  });

  it('makes no unhandled rejection when the caller handles its own', async () => {
    const { perf } = setup();
    const seen: unknown[] = [];
    const onUnhandled = (reason: unknown) => seen.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const op = perf.operation('job', 'r');
      for (let i = 0; i < 3; i++) await expect(op.track(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      await tick();
      await tick();
      expect(seen).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
