import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MemorySample, SwapSample } from '../types';
import { parseMeminfo } from './procfs';

/**
 * Memory and swap from `/proc/meminfo`. "Used" is MemTotal − MemAvailable: the kernel's own estimate of what could
 * be handed to a new program without swapping, so reclaimable page cache does not count as used (total − MemFree,
 * as many dashboards and @opentelemetry/host-metrics on Node.js < 20 do, reports a healthy box with a warm cache as full).
 */
export class MemoryCollector {
  memory: MemorySample | undefined;
  swap: SwapSample | undefined;

  constructor(private readonly procPath: string) {}

  async collect(): Promise<void> {
    const file = join(this.procPath, 'meminfo');
    const info = parseMeminfo(await readFile(file, 'utf8'));
    const total = info.get('MemTotal');
    const free = info.get('MemFree');
    if (total === undefined || free === undefined || total <= 0) throw new Error(`${file} has no MemTotal/MemFree`);
    const buffers = info.get('Buffers') ?? 0;
    const cached = info.get('Cached') ?? 0;
    // Kernels before 3.14 lack MemAvailable; free + buffers + cache is the classic approximation there.
    const available = Math.min(total, info.get('MemAvailable') ?? free + buffers + cached);
    const used = total - available;
    this.memory = { total, available, used, free, cached, buffers, utilization: used / total };
    const swapTotal = info.get('SwapTotal') ?? 0;
    const swapFree = Math.min(swapTotal, info.get('SwapFree') ?? 0);
    const swapUsed = swapTotal - swapFree;
    this.swap = { total: swapTotal, free: swapFree, used: swapUsed, utilization: swapTotal > 0 ? swapUsed / swapTotal : 0 };
  }
}
