import fs from 'node:fs';
import os from 'node:os';
import { deriveRatios, emptySample, type ResourceSample } from './ResourceSample';

/**
 * What the dashboard samples itself when `@perfkit/host` is not in use: CPU from `os.cpus()` deltas, memory from
 * `os`, the working directory's file system from `statfs`, the process RSS. No GPU, no network.
 */
export class FallbackSampler {
  private previousCpu = FallbackSampler.cpuTimes();

  /** Takes one sample now; never throws. */
  sample(now: number): ResourceSample {
    const s = emptySample(now);
    try {
      const cpu = FallbackSampler.cpuTimes();
      const busy = cpu.busy - this.previousCpu.busy;
      const total = cpu.total - this.previousCpu.total;
      if (total > 0) s.cpuUtilization = Math.min(1, Math.max(0, busy / total));
      this.previousCpu = cpu;
      s.memoryTotalBytes = os.totalmem();
      s.memoryUsedBytes = s.memoryTotalBytes - os.freemem();
      s.processRssBytes = process.memoryUsage.rss();
      const st = fs.statfsSync(process.cwd());
      s.diskTotalBytes = st.blocks * st.bsize;
      s.diskFreeBytes = st.bavail * st.bsize;
      s.diskUsedBytes = (st.blocks - st.bfree) * st.bsize;
    } catch {
      // Whatever could not be read stays NaN; sampling must never break the service.
    }
    return deriveRatios(s);
  }

  private static cpuTimes(): { busy: number; total: number } {
    let busy = 0;
    let total = 0;
    for (const c of os.cpus()) {
      const t = c.times;
      busy += t.user + t.nice + t.sys + t.irq;
      total += t.user + t.nice + t.sys + t.irq + t.idle;
    }
    return { busy, total };
  }
}
