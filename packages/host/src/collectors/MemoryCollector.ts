import { join } from 'node:path';
import type { MemorySample, SwapSample } from '../types';
import { KernelFileReader } from './KernelFileReader';
import { parseMeminfo } from './procfs';

/**
 * Memory and swap from `/proc/meminfo`. "Used" (and utilization) is MemTotal − MemAvailable: the kernel's own
 * estimate of what could be handed to a new program without swapping, so reclaimable page cache does not count as
 * used (total − MemFree, as many dashboards and @opentelemetry/host-metrics on Node.js < 20 do, reports a healthy box
 * with a warm cache as full).
 *
 * The `system.memory.state` breakdown is a partition that sums to MemTotal, as the semantic conventions require:
 * free = MemFree, buffers = Buffers, cached = Cached − Shmem + SReclaimable (what the kernel can drop: shared memory
 * and tmpfs pages sit inside Cached but cannot be dropped without swap), used = the rest (shared memory included).
 * The earlier breakdown (used = total − available, cached = Cached) counted Shmem twice.
 */
export class MemoryCollector {
  memory: MemorySample | undefined;
  swap: SwapSample | undefined;

  private readonly file: string;

  constructor(
    procPath: string,
    private readonly files = new KernelFileReader(),
  ) {
    this.file = join(procPath, 'meminfo');
  }

  /** Drops the figures (after a failed collection). */
  discard(): void {
    this.memory = undefined;
    this.swap = undefined;
  }

  async collect(): Promise<void> {
    const file = this.file;
    const info = parseMeminfo(this.files.read(file));
    const total = info.get('MemTotal');
    const memFree = info.get('MemFree');
    if (total === undefined || memFree === undefined || total <= 0) throw new Error(`${file} has no MemTotal/MemFree`);
    const free = Math.min(total, memFree);
    const buffers = Math.min(total - free, info.get('Buffers') ?? 0);
    const pageCache = info.get('Cached') ?? 0;
    const shmem = Math.min(pageCache, info.get('Shmem') ?? 0);
    const cached = Math.min(total - free - buffers, pageCache - shmem + (info.get('SReclaimable') ?? 0));
    // Kernels before 3.14 lack MemAvailable; free + buffers + cache is the classic approximation there.
    const available = Math.min(total, info.get('MemAvailable') ?? memFree + buffers + pageCache);
    const used = total - available;
    this.memory = {
      total,
      available,
      used,
      free,
      cached,
      buffers,
      shared: shmem,
      states: { used: total - free - buffers - cached, free, buffers, cached },
      utilization: used / total,
    };
    const swapTotal = info.get('SwapTotal') ?? 0;
    const swapFree = Math.min(swapTotal, info.get('SwapFree') ?? 0);
    const swapUsed = swapTotal - swapFree;
    this.swap = { total: swapTotal, free: swapFree, used: swapUsed, utilization: swapTotal > 0 ? swapUsed / swapTotal : 0 };
  }
}
