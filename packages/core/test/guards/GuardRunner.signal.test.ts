import { getEventListeners } from 'node:events';
import { createPerfkit, GuardError, GuardTimeoutError, type GuardOptions } from '@perfkit/core';
import { GuardAbortedError } from '../../src/guards/GuardErrors';
import { deferred } from './deferred';

const T = 'model_operation';
const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

function setup(options: Partial<GuardOptions> = {}) {
  const perf = createPerfkit({ serviceName: 'guard-signal-test', prometheus: { serve: false }, logLevel: 'none' });
  const guard = perf.guard({ name: 'gen', maxConcurrent: 1, ...options });
  const series = (name: string, outcome: string) => perf.snapshot().series.find((s) => s.name === name && s.outcome === outcome);
  const rejected = async (reason: string) => {
    const line = (await perf.metrics()).split('\n').find((l) => l.startsWith(`perfkit_guard_rejections_total{guard="gen",reason="${reason}"} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  return { perf, guard, series, rejected };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
/** What a promise settled with, without awaiting it (undefined: not settled yet). */
function watch<T>(promise: Promise<T>) {
  const state: { value?: T; error?: unknown; isSettled: boolean } = { isSettled: false };
  promise.then(
    (value) => Object.assign(state, { value, isSettled: true }),
    (error: unknown) => Object.assign(state, { error, isSettled: true }),
  );
  return state;
}
/** Only `performance` (and the timers, when asked) are faked: a queue wait is then an exact number of milliseconds. */
const fakeClock = (withTimers = false) =>
  jest.useFakeTimers({
    doNotFake: ['Date', 'hrtime', 'nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate', ...(withTimers ? [] : (['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] as const))],
  });

afterEach(() => jest.useRealTimers());

describe('GuardRunner.runWith', () => {
  it('runs like run() without a signal: the arguments untouched after the work signal, the operation recorded', async () => {
    const { perf, guard, series } = setup();
    const keywords = { temperature: 0.2 };
    const seen = await guard.runWith({ type: T, name: 'plain' }, (signal, prompt: string, kw: typeof keywords) => [signal.aborted, prompt, kw], 'hi', keywords);
    expect(seen).toEqual([false, 'hi', keywords]);
    expect(seen[2]).toBe(keywords);
    expect(series('plain', 'success')?.count).toBe(1);
    await expect(guard.runWith({ type: T, name: 'plain', signal: undefined }, async () => 'ok')).resolves.toBe('ok');
    await perf.shutdown();
  });

  describe('a signal that aborted before the call', () => {
    it('rejects at once with the caller reason as cause: never queued, never run, counted, recorded as cancelled', async () => {
      const { perf, guard, series, rejected } = setup({ maxQueue: 5 });
      const gate = deferred();
      const busy = guard.run(T, 'busy', () => gate.promise);
      const caller = new AbortController();
      const why = new Error('client closed the connection');
      caller.abort(why);
      let isRun = false;
      const result = watch(guard.runWith({ type: T, name: 'gone', signal: caller.signal }, () => (isRun = true)));
      expect(guard.stats()).toMatchObject({ queued: 0, inFlight: 1, rejected: 1 });
      await flush();
      expect(result.error).toBeInstanceOf(GuardAbortedError);
      expect(result.error).toBeInstanceOf(GuardError);
      expect(result.error).toMatchObject({ code: 'PERFKIT_ERR_GUARD_ABORTED', outcome: 'cancelled', phase: 'before_call', guard: 'gen', cause: why });
      expect((result.error as Error).message).toBe(`guard "gen" stopped ${T}/gone: the caller's signal was aborted before the call`);
      expect(listeners(caller.signal)).toBe(0);
      gate.resolve(undefined);
      await busy;
      await flush();
      expect(isRun).toBe(false);
      expect(series('gone', 'cancelled')).toMatchObject({ count: 1, sum: 0 });
      expect(series('gone', 'rejected')).toBeUndefined();
      expect(await rejected('caller_aborted')).toBe(1);
      // Not waited: no queue wait recorded for it (one wait, 0 s, the busy run's).
      expect(guard.stats().queueWait.counts.reduce((a, b) => a + b, 0)).toBe(1);
      await perf.shutdown();
    });

    it('is refused as caller_aborted even on a guard that is shut down or full', async () => {
      const { perf, guard } = setup({ maxQueue: 0 });
      const gate = deferred();
      const busy = guard.run(T, 'busy', () => gate.promise);
      const signal = AbortSignal.abort('gone');
      await expect(guard.runWith({ type: T, name: 'x', signal }, () => 1)).rejects.toMatchObject({ phase: 'before_call', cause: 'gone' });
      guard.shutdown();
      await expect(guard.runWith({ type: T, name: 'x', signal }, () => 1)).rejects.toMatchObject({ phase: 'before_call' });
      gate.resolve(undefined);
      await busy;
      await perf.shutdown();
    });
  });

  describe('a caller that aborts while its call waits in the queue', () => {
    it('leaves the queue at once, freeing its place for the next caller, and never runs', async () => {
      const { perf, guard, rejected } = setup({ maxQueue: 1 });
      const gate = deferred();
      const busy = guard.run(T, 'busy', () => gate.promise);
      const caller = new AbortController();
      let isRun = false;
      const result = watch(guard.runWith({ type: T, name: 'left', signal: caller.signal }, () => (isRun = true)));
      expect(guard.stats().queued).toBe(1);
      expect(listeners(caller.signal)).toBe(1);
      const why = new DOMException('deadline', 'TimeoutError');
      caller.abort(why);
      // Synchronously: the queue is empty and its one place can be taken at once.
      expect(guard.stats()).toMatchObject({ queued: 0, inFlight: 1, rejected: 1 });
      expect(listeners(caller.signal)).toBe(0);
      const next = guard.run(T, 'next', () => 'next ran');
      expect(guard.stats().queued).toBe(1);
      await flush();
      expect(result.error).toMatchObject({ code: 'PERFKIT_ERR_GUARD_ABORTED', phase: 'queued', cause: why });
      expect((result.error as Error).message).toBe(`guard "gen" stopped ${T}/left: the caller's signal was aborted while it waited for a slot`);
      gate.resolve(undefined);
      await busy;
      await expect(next).resolves.toBe('next ran');
      expect(isRun).toBe(false);
      expect(await rejected('caller_aborted')).toBe(1);
      expect(await rejected('queue_full')).toBe(0);
      await perf.shutdown();
    });

    it('leaves from the middle of the queue; the others start in their order', async () => {
      const { perf, guard } = setup({ maxQueue: 10 });
      const gate = deferred();
      const busy = guard.run(T, 'busy', () => gate.promise);
      const started: number[] = [];
      const callers = [0, 1, 2, 3, 4].map(() => new AbortController());
      const runs = callers.map((c, i) => guard.runWith({ type: T, name: 'q', signal: c.signal }, () => started.push(i) && i).catch((e: GuardAbortedError) => e.phase));
      callers[2]!.abort();
      callers[3]!.abort();
      expect(guard.stats().queued).toBe(3);
      gate.resolve(undefined);
      await busy;
      expect(await Promise.all(runs)).toEqual([0, 1, 'queued', 'queued', 4]);
      expect(started).toEqual([0, 1, 4]);
      expect(callers.map((c) => listeners(c.signal))).toEqual([0, 0, 0, 0, 0]);
      await perf.shutdown();
    });

    it('records its wait, from the call to the abort, in the queue-wait histogram and as a cancelled operation', async () => {
      fakeClock();
      const { perf, guard, series } = setup({ maxQueue: 1 });
      jest.advanceTimersByTime(1000);
      const gate = deferred();
      const busy = guard.run(T, 'busy', () => gate.promise);
      const caller = new AbortController();
      const left = guard.runWith({ type: T, name: 'left', signal: caller.signal }, () => 'never').catch(() => 'left');
      jest.advanceTimersByTime(40);
      caller.abort();
      expect(await left).toBe('left');
      // Waits: 0 s (busy: first bucket), 0.04 s (le 0.05: fifth bucket).
      expect(guard.stats().queueWait.counts).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      expect(series('left', 'cancelled')!.sum).toBeCloseTo(0.04, 9);
      gate.resolve(undefined);
      await busy;
      await perf.shutdown();
    });

    it('stops its queue timer: an abort before queueTimeoutMs is a caller abort, never also a queue timeout', async () => {
      fakeClock(true);
      const { perf, guard, rejected } = setup({ maxQueue: 1, queueTimeoutMs: 100 });
      const gate = deferred();
      const busy = guard.run(T, 'busy', () => gate.promise);
      const caller = new AbortController();
      const left = guard.runWith({ type: T, name: 'left', signal: caller.signal }, () => 'never').catch((e: GuardError) => e.code);
      jest.advanceTimersByTime(99);
      caller.abort();
      jest.advanceTimersByTime(1000);
      expect(await left).toBe('PERFKIT_ERR_GUARD_ABORTED');
      expect([await rejected('caller_aborted'), await rejected('queue_timeout')]).toEqual([1, 0]);
      gate.resolve(undefined);
      await busy;
      jest.useRealTimers();
      await perf.shutdown();
    });
  });

  describe('a caller that aborts while its work runs', () => {
    it("aborts the work's signal with the caller's reason and answers the caller at once; the slot is held until the work ends", async () => {
      const { perf, guard, series } = setup({ maxQueue: 1 });
      const caller = new AbortController();
      const stubborn = deferred<string>();
      let workSignal: AbortSignal | undefined;
      const result = watch(
        guard.runWith({ type: T, name: 'running', signal: caller.signal }, (signal) => {
          workSignal = signal;
          return stubborn.promise;
        }),
      );
      let isNextRun = false;
      const next = guard.run(T, 'next', () => (isNextRun = true));
      const why = { reason: 'client went away' };
      caller.abort(why);
      expect(workSignal?.aborted).toBe(true);
      expect(workSignal?.reason).toBe(why);
      await flush();
      expect(result.error).toMatchObject({ code: 'PERFKIT_ERR_GUARD_ABORTED', outcome: 'cancelled', phase: 'running', cause: why });
      expect((result.error as Error).message).toBe(
        `guard "gen" stopped ${T}/running: the caller's signal was aborted while it ran (the work's signal was aborted with the caller's reason)`,
      );
      // The work ignores its signal: it still holds the slot, is still active, and nothing is recorded yet.
      expect(guard.stats()).toMatchObject({ inFlight: 1, queued: 1, completed: 0, rejected: 0, timedOut: 0 });
      expect(perf.activeOperations()).toContainEqual({ type: T, name: 'running', active: 1 });
      expect(series('running', 'cancelled')).toBeUndefined();
      expect(isNextRun).toBe(false);
      expect(listeners(caller.signal)).toBe(0);
      stubborn.resolve('late value nobody waits for');
      await expect(next).resolves.toBe(true);
      // Recorded once, when the work really ended, as cancelled: neither success nor failure nor timeout.
      expect(series('running', 'cancelled')?.count).toBe(1);
      expect(['success', 'failure', 'timeout'].map((o) => series('running', o)?.count ?? 0)).toEqual([0, 0, 0]);
      expect(guard.stats()).toMatchObject({ inFlight: 0, completed: 2, rejected: 0, timedOut: 0 });
      await perf.shutdown();
    });

    it('records work that honours the signal (rejects with its reason) as cancelled, not as a failure', async () => {
      const { perf, guard, series } = setup();
      const caller = new AbortController();
      const polite = guard.runWith({ type: T, name: 'polite', signal: caller.signal }, (signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
      );
      caller.abort(new Error('bye'));
      await expect(polite).rejects.toBeInstanceOf(GuardAbortedError);
      await flush();
      expect(series('polite', 'cancelled')?.count).toBe(1);
      expect(perf.snapshot().series.filter((s) => s.name === 'polite' && s.outcome !== 'cancelled' && s.count > 0)).toEqual([]);
      expect(perf.activeOperations()).toEqual([]);
      await perf.shutdown();
    });

    it('stops the timeout: a run the caller aborted is never also counted as timed out', async () => {
      fakeClock(true);
      const { perf, guard, series } = setup({ timeoutMs: 100 });
      const caller = new AbortController();
      const hung = deferred();
      const run = guard.runWith({ type: T, name: 'hung', signal: caller.signal }, () => hung.promise).catch((e: GuardError) => e.code);
      jest.advanceTimersByTime(50);
      caller.abort();
      jest.advanceTimersByTime(500);
      expect(await run).toBe('PERFKIT_ERR_GUARD_ABORTED');
      hung.resolve(undefined);
      await flush();
      expect(guard.stats()).toMatchObject({ timedOut: 0, completed: 1, inFlight: 0 });
      expect(series('hung', 'timeout')).toBeUndefined();
      expect(series('hung', 'cancelled')?.count).toBe(1);
      jest.useRealTimers();
      await perf.shutdown();
    });

    it('changes nothing when the caller aborts after a timeout, or after the run settled', async () => {
      fakeClock(true);
      const { perf, guard, series } = setup({ timeoutMs: 100 });
      const caller = new AbortController();
      let workSignal: AbortSignal | undefined;
      const hung = deferred();
      const run = guard.runWith({ type: T, name: 't', signal: caller.signal }, (s) => ((workSignal = s), hung.promise)).catch((e: unknown) => e);
      jest.advanceTimersByTime(100);
      const err = await run;
      expect(err).toBeInstanceOf(GuardTimeoutError);
      expect(listeners(caller.signal)).toBe(0);
      caller.abort('late');
      expect(workSignal?.reason).toBe(err);
      hung.resolve(undefined);
      await flush();
      expect(series('t', 'timeout')?.count).toBe(1);
      expect(series('t', 'cancelled')).toBeUndefined();
      const done = new AbortController();
      await expect(guard.runWith({ type: T, name: 'done', signal: done.signal }, () => 'ok')).resolves.toBe('ok');
      expect(listeners(done.signal)).toBe(0);
      done.abort();
      expect(guard.stats()).toMatchObject({ timedOut: 1, rejected: 0, completed: 2 });
      jest.useRealTimers();
      await perf.shutdown();
    });

    it('aborts work whose own code aborts the caller signal while it runs (sync work included)', async () => {
      const { perf, guard, series } = setup();
      const caller = new AbortController();
      const result = await guard
        .runWith({ type: T, name: 'self', signal: caller.signal }, (signal) => {
          caller.abort('from inside');
          return signal.reason;
        })
        .catch((e: GuardAbortedError) => [e.phase, e.cause]);
      expect(result).toEqual(['running', 'from inside']);
      expect(series('self', 'cancelled')?.count).toBe(1);
      expect(guard.stats()).toMatchObject({ inFlight: 0, completed: 1 });
      await perf.shutdown();
    });
  });

  describe('the moment a slot frees', () => {
    it('withdraws a call whose caller aborts in the microtask just before its dequeue', async () => {
      const { perf, guard, series } = setup();
      const gate = deferred();
      const caller = new AbortController();
      // Registered before the guard's own reaction to the busy work's promise: runs first.
      void gate.promise.then(() => caller.abort('just before'));
      const busy = guard.run(T, 'busy', () => gate.promise);
      let isRun = false;
      const queued = guard.runWith({ type: T, name: 'q', signal: caller.signal }, () => (isRun = true)).catch((e: GuardAbortedError) => e.phase);
      gate.resolve(undefined);
      await busy;
      expect(await queued).toBe('queued');
      expect(isRun).toBe(false);
      expect(series('q', 'cancelled')?.count).toBe(1);
      expect(guard.stats()).toMatchObject({ inFlight: 0, queued: 0, completed: 1, rejected: 1 });
      await perf.shutdown();
    });

    it('aborts the work of a call whose caller aborts in the microtask just after its start', async () => {
      const { perf, guard, series } = setup();
      const gate = deferred();
      const caller = new AbortController();
      const busy = guard.run(T, 'busy', () => gate.promise);
      let workSignal: AbortSignal | undefined;
      const work = deferred();
      const queued = guard.runWith({ type: T, name: 'q', signal: caller.signal }, (s) => ((workSignal = s), work.promise)).catch((e: GuardAbortedError) => e.phase);
      // Registered after the guard's reaction: the slot is freed and the queued call started first.
      void gate.promise.then(() => caller.abort('just after'));
      gate.resolve(undefined);
      expect(await queued).toBe('running');
      expect(workSignal?.reason).toBe('just after');
      expect(guard.stats()).toMatchObject({ inFlight: 1, rejected: 0 });
      work.resolve(undefined);
      await busy;
      await flush();
      expect(series('q', 'cancelled')?.count).toBe(1);
      expect(guard.stats()).toMatchObject({ inFlight: 0, completed: 2 });
      await perf.shutdown();
    });

    it('withdraws a queued call whose caller is aborted by work started in the same hand-over', async () => {
      const { perf, guard } = setup({ maxConcurrent: 2, maxQueue: 5 });
      const gates = [deferred(), deferred()];
      const busy = gates.map((g) => guard.run(T, 'busy', () => g.promise));
      const later = new AbortController();
      const started: string[] = [];
      const first = guard.run(T, 'b', () => {
        started.push('b');
        later.abort('aborted by b');
        return 'b';
      });
      const second = guard.runWith({ type: T, name: 'c', signal: later.signal }, () => started.push('c')).catch((e: GuardAbortedError) => e.phase);
      const third = guard.run(T, 'd', () => started.push('d') && 'd');
      gates[0]!.resolve(undefined);
      await expect(first).resolves.toBe('b');
      expect(await second).toBe('queued');
      gates[1]!.resolve(undefined);
      await Promise.all(busy);
      await expect(third).resolves.toBe('d');
      expect(started).toEqual(['b', 'd']);
      expect(guard.stats()).toMatchObject({ inFlight: 0, queued: 0, rejected: 1, completed: 4 });
      await perf.shutdown();
    });
  });

  describe('one signal shared by many calls', () => {
    it('adds one listener for 1,000 calls, removes it when they settle, and aborts every one still waiting', async () => {
      const { perf, guard, rejected } = setup({ maxConcurrent: 10, maxQueue: 2000 });
      const request = new AbortController();
      const gate = deferred();
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.name);
      process.on('warning', onWarning);
      try {
        const runs = Array.from({ length: 1000 }, (_, i) => guard.runWith({ type: T, name: 'fan', signal: request.signal }, () => gate.promise.then(() => i)));
        expect(listeners(request.signal)).toBe(1);
        expect(guard.stats()).toMatchObject({ inFlight: 10, queued: 990 });
        gate.resolve(undefined);
        const values = await Promise.all(runs);
        expect(values[999]).toBe(999);
        expect(listeners(request.signal)).toBe(0);
        // The same signal again, aborted this time: the 10 running are told, the 990 waiting leave.
        const hold = deferred();
        const seen: unknown[] = [];
        const aborted = Array.from({ length: 1000 }, () =>
          guard
            .runWith({ type: T, name: 'fan', signal: request.signal }, (s) => {
              s.addEventListener('abort', () => seen.push(s.reason));
              return hold.promise;
            })
            .catch((e: GuardAbortedError) => e.phase),
        );
        expect(listeners(request.signal)).toBe(1);
        request.abort('request closed');
        expect(guard.stats()).toMatchObject({ inFlight: 10, queued: 0 });
        const phases = await Promise.all(aborted);
        expect([phases.filter((p) => p === 'running').length, phases.filter((p) => p === 'queued').length]).toEqual([10, 990]);
        expect(seen).toEqual(new Array(10).fill('request closed'));
        expect(listeners(request.signal)).toBe(0);
        hold.resolve(undefined);
        await flush();
        expect(guard.stats()).toMatchObject({ inFlight: 0, queued: 0, completed: 1010, rejected: 990 });
        expect(await rejected('caller_aborted')).toBe(990);
        await flush();
        expect(warnings).toEqual([]);
      } finally {
        process.off('warning', onWarning);
      }
      await perf.shutdown();
    });
  });
});

describe('GuardRunner.runWith under hostile input', () => {
  const code = (p: Promise<unknown>) => p.then(() => 'ran', (e: { code?: string }) => e.code);

  it('rejects (never throws) options it cannot use, and runs nothing', async () => {
    const { perf, guard } = setup();
    let runs = 0;
    const work = () => runs++;
    const throwing = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    const getter = Object.defineProperty({ type: T, name: 'n' }, 'signal', { enumerable: true, get: () => { throw new Error('getter'); } });
    for (const options of [null, undefined, 42, 'model_operation', throwing, getter, { type: T, name: 'n', signl: new AbortController().signal }]) {
      let result: Promise<unknown> | undefined;
      expect(() => (result = guard.runWith(options as never, work))).not.toThrow();
      expect(await code(result!)).toBe('PERFKIT_ERR_GUARD_INVALID_ARGUMENT');
    }
    for (const bad of [42, undefined, {}]) expect(await code(guard.runWith({ type: T, name: 'n' }, bad as never))).toBe('PERFKIT_ERR_GUARD_INVALID_ARGUMENT');
    expect(runs).toBe(0);
    expect(guard.stats()).toMatchObject({ inFlight: 0, queued: 0, completed: 0, rejected: 0 });
    await perf.shutdown();
  });

  it('names the key, the value and what is allowed', async () => {
    const { perf, guard } = setup();
    const message = (p: Promise<unknown>) => p.then(() => 'ran', (e: Error) => `${e.name}: ${e.message}`);
    expect(await message(guard.runWith({ type: T, name: 'n', signl: 'x' } as never, () => 1))).toBe(
      'TypeError: guard "gen": runWith(options, work): options.signl = "x": unknown option; expected one of type, name, signal; did you mean "signal"?',
    );
    expect(await message(guard.runWith(null as never, () => 1))).toBe(
      'TypeError: guard "gen": runWith(options, work) expects options to be an object { type, name, signal? }, got null',
    );
    expect(await message(guard.runWith({ type: T, name: 'n' }, 'fn' as never))).toBe('TypeError: guard "gen": runWith(options, work) expects work to be a function, got string');
    await perf.shutdown();
  });

  it('refuses a signal-like object that is not an AbortSignal', async () => {
    const { perf, guard } = setup();
    const lookalike = { aborted: false, reason: undefined, addEventListener() {}, removeEventListener() {}, throwIfAborted() {} };
    let isRun = false;
    const err = await guard.runWith({ type: T, name: 'n', signal: lookalike as never }, () => (isRun = true)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({ code: 'PERFKIT_ERR_GUARD_INVALID_ARGUMENT' });
    expect((err as Error).message).toBe(
      'guard "gen": runWith(options, work): options.signal = {"aborted":false}: expected an AbortSignal (AbortController#signal, a request signal, AbortSignal.timeout(ms), AbortSignal.any([...])) or undefined',
    );
    for (const signal of [null, 1, 'signal', AbortSignal, Object.create(AbortSignal.prototype), new EventTarget()]) {
      expect(await code(guard.runWith({ type: T, name: 'n', signal: signal as never }, () => (isRun = true)))).toBe('PERFKIT_ERR_GUARD_INVALID_ARGUMENT');
    }
    expect(isRun).toBe(false);
    await perf.shutdown();
  });

  it("reads a signal's own state, not getters put on it: a reason getter that throws, an aborted getter that lies", async () => {
    const { perf, guard } = setup({ maxQueue: 5 });
    const throwing = (signal: AbortSignal) =>
      Object.defineProperty(signal, 'reason', { get: () => { throw new Error('reason getter'); } });
    const before = new AbortController();
    before.abort('real reason');
    throwing(before.signal);
    await expect(guard.runWith({ type: T, name: 'n', signal: before.signal }, () => 1)).rejects.toMatchObject({ phase: 'before_call', cause: 'real reason' });
    const gate = deferred();
    const busy = guard.run(T, 'busy', () => gate.promise);
    const queued = new AbortController();
    throwing(queued.signal);
    // Says aborted when it is not: Node's addAbortListener then calls back at once instead of listening.
    Object.defineProperty(queued.signal, 'aborted', { get: () => true });
    let isRun = false;
    const waiting = guard.runWith({ type: T, name: 'n', signal: queued.signal }, () => (isRun = true)).catch((e: GuardAbortedError) => [e.phase, e.cause]);
    await flush();
    expect(guard.stats()).toMatchObject({ queued: 1, rejected: 1 }); // not aborted by the lie (1: the call above)
    queued.abort('queued reason');
    gate.resolve(undefined);
    await busy;
    // Nothing listened, but the call is looked at again when its turn comes: it is not run.
    expect(await waiting).toEqual(['queued', 'queued reason']);
    expect(isRun).toBe(false);
    expect(guard.stats()).toMatchObject({ queued: 0, inFlight: 0, rejected: 2, completed: 1 });
    await perf.shutdown();
  });

  it('rejects a signal behind a proxy that refuses to be listened to', async () => {
    const { perf, guard } = setup();
    const real = new AbortController().signal;
    const proxy = new Proxy(real, {
      get: (target, key) => {
        if (key === 'addEventListener') throw new Error('trap');
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    let isRun = false;
    const err = await guard.runWith({ type: T, name: 'n', signal: proxy }, () => (isRun = true)).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'PERFKIT_ERR_GUARD_INVALID_ARGUMENT' });
    expect(err.message).toBe('guard "gen": runWith(options, work): options.signal cannot be listened to (a proxy whose trap threw?)');
    expect([isRun, guard.stats().rejected, guard.stats().inFlight]).toEqual([false, 0, 0]);
    await perf.shutdown();
  });

  it('hears the abort even when an earlier listener stops its propagation', async () => {
    const { perf, guard } = setup();
    const gate = deferred();
    const busy = guard.run(T, 'busy', () => gate.promise);
    const caller = new AbortController();
    caller.signal.addEventListener('abort', (event) => event.stopImmediatePropagation());
    const waiting = guard.runWith({ type: T, name: 'n', signal: caller.signal }, () => 'ran').catch((e: GuardAbortedError) => e.phase);
    caller.abort();
    expect(guard.stats().queued).toBe(0);
    expect(await waiting).toBe('queued');
    gate.resolve(undefined);
    await busy;
    await perf.shutdown();
  });
});
