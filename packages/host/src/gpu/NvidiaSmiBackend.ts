import { spawn, type ChildProcess } from 'node:child_process';
import type { DiagLogger } from '@perfkit/core';
import type { GpuSample } from '../types';
import { OnceReporter } from '../collectors/onceReporter';
import type { GpuBackend } from './GpuBackend';
import { indexHwId, KnownUuids } from './gpuIdentity';
import { NVIDIA_SMI_FIELDS, nvidiaSmiArgs, parseNvidiaSmiLine, withoutRejectedField } from './nvidiaSmiCsv';

/** How the nvidia-smi loop is run. */
export interface NvidiaSmiOptions {
  readonly path: string;
  readonly intervalMs: number;
  readonly restartDelayMs: number;
  readonly maxRestartDelayMs: number;
  /** Give up for good (no restart) when the first process dies before printing one valid line ('auto' mode). */
  readonly giveUpIfNeverAnswered: boolean;
  readonly diag: DiagLogger;
  /** A process that prints no valid line for this long is killed (then restarted or given up on); default 3 intervals + 10 s. */
  readonly stallTimeoutMs?: number;
  /** Called once when the back end gives up. */
  readonly onGiveUp?: (reason: string) => void;
}

const MAX_BUFFER = 64 * 1024;
/** Identities remembered per loop process to find shared ones (a machine has at most a few dozen GPUs). */
const MAX_IDENTITIES = 256;
/** In {@link NvidiaSmiBackend}'s `printedBy`: an identity two GPUs of the loop printed. */
const SHARED = -1;

/**
 * The nvidia-smi back end: ONE long-lived `nvidia-smi --query-gpu=... --loop-ms=N` process whose stdout is parsed
 * line by line. If it dies it is restarted after a delay that doubles per failure (capped), and a device not printed
 * for three intervals is dropped, so a dead loop shows as missing series rather than frozen numbers. Devices are kept
 * by `hw.id` (uuid, else PCI bus id; see gpuIdentity.ts), not index: nvidia-smi numbers GPUs in enumeration order, and
 * a loop restarted after a GPU was lost may number the others anew. An identity two GPUs of one loop print (a loop
 * enumerates each GPU once, at one index) identifies neither: both are kept by index instead.
 */
export class NvidiaSmiBackend implements GpuBackend {
  readonly name = 'nvidia-smi' as const;
  /** Processes started so far. */
  spawns = 0;
  /** Lines that were not a valid GPU row. */
  malformedLines = 0;
  private child: ChildProcess | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  /** The last line of each GPU, by hw.id, and the loop (its number in {@link spawns}) that printed it. */
  private readonly seen = new Map<string, { sample: GpuSample; at: number; loop: number }>();
  private failures = 0;
  private hasAnswered = false;
  private closed = false;
  private stderrTail = '';
  private lastLineAt = 0;
  private watchdog: NodeJS.Timeout | undefined;
  /** The fields asked for: fewer after a driver refused one it does not know. */
  private fields: readonly string[] = NVIDIA_SMI_FIELDS;
  /** Values refused (negative, past 100 %, no uuid): said once per device, field and problem, up to a cap. */
  private readonly reporter: OnceReporter;
  private readonly onProblem = (key: string, message: string) => void this.reporter.report(key, message);
  /** The index that printed each identity in the running loop ({@link SHARED} once a second index did). */
  private readonly printedBy = new Map<string, number>();
  /** The uuid each index of the running loop printed: kept by a GPU whose uuid stops reading. */
  private readonly knownUuids = new KnownUuids();

  constructor(private readonly options: NvidiaSmiOptions) {
    this.reporter = new OnceReporter(options.diag, 'host gpu: nvidia-smi');
  }

  /** Whether any process has printed a valid line. */
  get answered(): boolean {
    return this.hasAnswered;
  }

  /** Starts the loop process. */
  start(): void {
    if (this.closed || this.child) return;
    this.spawns++;
    this.stderrTail = '';
    // A new loop may number the GPUs anew: an identity moving to another index is then no duplicate.
    this.printedBy.clear();
    this.knownUuids.clear();
    const startedAt = Date.now();
    let child: ChildProcess;
    try {
      child = spawn(this.options.path, nvidiaSmiArgs(this.options.intervalMs, this.fields), { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    } catch (err) {
      this.onExit(`could not start ${this.options.path}: ${(err as Error).message}`, startedAt);
      return;
    }
    this.child = child;
    this.lastLineAt = Date.now();
    this.watch(child);
    let buffer = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        this.onLine(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
      if (buffer.length > MAX_BUFFER) {
        this.malformedLines++;
        buffer = '';
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-500);
    });
    let reported = false;
    const done = (reason: string) => {
      if (reported) return;
      reported = true;
      if (this.child === child) this.child = undefined;
      this.onExit(reason, startedAt);
    };
    child.on('error', (err) => done(`${this.options.path}: ${err.message}`));
    child.on('close', (code, signal) => done(`${this.options.path} exited (${signal ?? `code ${code}`})${this.stderrTail ? `: ${this.stderrTail.trim()}` : ''}`));
    // Neither the process nor its pipes may keep the service alive.
    child.unref();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
  }

  private onLine(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const sample = parseNvidiaSmiLine(line, this.fields, this.onProblem, this.knownUuids);
    if (!sample) {
      if (this.malformedLines++ === 0) this.options.diag.warn(`host gpu: nvidia-smi printed a line perfkit cannot read (ignored): ${line.slice(0, 200)}`);
      return;
    }
    this.hasAnswered = true;
    this.lastLineAt = Date.now();
    const unique = this.uniquelyIdentified(sample);
    this.dropReplaced(unique);
    this.seen.set(unique.uuid, { sample: unique, at: Date.now(), loop: this.spawns });
  }

  /**
   * Drops the lines `sample`'s GPU left under another identity: one this loop printed at its index (its uuid became
   * readable, or stopped being), one an earlier loop printed from its slot (its bus id). Kept until three intervals
   * old, they showed one GPU twice, the old figures frozen beside the new.
   */
  private dropReplaced(sample: GpuSample): void {
    for (const [id, entry] of this.seen) {
      if (id === sample.uuid) continue;
      const isSameGpu = entry.loop === this.spawns ? entry.sample.index === sample.index : sample.pciBusId !== undefined && entry.sample.pciBusId === sample.pciBusId;
      if (isSameGpu) this.seen.delete(id);
    }
  }

  /**
   * The sample, kept by index instead when another GPU of this loop printed the same identity; the GPU that printed it
   * first moves to its index too, and it is said once.
   */
  private uniquelyIdentified(sample: GpuSample): GpuSample {
    const id = sample.uuid;
    const owner = this.printedBy.get(id);
    if (owner === sample.index || (owner === undefined && this.printedBy.size >= MAX_IDENTITIES)) return sample;
    if (owner === undefined) {
      this.printedBy.set(id, sample.index);
      return sample;
    }
    if (owner !== SHARED) {
      this.printedBy.set(id, SHARED);
      const first = this.seen.get(id);
      this.seen.delete(id);
      if (first) this.seen.set(indexHwId(owner), { ...first, sample: { ...first.sample, uuid: indexHwId(owner) } });
      this.onProblem(`${id}\u0000shared`, `host gpu: nvidia-smi: GPUs ${owner} and ${sample.index} have the same identity (${id}); each is identified by its index instead`);
    }
    return { ...sample, uuid: indexHwId(sample.index) };
  }

  /** Kills a loop that went silent (wedged driver): a live process printing nothing is as dead as an exited one. */
  private watch(child: ChildProcess): void {
    if (this.watchdog) clearInterval(this.watchdog);
    const limit = this.options.stallTimeoutMs ?? 3 * this.options.intervalMs + 10_000;
    this.watchdog = setInterval(() => {
      if (this.child !== child) return;
      if (Date.now() - this.lastLineAt > limit && child.pid !== undefined) {
        this.stderrTail += `no output for ${limit} ms; killed`;
        child.kill('SIGKILL');
      }
    }, Math.max(50, Math.min(limit, 1000)));
    this.watchdog.unref();
  }

  private onExit(reason: string, startedAt: number): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    if (this.closed) return;
    // An older driver refuses a newer field name and exits: ask again at once without it (that figure is lost, not
    // the back end), neither counted as a failure nor a reason to give up.
    const fewer = withoutRejectedField(this.fields, this.stderrTail);
    if (fewer) {
      this.options.diag.info(`host gpu: ${this.options.path} does not know a field (${this.stderrTail.trim().slice(0, 120)}); asking for ${fewer.length} fields`);
      this.fields = fewer;
      this.start();
      return;
    }
    if (!this.hasAnswered && this.options.giveUpIfNeverAnswered) {
      this.closed = true;
      this.options.onGiveUp?.(reason);
      return;
    }
    // A process that lived longer than the longest back-off was healthy: start counting failures afresh.
    if (Date.now() - startedAt >= this.options.maxRestartDelayMs) this.failures = 0;
    const delay = Math.min(this.options.maxRestartDelayMs, this.options.restartDelayMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    const log = this.failures === 1 ? this.options.diag.warn : this.options.diag.debug;
    log.call(this.options.diag, `host gpu: ${reason}; restarting nvidia-smi in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.start();
    }, delay);
    this.restartTimer.unref();
  }

  sample(): void {
    // The loop process samples on its own clock.
  }

  devices(): GpuSample[] {
    const cutoff = Date.now() - (3 * this.options.intervalMs + 1000);
    const out: GpuSample[] = [];
    for (const [uuid, entry] of this.seen) {
      if (entry.at < cutoff) this.seen.delete(uuid);
      else out.push(entry.sample);
    }
    return out.sort((a, b) => a.index - b.index || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    this.child = undefined;
    this.seen.clear();
    // A spawn that failed (ENOENT) has no pid until its 'error' event; kill() on it would signal pid 0, i.e. the
    // whole process group (the service, and the test runner). Nothing runs, so there is nothing to stop.
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 2000);
      timer.unref();
      child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
