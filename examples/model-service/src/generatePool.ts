import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { Guard, GuardStats, Perfkit } from '@perfkit/core';

/** One generate request for a pool worker; the caller decides the shape of the simulated work. */
export interface GenerateJob {
  /** Model name, echoed back. */
  readonly model: string;
  /** Prompt text (its length sets the prompt token count). */
  readonly prompt: string;
  /** Tokens to produce. */
  readonly completionTokens: number;
  /** How long decoding takes in total, in milliseconds; the worker thread is blocked for that long. */
  readonly durationMs: number;
  /** Memory the worker allocates (and touches) while it decodes, in MB, like a growing KV cache. */
  readonly memoryMb?: number;
  /** Makes the worker fail at the end with this code (the example's failure knob). */
  readonly failWith?: { readonly code: string; readonly message: string };
}

/** What a pool worker returns. */
export interface GenerateOutput {
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly text: string;
  /** Which worker served it. */
  readonly workerId: number;
}

/** Options of {@link createGeneratePool}. */
export interface GeneratePoolOptions {
  /** Worker threads, and the guard's maxConcurrent (default 2). */
  readonly size?: number;
  /** Requests that may wait for a worker (default 32). */
  readonly maxQueue?: number;
  /** Longest wait for a worker, ms (default 2000). */
  readonly queueTimeoutMs?: number;
  /** Longest generate, ms (default 5000); the worker running past it is terminated and replaced. */
  readonly timeoutMs?: number;
  /** Process memory growth allowed while one generate runs, MB (default none). */
  readonly memoryBudgetMb?: number;
  /** Guard name, the `guard` label of the `perfkit_guard_*` metrics (default `generate`). */
  readonly guardName?: string;
  /** Operation name under `model_operation` (default `generate`). */
  readonly operationName?: string;
  /** V8 limits per worker: a second line of defence behind the memory budget. */
  readonly resourceLimits?: ResourceLimits;
}

/** A worker_threads pool for model generate, wrapped by a perfkit guard. */
export interface GeneratePool {
  /** The guard: its metrics show pool wait (`perfkit_guard_queue_wait_seconds`) and utilization. */
  readonly guard: Guard;
  /**
   * Runs one generate on a free worker; rejects with a `Guard*Error` when refused, too slow or too hungry, and with
   * `GuardAbortedError` when `signal` (the caller's) aborts: a queued job then never reaches a worker, a running one's
   * worker is terminated and replaced.
   */
  generate(job: GenerateJob, signal?: AbortSignal): Promise<GenerateOutput>;
  /** Guard counts plus how many workers were replaced. */
  stats(): GuardStats & { readonly size: number; readonly workerRestarts: number };
  /** Refuses new work and terminates every worker. Idempotent. */
  close(): Promise<void>;
}

/** A failure reported by (or about) a pool worker; `code` becomes the operation's `error.type`. */
export class GenerateWorkerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GenerateWorkerError';
  }
}

// Plain JavaScript, run with `eval: true`, so the pool works the same from dist/ and from TypeScript sources under jest.
// Each worker creates perfkit with the service's settings (the main thread's views, limits and exemplars too: a
// thread configured otherwise is merged under the main thread's configuration with a warning): in a worker thread it
// records into the main thread's perfkit (no port, no OTLP of its own), so the tokens a worker decodes are counted
// where they are produced. The worker resolves @perfkit/core itself, with Node's resolver from this file's location
// (the package's `exports`: its built dist/): a path resolved on the main thread goes through jest's module registry
// under jest, which maps the package to its TypeScript sources, and a worker thread (plain Node) cannot load those.
const WORKER_SOURCE = `
const { parentPort, threadId, workerData } = require('node:worker_threads');
let tokensOp = { addTokens() {} };
try {
  const { createPerfkit } = require('node:module').createRequire(workerData.resolveFrom)('@perfkit/core');
  const perf = createPerfkit({ ...workerData.config, prometheus: false });
  tokensOp = perf.operation('model_operation', workerData.operationName);
} catch (err) {
  process.stderr.write('generate worker: perfkit unavailable, tokens are not counted: ' + ((err && err.message) || err) + '\\n');
}
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const WORDS = ['the', 'model', 'weights', 'are', 'loaded', 'and', 'healthy', 'latency', 'stays', 'low', 'tokens', 'flow'];
const W = new Float64Array(64 * 64).map((_, i) => Math.sin(i));
parentPort.postMessage({ ready: true });
parentPort.on('message', ({ id, job }) => {
  try {
    const tokens = Math.max(0, Math.floor(job.completionTokens));
    const perTokenMs = tokens > 0 ? job.durationMs / tokens : 0;
    const bytesPerToken = tokens > 0 ? Math.floor(((job.memoryMb || 0) * 1048576) / tokens) : 0;
    const kvCache = [];
    let state = new Float64Array(64).fill(1 / 64);
    let owed = tokens === 0 ? job.durationMs : 0;
    const words = [];
    for (let t = 0; t < tokens; t++) {
      const next = new Float64Array(64);
      for (let r = 0; r < 64; r++) {
        let sum = 0;
        for (let c = 0; c < 64; c++) sum += W[r * 64 + c] * state[c];
        next[r] = Math.tanh(sum + t * 1e-3);
      }
      state = next;
      if (t < 64) words.push(WORDS[Math.abs(Math.floor(state[t % 64] * 1e6)) % WORDS.length]);
      if (bytesPerToken > 0) kvCache.push(Buffer.alloc(bytesPerToken, 1));
      owed += perTokenMs;
      if (owed >= 1) {
        const ms = Math.floor(owed);
        Atomics.wait(sleeper, 0, 0, ms);
        owed -= ms;
      }
    }
    if (owed >= 1) Atomics.wait(sleeper, 0, 0, Math.floor(owed));
    if (job.failWith) throw Object.assign(new Error(job.failWith.message), { code: job.failWith.code });
    const promptTokens = Math.max(1, Math.ceil(job.prompt.length / 4));
    tokensOp.addTokens(promptTokens + tokens);
    parentPort.postMessage({ id, ok: true, result: { model: job.model, promptTokens, completionTokens: tokens, text: words.join(' '), workerId: threadId } });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, code: String((err && err.code) || 'WORKER_ERROR'), message: String((err && err.message) || err) });
  }
});
`;

interface Slot {
  worker: Worker;
  /** Settles once the worker has loaded (perfkit included) and takes jobs. */
  ready: Promise<void>;
  isReady: boolean;
  /** Settles the job this worker runs now. */
  settle?: (isOk: boolean, value: unknown) => void;
}

/**
 * Starts `size` worker threads and a guard with `maxConcurrent = size` in front of them, so a request that
 * passes the guard always finds an idle worker. A worker whose job is aborted (timeout, memory budget, the caller's
 * signal) is terminated and replaced: decoding blocks its thread, so terminating it is the only way to stop it.
 */
export function createGeneratePool(perf: Perfkit, options: GeneratePoolOptions = {}): GeneratePool {
  const size = options.size ?? 2;
  const operationName = options.operationName ?? 'generate';
  const guard = perf.guard({
    name: options.guardName ?? 'generate',
    maxConcurrent: size,
    maxQueue: options.maxQueue ?? 32,
    queueTimeoutMs: options.queueTimeoutMs ?? 2000,
    timeoutMs: options.timeoutMs ?? 5000,
    ...(options.memoryBudgetMb === undefined ? {} : { memoryBudgetMb: options.memoryBudgetMb }),
  });
  const { serviceName, serviceVersion, disabled, views, limits, exemplars } = perf.config;
  const workerData = { resolveFrom: __filename, config: { serviceName, serviceVersion, disabled, views, limits, exemplars }, operationName };
  const idle: Slot[] = [];
  let restarts = 0;
  let nextId = 0;
  let isClosed = false;
  const all = new Set<Slot>();

  const spawn = (): Slot => {
    let isReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (isReady = resolve));
    const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true, workerData, resourceLimits: options.resourceLimits }), ready, isReady: false };
    void ready.then(() => (slot.isReady = true));
    slot.worker.unref();
    slot.worker.on('message', (msg: { ok: boolean; ready?: boolean; result?: GenerateOutput; code?: string; message?: string }) => {
      if (msg.ready) return isReady();
      const settle = slot.settle;
      slot.settle = undefined;
      if (!isClosed && all.has(slot)) idle.push(slot);
      settle?.(msg.ok, msg.ok ? msg.result : new GenerateWorkerError(msg.code ?? 'WORKER_ERROR', msg.message ?? 'worker failed'));
    });
    const lost = (err: unknown) => {
      if (!all.delete(slot)) return;
      const settle = slot.settle;
      slot.settle = undefined;
      if (!isClosed) {
        restarts++;
        idle.push(spawn());
      }
      const code = (err as { code?: unknown })?.code;
      settle?.(false, new GenerateWorkerError(typeof code === 'string' ? code : 'WORKER_EXITED', `generate worker stopped: ${String((err as Error)?.message ?? err)}`));
    };
    slot.worker.on('error', lost);
    slot.worker.on('exit', (code) => {
      isReady();
      lost(new Error(`exit code ${code}`));
    });
    all.add(slot);
    return slot;
  };
  for (let i = 0; i < size; i++) idle.push(spawn());
  // Loading a worker (perfkit's modules included) is a one-time start-up cost: requests wait for it before the
  // guard, so that it never counts against a request's queue wait or timeout.
  const started = new Promise<void>((resolve) => {
    void Promise.all(idle.map((s) => s.ready)).then(() => resolve());
    setTimeout(resolve, 10_000).unref();
  });

  const dispatch = (signal: AbortSignal, job: GenerateJob): Promise<GenerateOutput> =>
    new Promise((resolve, reject) => {
      // A worker that replaced a terminated one may still be loading: take a loaded one when there is one.
      let loaded = idle.length - 1;
      while (loaded >= 0 && !idle[loaded]!.isReady) loaded--;
      const slot = loaded >= 0 ? idle.splice(loaded, 1)[0] : idle.pop();
      if (!slot) return reject(new GenerateWorkerError('POOL_EXHAUSTED', 'no idle generate worker (pool closed?)'));
      const onAbort = () => {
        // The thread is blocked in decode: terminate it (its memory goes with it) and put a fresh one in its place.
        all.delete(slot);
        slot.settle = undefined;
        if (!isClosed) {
          restarts++;
          idle.push(spawn());
        }
        void slot.worker.terminate().finally(() => reject(signal.reason));
      };
      slot.settle = (isOk, value) => {
        signal.removeEventListener('abort', onAbort);
        if (isOk) resolve(value as GenerateOutput);
        else reject(value);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      slot.worker.postMessage({ id: nextId++, job });
    });

  return {
    guard,
    async generate(job, signal) {
      await started;
      return guard.runWith({ type: 'model_operation', name: operationName, signal }, dispatch, job);
    },
    stats: () => ({ ...guard.stats(), size, workerRestarts: restarts }),
    async close() {
      if (isClosed) return;
      isClosed = true;
      guard.shutdown();
      idle.length = 0;
      // Each worker's 'exit' fails the job it was running, so no guarded run is left waiting.
      await Promise.all([...all].map((s) => s.worker.terminate()));
    },
  };
}
