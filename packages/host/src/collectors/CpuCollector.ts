import { join } from 'node:path';
import type { CpuModeName, CpuSample } from '../types';
import { KernelFileReader } from './KernelFileReader';
import { USER_HZ, parseLoadavg, parseProcStat, type CpuMode, type CpuTimes } from './procfs';

/** The semantic conventions' `cpu.mode` values perfkit reports, and the `/proc/stat` columns each one sums. */
export const CPU_MODE_COLUMNS: Readonly<Record<CpuModeName, readonly CpuMode[]>> = {
  user: ['user'],
  nice: ['nice'],
  system: ['system'],
  idle: ['idle'],
  iowait: ['iowait'],
  // semconv has one `interrupt` mode: hardware (irq) and software (softirq) interrupt time together.
  interrupt: ['irq', 'softirq'],
  steal: ['steal'],
};
/** The `cpu.mode` values, in a fixed order. */
export const CPU_MODE_NAMES = Object.keys(CPU_MODE_COLUMNS) as CpuModeName[];

const BUSY_EXCLUDED: readonly CpuModeName[] = ['idle', 'iowait'];

/**
 * Share of the sampling interval two readings must at least be apart. A timer firing a few ms early (jitter) must
 * not drop a reading, as an interval equal to the timer period did; two readers a few ms apart still cannot shrink it.
 */
export const MIN_INTERVAL_SHARE = 0.5;

function sumModes(ticks: Record<CpuMode, number>): Record<CpuModeName, number> {
  const out = {} as Record<CpuModeName, number>;
  for (const mode of CPU_MODE_NAMES) {
    let sum = 0;
    for (const column of CPU_MODE_COLUMNS[mode]) sum += ticks[column];
    out[mode] = sum;
  }
  return out;
}

/**
 * System CPU from `/proc/stat` deltas. The baseline moves only when the new reading is at least half the sampling
 * interval after it, so utilization is always an average over a real interval, never over the few microseconds
 * between two back-to-back reads, and a timer that fires a little early does not skip a figure.
 */
export class CpuCollector {
  private baseline: { ticks: Record<CpuModeName, number>; at: number } | undefined;
  /** The last utilization over a full interval (undefined until two readings far enough apart exist). */
  cpu: CpuSample | undefined;
  /** Cumulative seconds per state from the latest reading (available from the first one). */
  times: { readonly seconds: Readonly<Record<CpuModeName, number>>; readonly logicalCount: number } | undefined;
  load: { one: number; five: number; fifteen: number } | undefined;
  private readonly statPath: string;
  private readonly loadavgPath: string;

  constructor(
    procPath: string,
    /** The sampling interval (ms); readings closer than half of it do not move the baseline. */
    private readonly intervalMs: number,
    private readonly files = new KernelFileReader(),
  ) {
    this.statPath = join(procPath, 'stat');
    this.loadavgPath = join(procPath, 'loadavg');
  }

  /** Drops every figure and the rate baseline (after a failed collection): nothing stale is shown, rates start over. */
  discard(): void {
    this.cpu = undefined;
    this.times = undefined;
    this.load = undefined;
    this.baseline = undefined;
  }

  async collect(): Promise<void> {
    const statText = this.files.read(this.statPath);
    const loadText = this.files.readOptional(this.loadavgPath) ?? '';
    const now = performance.now();
    // An unreadable /proc/loadavg leaves the load average out rather than repeating the last one.
    this.load = parseLoadavg(loadText);
    const times: CpuTimes | undefined = parseProcStat(statText);
    if (!times) throw new Error(`${this.statPath} has no readable cpu line`);
    const ticks = sumModes(times.ticks);
    const cumulative = {} as Record<CpuModeName, number>;
    for (const mode of CPU_MODE_NAMES) cumulative[mode] = ticks[mode] / USER_HZ;
    this.times = { seconds: cumulative, logicalCount: times.logicalCount };
    const base = this.baseline;
    if (!base) {
      this.baseline = { ticks, at: now };
      return;
    }
    if (now - base.at < this.intervalMs * MIN_INTERVAL_SHARE) return;
    this.baseline = { ticks, at: now };
    let total = 0;
    const deltas = {} as Record<CpuModeName, number>;
    for (const mode of CPU_MODE_NAMES) {
      // A counter going backwards (CPU hot-unplug, a broken file) counts as no time rather than negative time.
      const d = Math.max(0, ticks[mode] - base.ticks[mode]);
      deltas[mode] = d;
      total += d;
    }
    if (total <= 0) return;
    const modes = {} as Record<CpuModeName, number>;
    let busy = 0;
    for (const mode of CPU_MODE_NAMES) {
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
