import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ProcessSample } from '../types';
import { MIN_INTERVAL_SHARE } from './CpuCollector';
import { heldDescriptors } from './KernelFileReader';

/**
 * This process: CPU time (process.cpuUsage) and its utilization over the last interval, memory
 * (process.memoryUsage), and open file descriptors (entries of /proc/self/fd).
 *
 * CPU utilization divides by the CPUs available to the process: `os.availableParallelism()` (affinity), or the
 * cgroup's CPU quota in cores when that is smaller (`cpuLimit`), as the semantic conventions define
 * process.cpu.utilization ("divided by the number of CPUs available to the process").
 *
 * The fd count is taken with a synchronous readdir, and every file perfkit reads on the host timers is read
 * synchronously too, so at that instant perfkit's own descriptors in the listing are the directory's and the kernel
 * files the collectors keep open for reuse ({@link heldDescriptors}), which are subtracted. (An asynchronous readdir
 * counted the collectors' reads in flight: 26 for 20.)
 */
export class ProcessCollector {
  process: ProcessSample | undefined;
  private baseline: { cpu: NodeJS.CpuUsage; at: number } | undefined;
  private readonly cpus = Math.max(1, availableParallelism());

  private readonly fdDir: string;

  constructor(
    procPath: string,
    /** The sampling interval (ms); readings closer than half of it do not move the baseline. */
    private readonly intervalMs: number,
    /** CPU quota in cores (cgroup), undefined when unlimited or unknown. */
    private readonly cpuLimit: () => number | undefined = () => undefined,
  ) {
    this.fdDir = join(procPath, 'self', 'fd');
  }

  /** The CPUs the process may use: affinity, capped by the cgroup quota. */
  availableCpus(): number {
    const quota = this.cpuLimit();
    return quota !== undefined && quota > 0 ? Math.min(this.cpus, quota) : this.cpus;
  }

  /** Drops every figure and the rate baseline (after a failed collection): nothing stale is shown, rates start over. */
  discard(): void {
    this.process = undefined;
    this.baseline = undefined;
  }

  async collect(): Promise<void> {
    let openFds: number | undefined;
    try {
      // The listing includes the descriptor readdir itself opened on the directory.
      openFds = Math.max(0, readdirSync(this.fdDir).length - 1 - heldDescriptors());
    } catch {
      openFds = undefined;
    }
    const cpu = process.cpuUsage();
    const now = performance.now();
    const mem = process.memoryUsage();
    // No figure until two readings half an interval apart exist, as for system and container CPU (0 was a false dip).
    let cpuUtilization = this.process?.cpuUtilization;
    const base = this.baseline;
    if (!base) this.baseline = { cpu, at: now };
    else if (now - base.at >= this.intervalMs * MIN_INTERVAL_SHARE) {
      const usedMicros = cpu.user - base.cpu.user + (cpu.system - base.cpu.system);
      cpuUtilization = Math.min(1, Math.max(0, usedMicros / 1000 / (now - base.at) / this.availableCpus()));
      this.baseline = { cpu, at: now };
    }
    this.process = {
      cpuUserSeconds: cpu.user / 1e6,
      cpuSystemSeconds: cpu.system / 1e6,
      cpuUtilization,
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      heapTotal: mem.heapTotal,
      external: mem.external,
      openFds,
    };
  }
}
