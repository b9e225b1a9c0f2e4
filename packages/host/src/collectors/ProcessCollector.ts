import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ProcessSample } from '../types';

/**
 * This process: CPU time (process.cpuUsage) and its utilization over the last interval, memory
 * (process.memoryUsage), and open file descriptors (entries of /proc/self/fd).
 */
export class ProcessCollector {
  process: ProcessSample | undefined;
  private baseline: { cpu: NodeJS.CpuUsage; at: number } | undefined;
  private readonly cpus = Math.max(1, availableParallelism());

  constructor(
    private readonly procPath: string,
    private readonly minIntervalMs: number,
  ) {}

  async collect(): Promise<void> {
    const openFds = await readdir(join(this.procPath, 'self', 'fd')).then(
      (entries) => entries.length,
      () => undefined,
    );
    const cpu = process.cpuUsage();
    const now = performance.now();
    const mem = process.memoryUsage();
    let cpuUtilization = this.process?.cpuUtilization ?? 0;
    const base = this.baseline;
    if (!base) this.baseline = { cpu, at: now };
    else if (now - base.at >= this.minIntervalMs) {
      const usedMicros = cpu.user - base.cpu.user + (cpu.system - base.cpu.system);
      cpuUtilization = Math.min(1, Math.max(0, usedMicros / 1000 / (now - base.at) / this.cpus));
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
