import { MAX_PENDING_SLOTS } from '../../src/operations/PendingSlots';
import { runWithCore } from '../guards/coreChild';
import { perfkitPerTest } from './perfkitPerTest';

// Async track() past the reusable handlers, promises that cannot be chained, the durations of failures and
// explicit outcomes read against the test's own clock, and hostile outcomes (mutation testing, issue 18).
const newPerfkit = perfkitPerTest();

function setup() {
  const perf = newPerfkit();
  const row = (name: string, outcome: string) => perf.snapshot().series.find((s) => s.name === name && s.outcome === outcome);
  return { perf, row };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OperationHandle.track past its reusable promise handlers', () => {
  it('still times, passes through and counts the promises awaited beyond the pool, and their failures', async () => {
    const { perf, row } = setup();
    const op = perf.operation('download', 'many');
    const releases: Array<() => void> = [];
    const held = Array.from({ length: MAX_PENDING_SLOTS }, () => op.track(() => new Promise<void>((r) => releases.push(r))));
    const err = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    const t0 = performance.now();
    const beyondOk = op.track(async () => {
      await sleep(20);
      return 'value';
    });
    const beyondFail = op.track(async () => {
      await sleep(20);
      throw err;
    });
    expect(perf.activeOperations()).toEqual([{ type: 'download', name: 'many', active: MAX_PENDING_SLOTS + 2 }]);
    await expect(beyondOk).resolves.toBe('value');
    await expect(beyondFail).rejects.toBe(err);
    const elapsed = (performance.now() - t0) / 1000;
    expect(perf.activeOperations()).toEqual([{ type: 'download', name: 'many', active: MAX_PENDING_SLOTS }]);
    const failed = row('many', 'failure')!;
    expect([failed.count, failed.errorType]).toEqual([1, 'ECONNRESET']);
    expect(failed.sum).toBeGreaterThanOrEqual(0.015);
    expect(failed.sum).toBeLessThanOrEqual(elapsed);
    const ok = row('many', 'success')!;
    expect(ok.count).toBe(1);
    expect(ok.sum).toBeGreaterThanOrEqual(0.015);
    expect(ok.sum).toBeLessThanOrEqual(elapsed);
    for (const release of releases) release();
    await Promise.all(held);
    expect(row('many', 'success')!.count).toBe(MAX_PENDING_SLOTS + 1);
    expect(perf.activeOperations()).toEqual([]);
  });

  it('returns a native promise it cannot chain (its species constructor throws) as it is, timed as sync work', async () => {
    const { perf, row } = setup();
    class Unchainable<T> extends Promise<T> {
      static override get [Symbol.species](): PromiseConstructor {
        throw new Error('no species');
      }
    }
    const op = perf.operation('download', 'unchainable');
    const p = new Unchainable<number>((r) => r(1));
    expect(op.track(() => p)).toBe(p);
    expect(row('unchainable', 'success')!.count).toBe(1);
    expect(perf.activeOperations()).toEqual([]);
    // Once every reusable handler is taken, the fallback path meets the same promise: same answer.
    const releases: Array<() => void> = [];
    const held = Array.from({ length: MAX_PENDING_SLOTS }, () => op.track(() => new Promise<void>((r) => releases.push(r))));
    expect(op.track(() => p)).toBe(p);
    expect(row('unchainable', 'success')!.count).toBe(2);
    expect(perf.activeOperations()).toEqual([{ type: 'download', name: 'unchainable', active: MAX_PENDING_SLOTS }]);
    for (const release of releases) release();
    await Promise.all(held);
    expect(perf.activeOperations()).toEqual([]);
  });

  it('puts back the reusable handler it took for a promise it could not chain', async () => {
    const { perf, row } = setup();
    const op = perf.operation('download', 'released');
    // Chaining reads the promise's constructor (its species) after a handler was taken: here that read throws.
    const p = Promise.resolve(1);
    Object.defineProperty(p, 'constructor', {
      get(): never {
        throw new Error('constructor getter');
      },
    });
    expect(op.track(() => p)).toBe(p);
    // A native promise with a `then` of its own is not chained either.
    const q = Promise.resolve(2);
    const ownThen = (): undefined => undefined;
    Object.defineProperty(q, 'then', { value: ownThen });
    expect(op.track(() => q)).toBe(q);
    expect(q.then).toBe(ownThen);
    expect(await op.track(() => Promise.resolve(3))).toBe(3);
    expect(row('released', 'success')!.count).toBe(3);
    // The last operation reused the handler the others gave back: one made in all (three had they leaked).
    expect((op as unknown as { pending: { size: number } }).pending.size).toBe(1);
  });
});

describe('OperationHandle.track with a native promise whose then cannot be read', () => {
  it('returns it as it is, timed as sync work, without chaining on it', () => {
    const { perf, row } = setup();
    const p = Promise.resolve(1);
    Object.defineProperty(p, 'then', {
      get(): never {
        throw new Error('then getter');
      },
    });
    expect(perf.operation('download', 'getter').track(() => p)).toBe(p);
    expect(row('getter', 'success')!.count).toBe(1);
    expect(perf.activeOperations()).toEqual([]);
  });
});

describe('OperationHandle durations of failures and explicit outcomes', () => {
  it('records a thrown error, fail() and end({ outcome }) in seconds, within what the test itself measured', async () => {
    const { perf, row } = setup();
    const op = perf.operation('download', 'timed');
    const t0 = performance.now();
    await expect(
      op.track(async () => {
        await sleep(20);
        throw new RangeError('late');
      }),
    ).rejects.toThrow(RangeError);
    const timer = op.start();
    const failing = op.start();
    await sleep(20);
    const ended = timer.end({ outcome: 'timeout' });
    const failedAfter = failing.fail(new TypeError('x'));
    const elapsed = (performance.now() - t0) / 1000;
    for (const [outcome, errorType, sum] of [['failure', 'RangeError', -1], ['timeout', undefined, ended], ['failure', 'TypeError', failedAfter]] as const) {
      const s = perf.snapshot().series.find((x) => x.name === 'timed' && x.outcome === outcome && x.errorType === errorType)!;
      expect(s.count).toBe(1);
      expect(s.sum).toBeGreaterThanOrEqual(0.015);
      expect(s.sum).toBeLessThanOrEqual(elapsed);
      if (sum >= 0) expect(s.sum).toBe(sum);
    }
    expect(row('timed', 'success')!.count).toBe(0);
  });
});

describe('OperationHandle outcomes that are not strings', () => {
  it('drops an outcome that only converts to a known one, or whose conversion throws, without throwing', () => {
    const { perf } = setup();
    const op = perf.operation('fallback', 'hostile');
    const looksLikeTimeout = { toString: () => 'timeout' };
    const throwsOnConversion = {
      toString(): string {
        throw new Error('toString');
      },
    };
    for (const outcome of [looksLikeTimeout, ['timeout'], throwsOnConversion, Symbol('timeout'), null, 1]) {
      expect(() => op.record(1, { outcome } as never)).not.toThrow();
      expect(() => op.start().end({ outcome } as never)).not.toThrow();
    }
    expect(perf.snapshot().drops.invalid_value).toBe(12);
    expect(perf.snapshot().series.filter((s) => s.name === 'hostile').map((s) => `${s.outcome} ${s.count}`)).toEqual(['success 0']);
    expect(perf.activeOperations()).toEqual([]);
  });
});

// Jest's sandbox takes unhandled rejections for itself: a plain Node child reports what Node itself sees.
const UNHANDLED_SCRIPT = `
const { createPerfkit } = require(process.env.PERFKIT_CORE_BUNDLE);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const seen = [];
process.on('unhandledRejection', (reason) => seen.push(reason instanceof Error ? reason.message : String(reason)));
async function during(body) {
  seen.length = 0;
  body();
  await sleep(20);
  return [...seen];
}
(async () => {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  const op = perf.operation('download', 'dropped');
  const fail = (msg) => async () => { throw new Error(msg); };
  const out = {};
  out.bare = await during(() => void fail('bare')());
  out.slot = await during(() => void op.track(fail('slot')));
  const releases = [];
  const held = Array.from({ length: 256 }, () => op.track(() => new Promise((r) => releases.push(r))));
  out.closures = await during(() => void op.track(fail('closures')));
  for (const release of releases) release();
  await Promise.all(held);
  const caught = [];
  out.handled = await during(() => void op.track(fail('handled')).catch((e) => caught.push(e.message)));
  out.caught = caught;
  out.failures = perf.snapshot().series.filter((s) => s.outcome === 'failure').reduce((n, s) => n + s.count, 0);
  await perf.shutdown();
  process.stdout.write(JSON.stringify(out));
})();
`;

describe('OperationHandle.track and the rejections the caller handles or leaves', () => {
  it('leaves a rejection the caller never handles unhandled, once, and makes none of a handled one', () => {
    expect(MAX_PENDING_SLOTS).toBe(256); // the script fills the reusable handlers to reach the closures
    // Without perfkit, an async function's rejection left alone is one unhandled rejection. perfkit must neither
    // swallow it (a chained handler that does not rethrow marks the caller's promise handled) nor add a second one.
    expect(JSON.parse(runWithCore(UNHANDLED_SCRIPT, {}, 60_000))).toEqual({
      bare: ['bare'],
      slot: ['slot'],
      closures: ['closures'],
      handled: [],
      caught: ['handled'],
      failures: 3,
    });
  });
});
