/*
 * Bug: a collector that started failing (its /proc file gone, unreadable or garbage) left its last sample in
 * `latest()` and its gauges on `/metrics` for as long as the failure lasted, so a dashboard showed a frozen memory
 * figure, CPU utilization or load average as if current, and nothing on `/metrics` said the group had failed. A
 * failed collection now drops that group's figures at once (node_exporter drops a failed collector's series for the
 * scrape and writes node_scrape_collector_success 0), `perfkit_host_collector_success_ratio{perfkit_host_group}`
 * says which group failed, and the figures come back from the first good reading, rates only after a new interval.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeProc, startHost, tempDir } from '../fixtures/fakes';

/** /proc/meminfo with MemTotal 1000 kB, MemFree 100 kB, MemAvailable `available` kB. */
const meminfo = (available: number) => `MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: ${available} kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n`;
/** A /proc/stat aggregate line: user, nice, system, idle (ticks). */
const stat = (user: number, idle: number) => `cpu  ${user} 0 0 ${idle} 0 0 0 0\ncpu0 ${user} 0 0 ${idle} 0 0 0 0\n`;

function setup() {
  const { dir, cleanup } = tempDir('stale');
  fakeProc(dir, { meminfo: meminfo(600), stat: stat(100, 900), loadavg: '0.50 0.40 0.30 1/100 42\n' });
  const groups = { filesystem: false, disk: false, network: false, process: false, eventLoop: false, gc: false, container: false };
  // Hour-long intervals: only collectNow() samples, so each step below is one collection.
  const started = startHost({ procPath: dir, gpu: false, groups, intervalMs: 3_600_000, ioIntervalMs: 3_600_000 });
  return { ...started, dir, done: async () => { await started.perf.shutdown(); cleanup(); } };
}

describe('regression: a failing collector drops its figures instead of showing the last ones', () => {
  it('drops memory, CPU and load from latest() and /metrics when their files fail, and says so per group', async () => {
    const { perf, host, dir, lines, done } = setup();
    try {
      await host.collectNow();
      let s = host.latest()!;
      expect(s.memory!.used).toBe(400 * 1024); // 1000 − 600 kB
      expect(s.load!.one).toBe(0.5);
      let text = await perf.metrics();
      expect(text).toContain('system_memory_utilization_ratio 0.4\n');
      expect(text).toContain('system_cpu_load_average_1m 0.5\n');

      writeFileSync(join(dir, 'meminfo'), 'garbage\n');
      writeFileSync(join(dir, 'stat'), 'intr 0\n');
      await host.collectNow();
      s = host.latest()!;
      expect(s.memory).toBeUndefined();
      expect(s.swap).toBeUndefined();
      expect(s.cpu).toBeUndefined();
      expect(s.load).toBeUndefined();
      text = await perf.metrics();
      expect(text).not.toMatch(/^system_memory_(usage|utilization|limit)/m);
      expect(text).not.toMatch(/^system_cpu_load_average_1m /m);
      expect(text).not.toMatch(/^system_cpu_logical_cpus /m);
      expect(lines.filter((l) => /^warn: host (cpu|memory) collection failed/.test(l))).toHaveLength(2);
      for (const group of ['cpu', 'memory']) expect(text).toContain(`perfkit_host_collector_success_ratio{perfkit_host_group="${group}"} 0\n`);

      // Back: the new file's figures, not the old ones.
      writeFileSync(join(dir, 'meminfo'), meminfo(900));
      writeFileSync(join(dir, 'stat'), stat(300, 1700));
      await host.collectNow();
      s = host.latest()!;
      expect(s.memory!.used).toBe(100 * 1024);
      text = await perf.metrics();
      expect(text).toContain('system_memory_utilization_ratio 0.1\n');
      expect(text).toContain('perfkit_host_collector_success_ratio{perfkit_host_group="memory"} 1\n');
    } finally {
      await done();
    }
  });

  it('starts CPU utilization over after a failure: no figure from a reading taken before it', async () => {
    const { dir, cleanup } = tempDir('stale-cpu');
    fakeProc(dir, { stat: stat(100, 900), loadavg: '0.50 0.40 0.30 1/100 42\n' });
    const groups = { memory: false, filesystem: false, disk: false, network: false, process: false, eventLoop: false, gc: false, container: false };
    // The clock is the test's: each step is a full hour-long interval after the one before; the timer never fires.
    const clock = jest.spyOn(performance, 'now');
    let now = 0;
    const step = async (text: string) => {
      writeFileSync(join(dir, 'stat'), text);
      clock.mockReturnValue((now += 3_600_000));
      await host.collectNow();
    };
    const { perf, host } = startHost({ procPath: dir, gpu: false, groups, intervalMs: 3_600_000 });
    try {
      await step(stat(100, 900));
      await step(stat(200, 1700)); // 100 busy of 900 ticks
      expect(host.latest()!.cpu!.utilization).toBeCloseTo(100 / 900, 12);
      await step('garbage\n');
      expect(host.latest()!.cpu).toBeUndefined();
      await step(stat(1200, 1700)); // 1000 busy ticks since the last good reading, across the failure
      // The first good reading after the failure is a new baseline, not a figure over the gap.
      expect(host.latest()!.cpu).toBeUndefined();
      expect(host.latest()!.load!.one).toBe(0.5);
      await step(stat(1300, 2000)); // 100 busy of 400 ticks
      expect(host.latest()!.cpu!.utilization).toBeCloseTo(100 / 400, 12);
    } finally {
      clock.mockRestore();
      await perf.shutdown();
      cleanup();
    }
  });

  it('drops the load average alone when /proc/loadavg turns to garbage and /proc/stat still reads', async () => {
    const { dir, cleanup } = tempDir('stale-load');
    fakeProc(dir, { stat: stat(100, 900), loadavg: '0.50 0.40 0.30 1/100 42\n' });
    const groups = { memory: false, filesystem: false, disk: false, network: false, process: false, eventLoop: false, gc: false, container: false };
    const { perf, host } = startHost({ procPath: dir, gpu: false, groups, intervalMs: 3_600_000 });
    try {
      await host.collectNow();
      expect(host.latest()!.load!.one).toBe(0.5);
      writeFileSync(join(dir, 'loadavg'), 'x\n');
      await host.collectNow();
      expect(host.latest()!.load).toBeUndefined();
      expect(await perf.metrics()).not.toMatch(/^system_cpu_load_average_1m /m);
    } finally {
      await perf.shutdown();
      cleanup();
    }
  });
});
