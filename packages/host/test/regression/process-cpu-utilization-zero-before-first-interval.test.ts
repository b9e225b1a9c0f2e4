/*
 * Bug: process.cpu.utilization read 0 from the first sample until two readings half an interval apart existed, so
 * every restart wrote a dip to 0 % (and `latest().process.cpuUtilization` said 0 on a busy process), while
 * system.cpu.utilization and the container CPU usage, which have the same lack of a basis, are absent until then.
 * The figure is now absent until it has an interval behind it.
 */
import { ProcessCollector } from '../../src/collectors/ProcessCollector';
import { startHost } from '../fixtures/fakes';

describe('regression: process CPU utilization before its first interval', () => {
  it('is undefined on the first sample, then CPU time over elapsed time (hand-computed, mocked clocks)', async () => {
    const clock = jest.spyOn(performance, 'now');
    const usage = jest.spyOn(process, 'cpuUsage');
    try {
      const c = new ProcessCollector('/proc', 1000, () => 2);
      clock.mockReturnValue(0);
      usage.mockReturnValue({ user: 0, system: 0 });
      await c.collect();
      expect(c.process!.cpuUtilization).toBeUndefined();
      expect(c.process!.rss).toBeGreaterThan(0); // the rest of the sample is there
      clock.mockReturnValue(200); // under half the interval: still no basis
      usage.mockReturnValue({ user: 100_000, system: 0 });
      await c.collect();
      expect(c.process!.cpuUtilization).toBeUndefined();
      clock.mockReturnValue(1000);
      usage.mockReturnValue({ user: 600_000, system: 200_000 });
      await c.collect();
      // 800 ms of CPU over 1000 ms on a 2-core quota: 0.4.
      expect(c.process!.cpuUtilization).toBeCloseTo(0.4, 12);
    } finally {
      clock.mockRestore();
      usage.mockRestore();
    }
  });

  it('writes no process_cpu_utilization_ratio on /metrics after one collection, but the CPU time', async () => {
    const groups = { cpu: false, memory: false, filesystem: false, disk: false, network: false, eventLoop: false, gc: false, container: false };
    const { perf, host } = startHost({ gpu: false, groups, intervalMs: 3_600_000 });
    try {
      await host.collectNow();
      const text = await perf.metrics();
      expect(text).toMatch(/^process_cpu_time_seconds_total\{cpu_mode="user"\} \d/m);
      expect(text).not.toMatch(/^process_cpu_utilization_ratio /m);
    } finally {
      await perf.shutdown();
    }
  });
});
