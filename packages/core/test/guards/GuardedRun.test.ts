import { createPerfkit, GuardResourceError, GuardTimeoutError } from '@perfkit/core';
import { GuardedRun, type RunOwner } from '../../src/guards/GuardedRun';
import { newGuardCounts } from '../../src/guards/GuardMetrics';
import type { MemorySampler } from '../../src/guards/MemorySampler';
import type { Operation } from '../../src/types';
import { runWithCore } from './coreChild';

const T = 'model_operation';

// Jest installs its own unhandled-rejection handling inside the test sandbox, so the check runs in a plain Node
// child process: core is bundled from its sources, and the child reports every 'unhandledRejection' it sees.
const SCENARIO = `
const core = require(process.env.PERFKIT_CORE_BUNDLE);
const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(String((reason && reason.message) || reason)));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const T = 'model_operation';
(async () => {
  const perf = core.createPerfkit({ serviceName: 'unhandled-check', prometheus: { serve: false }, logLevel: 'none' });
  const a = perf.guard({ name: 'queue', maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 30, timeoutMs: 20 });
  const b = perf.guard({ name: 'timeout', maxConcurrent: 4, timeoutMs: 20 });
  const c = perf.guard({ name: 'memory', maxConcurrent: 1, memoryBudgetMb: 16 });
  const d = perf.guard({ name: 'shutdown', maxConcurrent: 1 });
  const names = (list) => list.map((o) => (o.status === 'rejected' ? (o.reason && o.reason.name) || String(o.reason) : 'ok:' + o.value));
  const held = [];
  const running = d.run(T, 'running', () => sleep(50).then(() => 'done'));
  const queued = d.run(T, 'queued', () => 'never');
  const results = await Promise.allSettled([
    // Times out, then rejects with its own error long after the caller has moved on (holds its slot until then).
    a.run(T, 'late-reject', () => new Promise((_r, reject) => setTimeout(() => reject(new Error('late')), 60))),
    a.run(T, 'queue-timeout', () => 'never'),
    a.run(T, 'queue-full', () => 'never'),
    // Times out, then rejects with the abort reason.
    b.run(T, 'reason', (signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason)))),
    // A memory hog aborted mid-way whose promise rejects afterwards.
    c.run(T, 'hog', async (signal) => {
      for (let i = 0; i < 200 && !signal.aborted; i++) {
        held.push(Buffer.alloc(1048576, 1));
        await sleep(1);
      }
      throw new Error('stopped after abort');
    }),
    b.run(T, 'sync-throw', () => { throw new Error('sync'); }),
    b.run(T, 'getter', () => ({ get then() { throw new Error('then getter'); } })),
    b.run(T, 'twice', () => ({ then: (ok, fail) => (ok(1), fail(new Error('second'))) })),
    b.run(T, 'not-a-function', 42),
    // The caller leaves while its work runs; the work rejects later with the caller's reason.
    (() => {
      const caller = new AbortController();
      const p = b.runWith({ type: T, name: 'caller-running', signal: caller.signal }, (signal) =>
        new Promise((_r, reject) => signal.addEventListener('abort', () => setTimeout(() => reject(signal.reason), 5))));
      caller.abort(new Error('left while running'));
      return p;
    })(),
    // The caller leaves while its call waits; then a bad signal.
    (() => {
      const caller = new AbortController();
      const p = d.runWith({ type: T, name: 'caller-queued', signal: caller.signal }, () => 'never');
      caller.abort(new Error('left while queued'));
      return p;
    })(),
    b.runWith({ type: T, name: 'bad-signal', signal: { aborted: false } }, () => 'never'),
    perf.shutdown().then(() => d.run(T, 'after-shutdown', () => 'never')),
    queued,
    running,
  ]);
  held.length = 0;
  if (process.env.CONTROL) Promise.reject(new Error('control'));
  await sleep(100);
  const active = perf.activeOperations();
  process.stdout.write(JSON.stringify({ outcomes: names(results), unhandled, active }));
})();
`;

function runScenario(env: Record<string, string> = {}): { outcomes: string[]; unhandled: string[]; active: unknown[] } {
  return JSON.parse(runWithCore(SCENARIO, env));
}

function setup() {
  const perf = createPerfkit({ serviceName: 'guarded-run-test', prometheus: { serve: false }, logLevel: 'none' });
  return { perf };
}

describe('GuardedRun', () => {
  it('leaves no promise unhandled: aborted work rejecting later, refusals, bad thenables, callers that left, shutdown', () => {
    const result = runScenario();
    expect(result.outcomes).toEqual([
      'GuardTimeoutError',
      'GuardRejectedError',
      'GuardRejectedError',
      'GuardTimeoutError',
      'GuardResourceError',
      'Error',
      'Error',
      'ok:1',
      'TypeError',
      'GuardAbortedError',
      'GuardAbortedError',
      'TypeError',
      'GuardRejectedError',
      'GuardRejectedError',
      'ok:done',
    ]);
    expect(result.unhandled).toEqual([]);
    expect(result.active).toEqual([]);
  });

  it('sees an unhandled rejection when there is one (so the check above can fail)', () => {
    expect(runScenario({ CONTROL: '1' }).unhandled).toEqual(['control']);
  });

  it('aborts the signal with the error the caller gets, and only once', async () => {
    const { perf } = setup();
    const guard = perf.guard({ name: 'once', maxConcurrent: 1, timeoutMs: 10 });
    let aborts = 0;
    let signal: AbortSignal | undefined;
    const err = await guard
      .run(T, 'abort', (s) => {
        signal = s;
        s.addEventListener('abort', () => aborts++);
        return new Promise((resolve) => setTimeout(resolve, 40));
      })
      .catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(err).toBeInstanceOf(GuardTimeoutError);
    expect(signal?.reason).toBe(err);
    expect(aborts).toBe(1);
    expect(guard.stats()).toMatchObject({ timedOut: 1, completed: 1, inFlight: 0 });
    await perf.shutdown();
  });
});

/**
 * One GuardedRun with a fake owner and operation: what it records (end, fail, record) and tells its owner, step by
 * step; `exceed` plays the memory sampler calling the watch with (rss growth, heap growth) in bytes.
 */
function direct(
  options: { timeoutMs?: number; memoryBudgetMb?: number },
  work: (signal: AbortSignal, ...args: unknown[]) => unknown,
  args: unknown[] = [],
  callerSignal?: AbortSignal,
) {
  const log: string[] = [];
  let exceed: ((rss: number, heap: number) => void) | undefined;
  const memory = options.memoryBudgetMb === undefined ? undefined : ({
    watch: (cb: (rss: number, heap: number) => void) => {
      exceed = cb;
      log.push('watch');
      return () => log.push('unwatch');
    },
  } as unknown as MemorySampler);
  const owner: RunOwner = {
    name: 'g',
    options: { name: 'g', maxConcurrent: 1, maxQueue: 0, memorySampleIntervalMs: 10, ...options },
    counts: newGuardCounts('g', 1),
    memory,
    release: () => log.push('release'),
    withdraw: (_run, reason) => log.push(`withdraw:${String(reason)}`),
  };
  const operation = {
    start: () => ({ end: (o?: { outcome?: string }) => (log.push(`end:${o?.outcome ?? 'success'}`), 0), fail: (e: unknown) => (log.push(`fail:${String(e)}`), 0), isEnded: false }),
    record: (s: number, o?: { outcome?: string }) => log.push(`record:${s}:${o?.outcome}`),
  } as unknown as Operation;
  const settled: string[] = [];
  const run = new GuardedRun(
    owner,
    operation,
    't',
    'n',
    work,
    args,
    (v) => settled.push(`ok:${String(v)}`),
    (e) => settled.push(`err:${(e as Error).name ?? String(e)}`),
    callerSignal,
  );
  return { run, log, settled, owner, exceed: (rss: number, heap: number) => exceed!(rss, heap) };
}

describe('GuardedRun step by step (mutation testing, issue 18)', () => {
  it('ends sync work at once: value, release, no watch without a budget', () => {
    for (const value of [7, null, undefined, 'text']) {
      const { run, log, settled, owner } = direct({}, () => value);
      run.start();
      expect([log, settled, owner.counts.completed]).toEqual([['end:success', 'release'], [`ok:${String(value)}`], 1]);
    }
  });

  it('adopts a thenable function as a promise, and returns a plain function as it is', async () => {
    const thenable = Object.assign(() => 'not called', { then: (ok: (v: string) => void) => ok('adopted') });
    const adopted = direct({}, () => thenable);
    adopted.run.start();
    const plain = () => 'plain';
    const returned = direct({}, () => plain);
    returned.run.start();
    await new Promise((resolve) => setImmediate(resolve));
    expect(adopted.settled).toEqual(['ok:adopted']);
    expect(returned.settled).toEqual([`ok:${String(plain)}`]);
  });

  it('passes the signal first and the arguments after it', () => {
    let seen: unknown[] = [];
    const { run } = direct({}, (signal, ...args) => (seen = [signal instanceof AbortSignal, signal.aborted, ...args]), ['a', 2]);
    run.start();
    expect(seen).toEqual([true, false, 'a', 2]);
  });

  it('fails work that throws sync with the thrown value, and settles async work when it settles', async () => {
    const thrown = direct({}, () => {
      throw new RangeError('boom');
    });
    thrown.run.start();
    expect([thrown.log, thrown.settled]).toEqual([['fail:RangeError: boom', 'release'], ['err:RangeError']]);
    const later = direct({}, () => Promise.resolve('v'));
    later.run.start();
    expect(later.log).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect([later.log, later.settled]).toEqual([['end:success', 'release'], ['ok:v']]);
  });

  it('aborts on memory past the budget: the caller gets the error at once, the slot and the timer end with the work', async () => {
    let finish!: () => void;
    const { run, log, settled, owner, exceed } = direct({ memoryBudgetMb: 2 }, (signal) => new Promise<void>((resolve) => (finish = resolve)).then(() => signal.reason));
    run.start();
    expect(log).toEqual(['watch']);
    exceed(3 * 1048576, 1048576);
    expect(settled).toEqual(['err:GuardResourceError']);
    expect([owner.counts.resourceAborts, owner.counts.timedOut, owner.counts.completed]).toEqual([1, 0, 0]);
    expect(log).toEqual(['watch', 'unwatch']);
    exceed(4 * 1048576, 0); // a late reading after the abort changes nothing
    expect(owner.counts.resourceAborts).toBe(1);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    // The work ended after the abort: its duration goes under the abort's outcome, then the slot is released.
    expect(log).toEqual(['watch', 'unwatch', 'end:resource_exceeded', 'release']);
    expect(settled).toEqual(['err:GuardResourceError']);
    expect(owner.counts.completed).toBe(1);
  });

  it('names the budget and the larger growth in the resource error (2 MB budget; 3 MB resident, 1 MB heap)', () => {
    let error: unknown;
    const { run, exceed } = direct({ memoryBudgetMb: 2 }, (signal) => {
      signal.addEventListener('abort', () => (error = signal.reason));
      return new Promise(() => {});
    });
    run.start();
    exceed(3 * 1048576, 1048576);
    expect(error).toBeInstanceOf(GuardResourceError);
    expect(error).toMatchObject({ budgetBytes: 2 * 1048576, rssGrowthBytes: 3 * 1048576, heapGrowthBytes: 1048576 });
    expect((error as Error).message).toBe('guard "g" aborted t/n: process memory grew by 3.0 MB (resident set) while it ran, past its budget of 2.0 MB');
  });

  it('stops watching memory when work ends in time, and records a refusal with its wait and outcome', () => {
    const { run, log } = direct({ memoryBudgetMb: 1, timeoutMs: 50 }, () => 'quick');
    run.start();
    expect(log).toEqual(['watch', 'unwatch', 'end:success', 'release']);
    const refused = direct({}, () => 'never');
    refused.run.refuse(new GuardTimeoutError('g', 't', 'n', 5) as never, 0.25);
    expect([refused.log, refused.settled]).toEqual([['record:0.25:timeout'], ['err:GuardTimeoutError']]);
  });
});

describe('GuardedRun and the caller signal, step by step', () => {
  it('asks its owner to withdraw it when the caller aborts before it started, and stops listening once answered', () => {
    const caller = new AbortController();
    const { run, log, settled } = direct({}, () => 'never', [], caller.signal);
    expect([run.isCallerGone, run.listenToCaller()]).toEqual([false, true]);
    caller.abort('left');
    expect(log).toEqual(['withdraw:left']);
    run.refuse(run.callerGoneError('queued', 'left'), 0.5);
    expect([log, settled]).toEqual([['withdraw:left', 'record:0.5:cancelled'], ['err:GuardAbortedError']]);
    expect(run.isCallerGone).toBe(true);
    expect(run.callerGoneError('before_call')).toMatchObject({ phase: 'before_call', cause: 'left' });
  });

  it('aborts the work with the caller reason while it runs, answers the caller at once, records cancelled when the work ends', async () => {
    const caller = new AbortController();
    let finish!: () => void;
    let workSignal: AbortSignal | undefined;
    const { run, log, settled, owner } = direct({ timeoutMs: 1000 }, (signal) => ((workSignal = signal), new Promise<void>((resolve) => (finish = resolve))), [], caller.signal);
    run.listenToCaller();
    run.start();
    caller.abort('left');
    expect(workSignal?.reason).toBe('left');
    expect(settled).toEqual(['err:GuardAbortedError']);
    expect([owner.counts.timedOut, owner.counts.resourceAborts, owner.counts.completed]).toEqual([0, 0, 0]);
    expect(log).toEqual([]);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['end:cancelled', 'release']);
    expect(owner.counts.completed).toBe(1);
  });

  it('has nothing to do without a caller signal, and answers an argument error without recording anything', () => {
    const { run, log, settled } = direct({}, () => 'x');
    expect([run.isCallerGone, run.listenToCaller()]).toEqual([false, true]);
    run.dismiss(new TypeError('bad'));
    expect([log, settled]).toEqual([[], ['err:TypeError']]);
  });
});
