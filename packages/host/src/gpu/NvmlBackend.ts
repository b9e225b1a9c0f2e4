import { Worker } from 'node:worker_threads';
import type { DiagLogger } from '@perfkit/core';
import type { GpuSample } from '../types';
import { OnceReporter } from '../collectors/onceReporter';
import type { GpuBackend } from './GpuBackend';
import { NVML_WORKER_MODULE, NVML_WORKER_SOURCE, type NvmlWorkerData, type NvmlWorkerMessage } from './nvmlWorker';

/**
 * The NVML back end, seen from the main thread: `libnvidia-ml.so.1` is dlopened, initialised and read on a
 * dedicated worker thread (nvmlWorker.ts); `sample()` asks it for one sample and waits at most `timeoutMs`. A call
 * that does not return in time (GPU fallen off the bus, wedged driver) leaves the worker busy and the event loop
 * free: the figures are dropped (no frozen numbers), no further request is queued, and it is said once. A failure
 * of the whole sample (device count) is kept for the collector, which re-initialises NVML with back-off.
 */
export class NvmlBackend implements GpuBackend {
  readonly name = 'nvml' as const;
  private last: GpuSample[] = [];
  private closed = false;
  private nextId = 1;
  private pending: { id: number; since: number; resolve: () => void } | undefined;
  private failure: string | undefined;
  private hungReported = false;
  private closedAck: (() => void) | undefined;
  private readonly reporter: OnceReporter;

  private constructor(
    private readonly worker: Worker,
    private readonly diag: DiagLogger,
    private readonly timeoutMs: number,
    /** Optional NVML symbols this driver lacks (their figures are absent). */
    readonly missing: readonly string[],
  ) {
    this.reporter = new OnceReporter(diag, 'host gpu: NVML');
    worker.on('message', (m: NvmlWorkerMessage) => this.onMessage(m));
    worker.on('error', (err) => (this.failure = `NVML worker failed: ${err.message}`));
    worker.on('exit', () => {
      if (!this.closed) this.failure ??= 'NVML worker exited';
      this.closedAck?.();
      this.pending?.resolve();
    });
  }

  /** Starts the worker, which loads and initialises NVML; rejects with the reason when it cannot. */
  static open(path: string, diag: DiagLogger, maxProcesses: number, timeoutMs: number): Promise<NvmlBackend> {
    const workerData: NvmlWorkerData = { modulePath: NVML_WORKER_MODULE, path, maxProcesses };
    const worker = new Worker(NVML_WORKER_SOURCE, { eval: true, workerData });
    return new Promise((resolve, reject) => {
      const fail = (message: string) => {
        void worker.terminate();
        reject(new Error(message));
      };
      worker.once('error', (err) => fail(`NVML worker failed: ${err.message}`));
      worker.once('message', (m: NvmlWorkerMessage) => {
        if (m.type !== 'init') return fail(`NVML worker said ${m.type} before init`);
        if (!m.ok) return fail(m.message);
        worker.removeAllListeners('error');
        worker.unref();
        resolve(new NvmlBackend(worker, diag, timeoutMs, m.missing));
      });
    });
  }

  private onMessage(m: NvmlWorkerMessage): void {
    if (m.type === 'report') {
      this.reporter.report(m.key, m.message);
    } else if (m.type === 'sample' && this.pending?.id === m.id) {
      const done = this.pending.resolve;
      this.pending = undefined;
      if (this.hungReported) this.diag.info('host gpu: NVML answers again');
      this.hungReported = false;
      if (m.error) {
        this.failure = m.error;
        this.last = [];
      } else if (!this.closed) this.last = (m.devices ?? []) as GpuSample[];
      done();
    } else if (m.type === 'closed') this.closedAck?.();
  }

  /** Asks the worker for a sample; resolves when it answers or after the timeout, never rejects. */
  sample(): Promise<void> {
    if (this.closed || this.failure) return Promise.resolve();
    if (this.pending) {
      if (!this.hungReported && performance.now() - this.pending.since > this.timeoutMs) {
        this.hungReported = true;
        this.last = [];
        this.diag.warn(`host gpu: an NVML call has not returned for ${this.timeoutMs} ms (GPU lost or driver hung); GPU figures left out until it does`);
      }
      return Promise.resolve();
    }
    const id = this.nextId++;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.timeoutMs);
      timer.unref();
      this.pending = {
        id,
        since: performance.now(),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.worker.postMessage({ type: 'sample', id });
    });
  }

  /** The reason the last sample failed as a whole (the library must be re-initialised), once. */
  takeFailure(): string | undefined {
    const f = this.failure;
    return f;
  }

  devices(): readonly GpuSample[] {
    return this.last;
  }

  /** nvmlShutdown and unload on the worker, then ends it; does not wait on a worker stuck in a call. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.last = [];
    const acked = new Promise<void>((resolve) => {
      this.closedAck = resolve;
      const timer = setTimeout(resolve, Math.min(2000, this.timeoutMs));
      timer.unref();
    });
    this.worker.postMessage({ type: 'close' });
    await acked;
    this.pending?.resolve();
    void this.worker.terminate().catch(() => undefined);
  }
}
