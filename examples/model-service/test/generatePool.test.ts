import { once } from 'node:events';
import { createPerfkit, GuardAbortedError } from '@perfkit/core';
import { createGeneratePool, type GenerateJob } from '../src/generatePool';
import { soon, until, watchWorkerJobs } from './helpers/workerJobs';

/** Blocks its worker for ten minutes: only an abort ends it within a test. */
const STUCK: GenerateJob = { model: 'm', prompt: 'p', completionTokens: 1, durationMs: 600_000 };
const QUICK: GenerateJob = { model: 'm', prompt: 'four', completionTokens: 2, durationMs: 0 };

/** A one-worker pool with its first worker loaded (a quick job served), the jobs its workers are given, and `occupy()`. */
async function setup() {
  const perf = createPerfkit({ serviceName: 'generate-pool-test', prometheus: { serve: false }, logLevel: 'none' });
  const pool = createGeneratePool(perf, { size: 1, queueTimeoutMs: 600_000, timeoutMs: 600_000 });
  const watch = watchWorkerJobs();
  const first = await pool.generate(QUICK);
  /** Starts a job that blocks the worker, and resolves once the worker has it. */
  const occupy = async () => {
    const caller = new AbortController();
    const running = pool.generate(STUCK, caller.signal);
    await until('the stuck job to reach the worker', () => watch.jobs.length === 2);
    return { caller, running, worker: watch.jobs[1]!.worker };
  };
  const close = async () => {
    watch.restore();
    await pool.close();
    await perf.shutdown();
  };
  return { perf, pool, jobs: watch.jobs, firstWorkerId: first.workerId, occupy, close };
}

const CALLER_ABORTED = 'perfkit_guard_rejections_total{guard="generate",reason="caller_aborted"}';

describe('createGeneratePool', () => {
  it('serves a job on a worker, with or without a signal', async () => {
    const { pool, jobs, close } = await setup();
    try {
      const output = await pool.generate(QUICK, new AbortController().signal);
      // prompt 'four': ceil(4 / 4) = 1 token; text is made of up to 64 words, one per token.
      expect(output).toMatchObject({ model: 'm', promptTokens: 1, completionTokens: 2 });
      expect(output.text.split(' ')).toHaveLength(2);
      expect(jobs).toHaveLength(2);
      expect(pool.stats()).toMatchObject({ completed: 2, rejected: 0, workerRestarts: 0 });
    } finally {
      await close();
    }
  });

  it('never gives a worker a queued job whose signal aborts, and counts it as caller_aborted', async () => {
    const { perf, pool, jobs, occupy, close } = await setup();
    try {
      const stuck = await occupy();
      const waiting = new AbortController();
      const queued = pool.generate(QUICK, waiting.signal);
      await until('the second job to queue', () => pool.stats().queued === 1);

      waiting.abort(new Error('client left'));
      await expect(soon('the queued job to reject', queued)).rejects.toMatchObject({ name: 'GuardAbortedError', code: 'PERFKIT_ERR_GUARD_ABORTED', phase: 'queued', cause: new Error('client left') });
      expect(pool.stats()).toMatchObject({ queued: 0, inFlight: 1, rejected: 1 });
      expect(await perf.metrics()).toContain(`${CALLER_ABORTED} 1\n`);

      stuck.caller.abort(new Error('client left'));
      await expect(soon('the running job to reject', stuck.running)).rejects.toBeInstanceOf(GuardAbortedError);
      await until('the slot to be released', () => pool.stats().inFlight === 0);
      await pool.generate(QUICK);
      expect(jobs).toHaveLength(3); // the first quick job, the stuck one and the last: never the aborted one
    } finally {
      await close();
    }
  });

  it('terminates the worker of a running job whose signal aborts and serves the next job on its replacement', async () => {
    const { pool, jobs, firstWorkerId, occupy, close } = await setup();
    try {
      const { caller, running, worker } = await occupy();
      const exited = once(worker, 'exit');

      caller.abort(new Error('client left'));
      await expect(soon('the running job to reject', running)).rejects.toMatchObject({ code: 'PERFKIT_ERR_GUARD_ABORTED', phase: 'running' });
      await soon('the worker to exit', exited);
      await until('the slot to be released', () => pool.stats().inFlight === 0);
      expect(pool.stats()).toMatchObject({ workerRestarts: 1, timedOut: 0, rejected: 0 });

      const next = await pool.generate(QUICK);
      expect(next.workerId).not.toBe(firstWorkerId);
      expect(jobs).toHaveLength(3);
    } finally {
      await close();
    }
  });

  it.each([
    ['aborted before the call', () => AbortSignal.abort(new Error('gone')), 'PERFKIT_ERR_GUARD_ABORTED'],
    ['a look-alike of a signal', () => ({ aborted: false, addEventListener() {} }) as unknown as AbortSignal, 'PERFKIT_ERR_GUARD_INVALID_ARGUMENT'],
    ['null', () => null as unknown as AbortSignal, 'PERFKIT_ERR_GUARD_INVALID_ARGUMENT'],
  ])('rejects a job whose signal is %s without giving it to a worker, and keeps serving', async (_, signal, code) => {
    const { pool, jobs, close } = await setup();
    try {
      await expect(pool.generate(QUICK, signal())).rejects.toMatchObject({ code });
      expect(jobs).toHaveLength(1);
      await pool.generate(QUICK);
      expect(jobs).toHaveLength(2);
      expect(pool.stats().workerRestarts).toBe(0);
    } finally {
      await close();
    }
  });
});
