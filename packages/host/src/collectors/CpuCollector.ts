import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CpuSample } from '../types';
import { CPU_MODES, USER_HZ, parseLoadavg, parseProcStat, type CpuMode, type CpuTimes } from './procfs';

const BUSY_EXCLUDED: readonly CpuMode[] = ['idle', 'iowait'];

/**
 * System CPU from `/proc/stat` deltas. The baseline moves only when the new reading is at least `minIntervalMs`
 * after it, so utilization is always an average over a real interval, never over the few microseconds between two
 * back-to-back reads (the mistake that made earlier probes print 0 % or 100 %).
 */
export class CpuCollector {
  private baseline: { times: CpuTimes; at: number } | undefined;
  /** The last utilization over a full interval (undefined until two readings far enough apart exist). */
  cpu: CpuSample | undefined;
  /** Cumulative seconds per state from the latest reading (available from the first one). */
  times: { readonly seconds: Readonly<Record<CpuMode, number>>; readonly logicalCount: number } | undefined;
  load: { one: number; five: number; fifteen: number } | undefined;

  constructor(
    private readonly procPath: string,
    private readonly minIntervalMs: number,
  ) {}

  async collect(): Promise<void> {
    const [statText, loadText] = await Promise.all([
      readFile(join(this.procPath, 'stat'), 'utf8'),
      readFile(join(this.procPath, 'loadavg'), 'utf8').catch(() => ''),
    ]);
    const now = performance.now();
    this.load = parseLoadavg(loadText) ?? this.load;
    const times = parseProcStat(statText);
    if (!times) throw new Error(`${join(this.procPath, 'stat')} has no readable cpu line`);
    const cumulative = {} as Record<CpuMode, number>;
    for (const mode of CPU_MODES) cumulative[mode] = times.ticks[mode] / USER_HZ;
    this.times = { seconds: cumulative, logicalCount: times.logicalCount };
    const base = this.baseline;
    if (!base) {
      this.baseline = { times, at: now };
      return;
    }
    if (now - base.at < this.minIntervalMs) return;
    this.baseline = { times, at: now };
    let total = 0;
    const deltas = {} as Record<CpuMode, number>;
    for (const mode of CPU_MODES) {
      // A counter going backwards (CPU hot-unplug, a broken file) counts as no time rather than negative time.
      const d = Math.max(0, times.ticks[mode] - base.times.ticks[mode]);
      deltas[mode] = d;
      total += d;
    }
    if (total <= 0) return;
    const modes = {} as Record<CpuMode, number>;
    let busy = 0;
    for (const mode of CPU_MODES) {
      modes[mode] = deltas[mode] / total;
      if (!BUSY_EXCLUDED.includes(mode)) busy += deltas[mode];
    }
    this.cpu = {
      utilization: busy / total,
      modes,
      times: cumulative,
      intervalSeconds: (now - base.at) / 1000,
      logicalCount: times.logicalCount,
    };
  }
}
