import { createPerfkit, GuardRejectedError, GuardTimeoutError, type GuardOptions } from '@perfkit/core';
import { deferred } from './deferred';

const T = 'model_operation';

function setup(options: Partial<GuardOptions> = {}) {
  const perf = createPerfkit({ serviceName: 'guard-test', prometheus: { serve: false }, logLevel: 'none' });
  const guard = perf.guard({ name: 'gen', maxConcurrent: 1, ...options });
  const series = (name: string, outcome: string) => perf.snapshot().series.find((s) => s.name === name && s.outcome === outcome);
  return { perf, guard, series };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('GuardRunner', () => {
  describe('work and arguments', () => {
    it('runs sync work at once and resolves with its value', async () => {
      const { perf, guard, series } = setup();
      let isRun = false;
      const result = guard.run(T, 'sync', () => {
        isRun = true;
        return 42;
      });
      expect(isRun).toBe(true);
      await expect(result).resolves.toBe(42);
      expect(series('sync', 'success')?.count).toBe(1);
      await perf.shutdown();
    });

    it('passes the arguments untouched after the signal, with no `this`', async () => {
      const { perf, guard } = setup();
      const keywords = { temperature: 0.2, stop: ['\n'] };
      const seen = await guard.run(
        T,
        'args',
        function (this: unknown, signal: AbortSignal, prompt: string, kw: typeof keywords, extra: undefined) {
          // eslint-disable-next-line prefer-rest-params
          return { count: arguments.length, signal, prompt, kw, extra, self: this };
        },
        'hello',
        keywords,
        undefined,
      );
      expect(seen.count).toBe(4);
      expect(seen.signal).toBeInstanceOf(AbortSignal);
      expect(seen.prompt).toBe('hello');
      expect(seen.kw).toBe(keywords);
      expect(keywords).toEqual({ temperature: 0.2, stop: ['\n'] });
      expect(seen.extra).toBeUndefined();
      expect(seen.self).toBeUndefined();
      await perf.shutdown();
    });

    it('resolves async work and foreign thenables, and returns a function result as is', async () => {
      const { perf, guard } = setup();
      await expect(guard.run(T, 'async', async (_s, n: number) => n + 1, 1)).resolves.toBe(2);
      await expect(guard.run(T, 'thenable', () => ({ then: (res: (v: number) => void) => res(7) }))).resolves.toBe(7);
      const fn = () => 'inner';
      await expect(guard.run(T, 'fn', () => fn)).resolves.toBe(fn);
      await perf.shutdown();
    });

    it('passes a thrown error through unchanged when work throws sync, rejects, or throws a non-error', async () => {
      const { perf, guard, series } = setup();
      class ModelError extends Error {
        readonly detail = { tokens: 3 };
      }
      const sync = new ModelError('sync');
      const async = new ModelError('async');
      await expect(
        guard.run(T, 'fails', () => {
          throw sync;
        }),
      ).rejects.toBe(sync);
      await expect(guard.run(T, 'fails', async () => Promise.reject(async))).rejects.toBe(async);
      await expect(
        guard.run(T, 'fails', () => {
          throw 'plain string';
        }),
      ).rejects.toBe('plain string');
      await expect(
        guard.run(T, 'fails', () => {
          throw undefined;
        }),
      ).rejects.toBeUndefined();
      const failures = perf.snapshot().series.filter((s) => s.name === 'fails' && s.outcome === 'failure');
      expect(failures.find((s) => s.errorType === 'ModelError')?.count).toBe(2);
      expect(series('fails', 'success')?.count ?? 0).toBe(0);
      expect(guard.stats()).toMatchObject({ inFlight: 0, completed: 4 });
      await perf.shutdown();
    });

    it('rejects (never throws) when work is not a function, and still runs work with an unknown type or a huge name', async () => {
      const { perf, guard } = setup();
      for (const bad of [42, undefined, null, 'fn', {}, NaN]) {
        let result: Promise<unknown> | undefined;
        expect(() => (result = guard.run(T, 'x', bad as never))).not.toThrow();
        await expect(result).rejects.toThrow(/expects work to be a function/);
      }
      await expect(guard.run('no_such_type', 'x', () => 'ran')).resolves.toBe('ran');
      await expect(guard.run(T, 'n'.repeat(100_000), () => 'ran')).resolves.toBe('ran');
      await expect(guard.run(NaN as never, Infinity as never, () => 'ran')).resolves.toBe('ran');
      const drops = perf.snapshot().drops;
      expect(drops.unknown_operation_type + drops.invalid_name).toBeGreaterThanOrEqual(3);
      await perf.shutdown();
    });
  });

  describe('concurrency and queue', () => {
    it('starts queued work in FIFO order and refuses past maxQueue at once', async () => {
      const { perf, guard, series } = setup({ maxConcurrent: 1, maxQueue: 3 });
      const gate = deferred();
      const started: number[] = [];
      const first = guard.run(T, 'q', () => gate.promise);
      const queued = [1, 2, 3].map((i) => guard.run(T, 'q', () => started.push(i) && i));
      const overflow = guard.run(T, 'q', () => started.push(99));
      let refusal: unknown;
      overflow.catch((err: unknown) => (refusal = err));
      await Promise.resolve();
      await Promise.resolve();
      expect(refusal).toBeInstanceOf(GuardRejectedError);
      expect(refusal).toMatchObject({ code: 'PERFKIT_ERR_GUARD_REJECTED', reason: 'queue_full', outcome: 'rejected', guard: 'gen' });
      expect(guard.stats()).toMatchObject({ inFlight: 1, queued: 3, utilization: 1, rejected: 1 });
      expect(started).toEqual([]);
      gate.resolve('first');
      await expect(first).resolves.toBe('first');
      await expect(Promise.all(queued)).resolves.toEqual([1, 2, 3]);
      expect(started).toEqual([1, 2, 3]);
      expect(series('q', 'rejected')?.count).toBe(1);
      expect(guard.stats()).toMatchObject({ inFlight: 0, queued: 0, utilization: 0, completed: 4 });
      await perf.shutdown();
    });

    it('never runs more than maxConcurrent at once and starts waiters in arrival order', async () => {
      const { perf, guard } = setup({ maxConcurrent: 3, maxQueue: 50 });
      let running = 0;
      let peak = 0;
      const started: number[] = [];
      const work = async (_signal: AbortSignal, i: number) => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
        running--;
        return i;
      };
      const all = Array.from({ length: 30 }, (_, i) => guard.run(T, 'many', work, i));
      await expect(Promise.all(all)).resolves.toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(peak).toBe(3);
      expect(started).toEqual(Array.from({ length: 30 }, (_, i) => i));
      await perf.shutdown();
    });

    it('refuses at once when all slots are busy and maxQueue is 0', async () => {
      const { perf, guard } = setup({ maxConcurrent: 2, maxQueue: 0 });
      const gate = deferred();
      const busy = [guard.run(T, 'z', () => gate.promise), guard.run(T, 'z', () => gate.promise)];
      await expect(guard.run(T, 'z', () => 'never')).rejects.toMatchObject({ reason: 'queue_full' });
      gate.resolve(undefined);
      await Promise.all(busy);
      await perf.shutdown();
    });

    it('refuses queued work past queueTimeoutMs and never runs it', async () => {
      const { perf, guard, series } = setup({ maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 30 });
      const gate = deferred();
      const blocker = guard.run(T, 'qt', () => gate.promise);
      let isRun = false;
      const waiter = guard.run(T, 'qt', () => (isRun = true));
      await expect(waiter).rejects.toMatchObject({ reason: 'queue_timeout', code: 'PERFKIT_ERR_GUARD_REJECTED' });
      expect(guard.stats().queued).toBe(0);
      gate.resolve('done');
      await blocker;
      await flush();
      expect(isRun).toBe(false);
      expect(series('qt', 'rejected')?.sum).toBeGreaterThanOrEqual(0.029);
      await perf.shutdown();
    });

    it('survives 20000 queued sync tasks without deep recursion', async () => {
      const { perf, guard } = setup({ maxConcurrent: 1, maxQueue: 50000 });
      const gate = deferred();
      const blocker = guard.run(T, 'deep', () => gate.promise);
      const all = Array.from({ length: 20000 }, (_, i) => guard.run(T, 'deep', () => i));
      gate.resolve(undefined);
      await blocker;
      const values = await Promise.all(all);
      expect(values[19999]).toBe(19999);
      await perf.shutdown();
    });
  });

  describe('timeouts', () => {
    it('rejects a hung task with GuardTimeoutError when timeoutMs is up, not a millisecond before', async () => {
      // Fake timers: the deadline is read exactly, whatever the machine's load (a real 200 ms timer fires late under load).
      jest.useFakeTimers({ doNotFake: ['Date', 'hrtime', 'nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate'] });
      try {
        const { perf, guard, series } = setup({ timeoutMs: 200 });
        let signal: AbortSignal | undefined;
        let settled = false;
        const result = guard
          .run(T, 'hung', (s) => {
            signal = s;
            return new Promise(() => {});
          })
          .catch((e: unknown) => e)
          .finally(() => (settled = true));
        jest.advanceTimersByTime(199);
        await flush();
        expect(settled).toBe(false);
        expect(signal?.aborted).toBe(false);
        jest.advanceTimersByTime(1);
        const err = await result;
        expect(err).toBeInstanceOf(GuardTimeoutError);
        expect(err).toMatchObject({ code: 'PERFKIT_ERR_GUARD_TIMEOUT', outcome: 'timeout', timeoutMs: 200 });
        expect(signal?.aborted).toBe(true);
        expect(signal?.reason).toBe(err);
        expect(guard.stats().timedOut).toBe(1);
        // The hung work never ends: it is still running, and nothing is recorded as finished.
        expect(perf.activeOperations()).toContainEqual({ type: T, name: 'hung', active: 1 });
        expect(series('hung', 'timeout')?.count ?? 0).toBe(0);
        jest.useRealTimers(); // shutdown waits (bounded, on a real timer) for the hung operation
        await perf.shutdown();
      } finally {
        jest.useRealTimers();
      }
    });

    it('keeps work that ignores the signal active and holding its slot until it really ends', async () => {
      const { perf, guard, series } = setup({ timeoutMs: 50, maxQueue: 1 });
      const stubborn = deferred<string>();
      const outcome = guard.run(T, 'stubborn', () => stubborn.promise);
      let isNextRun = false;
      const next = guard.run(T, 'next', () => (isNextRun = true));
      await expect(outcome).rejects.toBeInstanceOf(GuardTimeoutError);
      expect(perf.activeOperations()).toContainEqual({ type: T, name: 'stubborn', active: 1 });
      expect(guard.stats()).toMatchObject({ inFlight: 1, queued: 1 });
      expect(isNextRun).toBe(false);
      stubborn.resolve('late');
      await expect(next).resolves.toBe(true);
      expect(perf.activeOperations().find((a) => a.name === 'stubborn')).toBeUndefined();
      const timedOut = series('stubborn', 'timeout');
      expect(timedOut?.count).toBe(1);
      expect(timedOut?.sum).toBeGreaterThanOrEqual(0.049);
      expect(series('stubborn', 'success')?.count ?? 0).toBe(0);
      await perf.shutdown();
    });

    it('lets work that honours the signal stop, and records the timeout once', async () => {
      const { perf, guard, series } = setup({ timeoutMs: 30 });
      const work = (signal: AbortSignal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      await expect(guard.run(T, 'polite', work)).rejects.toBeInstanceOf(GuardTimeoutError);
      await flush();
      expect(perf.activeOperations()).toEqual([]);
      expect(series('polite', 'timeout')?.count).toBe(1);
      expect(perf.snapshot().series.filter((s) => s.name === 'polite' && s.outcome === 'failure')).toEqual([]);
      await perf.shutdown();
    });

    it('does not time out work that finishes in time', async () => {
      const { perf, guard } = setup({ timeoutMs: 1000 });
      await expect(guard.run(T, 'quick', async () => 'ok')).resolves.toBe('ok');
      expect(guard.stats().timedOut).toBe(0);
      await perf.shutdown();
    });
  });

  describe('shutdown', () => {
    it('refuses queued and new work after perf.shutdown() and lets running work finish', async () => {
      const { perf, guard } = setup({ maxQueue: 2 });
      const gate = deferred<string>();
      const running = guard.run(T, 's', () => gate.promise);
      const queued = guard.run(T, 's', () => 'never');
      const queuedRefused = expect(queued).rejects.toMatchObject({ reason: 'shut_down' });
      // shutdown() waits (up to shutdownTimeoutMs) for the running work; the queued work is refused at once.
      const closing = perf.shutdown();
      await queuedRefused;
      await expect(guard.run(T, 's', () => 'never')).rejects.toMatchObject({ reason: 'shut_down' });
      gate.resolve('finished');
      await closing;
      await perf.shutdown();
      await expect(running).resolves.toBe('finished');
    });

    it('refuses the runs of a guard created after perf.shutdown()', async () => {
      const { perf } = setup();
      await perf.shutdown();
      const late = perf.guard({ name: 'late', maxConcurrent: 1 });
      let isRun = false;
      await expect(late.run(T, 'late', () => (isRun = true))).rejects.toMatchObject({ reason: 'shut_down' });
      expect(isRun).toBe(false);
    });
  });
});

describe('GuardRunner accounting (mutation testing, issue 18)', () => {
  afterEach(() => jest.useRealTimers());

  it('reports every stat by hand-counted runs, queue waits from the run call to its start or refusal', async () => {
    // Only `performance` is faked: a queue wait is then an exact number of milliseconds.
    jest.useFakeTimers({ doNotFake: ['Date', 'hrtime', 'nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const { perf, guard } = setup({ maxConcurrent: 4, maxQueue: 1 });
    jest.advanceTimersByTime(1000); // the clock no longer reads 0: a wait is the difference of two readings
    const gates = [deferred(), deferred(), deferred(), deferred(), deferred()];
    const runs = gates.map((g) => guard.run(T, 'acct', () => g.promise).catch((e: { reason: string }) => e.reason));
    const full = await guard.run(T, 'acct', () => 'never').catch((e: { reason: string }) => e.reason);
    expect(full).toBe('queue_full');
    const zeros = new Array(15).fill(0);
    // Four start at once (wait 0: first bucket), the fifth waits, the sixth is refused at once (no wait recorded).
    expect(guard.stats()).toEqual({
      name: 'gen', inFlight: 4, queued: 1, utilization: 1, completed: 0, rejected: 1, timedOut: 0, resourceAborts: 0, peakMemoryGrowthBytes: 0,
      queueWait: { bounds: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], counts: [4, ...zeros.slice(1)] },
    });
    jest.advanceTimersByTime(30);
    gates[0]!.resolve('a');
    await flush();
    // The fifth started after 30 ms: 0.03 s lies in (0.025, 0.05], the fifth bucket.
    expect(guard.stats()).toMatchObject({ inFlight: 4, queued: 0, utilization: 1, completed: 1, queueWait: { counts: [4, 0, 0, 0, 1, ...zeros.slice(5)] } });
    gates[1]!.resolve('b');
    gates[2]!.resolve('c');
    gates[3]!.resolve('d');
    await flush();
    expect(guard.stats()).toMatchObject({ inFlight: 1, queued: 0, utilization: 0.25, completed: 4, rejected: 1 });
    gates[4]!.resolve('e');
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(guard.stats()).toMatchObject({ inFlight: 0, utilization: 0, completed: 5 });
    // Nothing of a finished run is kept (the guard maps queued runs to their queue entries).
    expect((guard as unknown as { entries: Map<unknown, unknown> }).entries.size).toBe(0);
    await perf.shutdown();
  });

  it('records the wait of work refused at shutdown or after its queue timeout, and not of work refused at once', async () => {
    jest.useFakeTimers({ doNotFake: ['Date', 'hrtime', 'nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate'] });
    const { perf, guard, series } = setup({ maxConcurrent: 1, maxQueue: 2, queueTimeoutMs: 100 });
    const gate = deferred();
    const running = guard.run(T, 'w', () => gate.promise);
    const expires = guard.run(T, 'w', () => 'x').catch((e: { reason: string }) => e.reason);
    jest.advanceTimersByTime(60);
    const closed = guard.run(T, 'w', () => 'y').catch((e: { reason: string }) => e.reason);
    jest.advanceTimersByTime(40); // the first waiter's 100 ms are up
    expect(await expires).toBe('queue_timeout');
    jest.advanceTimersByTime(20);
    guard.shutdown(); // the second waiter has waited 60 ms
    expect(await closed).toBe('shut_down');
    expect(await guard.run(T, 'w', () => 'z').catch((e: { reason: string }) => e.reason)).toBe('shut_down');
    gate.resolve('done');
    await running;
    // Waits: 0 (started at once), 0.1 (le 0.1, 6th bucket), 0.06 (le 0.1), none for the run refused after shutdown.
    expect(guard.stats().queueWait.counts).toEqual([1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(guard.stats().rejected).toBe(3);
    // The refused runs are recorded as operations with outcome "rejected": 0.1 + 0.06 + 0 s.
    expect(series('w', 'rejected')).toMatchObject({ count: 3 });
    expect(series('w', 'rejected')!.sum).toBeCloseTo(0.16, 9);
    expect((guard as unknown as { entries: Map<unknown, unknown> }).entries.size).toBe(0); // refused runs are not kept
    await perf.shutdown();
  });

  it('says why it refused, in words, for each reason', async () => {
    const { perf, guard } = setup({ maxConcurrent: 2, maxQueue: 1, queueTimeoutMs: 20 });
    const gate = deferred();
    const busy = [guard.run(T, 'm', () => gate.promise), guard.run(T, 'm', () => gate.promise)];
    const message = (p: Promise<unknown>) => p.then(() => 'ran', (e: Error) => e.message);
    const waiting = message(guard.run(T, 'm', () => 'x'));
    expect(await message(guard.run(T, 'm', () => 'x'))).toBe('guard "gen" refused model_operation/m: all 2 slots are busy and the queue is full (maxQueue 1)');
    expect(await waiting).toBe('guard "gen" refused model_operation/m: it waited 20 ms for one of 2 slots (queueTimeoutMs)');
    const queued = message(guard.run(T, 'm', () => 'x'));
    guard.shutdown();
    expect(await queued).toBe('guard "gen" refused model_operation/m: the guard has been shut down');
    expect(await message(guard.run(T, 'm', () => 'x'))).toBe('guard "gen" refused model_operation/m: the guard has been shut down');
    expect(await message(guard.run(T, 'm', 42 as never))).toBe('guard "gen": run(type, name, work) expects work to be a function, got number');
    gate.resolve(undefined);
    await Promise.all(busy);
    await perf.shutdown();
  });
});
