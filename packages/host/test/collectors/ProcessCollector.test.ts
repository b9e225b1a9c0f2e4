import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ProcessCollector } from '../../src/collectors/ProcessCollector';

function vmRssBytes(): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

/** utime + stime (ticks) of this process from /proc/self/stat. */
function selfTicks(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function setup(intervalMs = 100) {
  return new ProcessCollector('/proc', intervalMs);
}

describe('ProcessCollector', () => {
  it('agrees with /proc/self/status VmRSS within 16 MiB and with /proc/self/fd within 5', async () => {
    const c = setup();
    await c.collect();
    const p = c.process!;
    expect(Math.abs(p.rss - vmRssBytes())).toBeLessThan(16 * 1024 * 1024);
    expect(Math.abs(p.openFds! - readdirSync('/proc/self/fd').length)).toBeLessThanOrEqual(5);
    expect(p.heapUsed).toBeLessThanOrEqual(p.heapTotal);
    expect(p.external).toBeGreaterThan(0);
  });

  it('agrees with /proc/self/stat CPU ticks within 0.1 when the process spins for the interval', async () => {
    const c = setup(100);
    const cpus = availableParallelism();
    const ticksBefore = selfTicks();
    const t0 = performance.now();
    await c.collect();
    const start = performance.now();
    while (performance.now() - start < 400) {
      // spin: this process wants one core for 400 ms
    }
    await c.collect();
    const independent = (selfTicks() - ticksBefore) / 100 / ((performance.now() - t0) / 1000) / cpus;
    expect(Math.abs(c.process!.cpuUtilization - independent)).toBeLessThan(0.1);
    expect(c.process!.cpuUtilization).toBeGreaterThan(0);
    expect(c.process!.cpuUtilization).toBeLessThanOrEqual(1);
  });

  it('leaves openFds undefined and still reports memory when /proc is elsewhere', async () => {
    const c = new ProcessCollector('/nonexistent/proc', 100);
    await c.collect();
    expect(c.process!.openFds).toBeUndefined();
    expect(c.process!.rss).toBeGreaterThan(0);
  });

  it('divides by the cgroup CPU quota when it is below the logical CPUs, by the CPUs otherwise (hand-computed)', async () => {
    const clock = jest.spyOn(performance, 'now');
    let micros = 0;
    const usage = jest.spyOn(process, 'cpuUsage').mockImplementation(() => ({ user: micros, system: micros / 4 }));
    try {
      const run = async (quota: number | undefined) => {
        micros = 0;
        const c = new ProcessCollector('/proc', 1000, () => quota);
        clock.mockReturnValue(0);
        await c.collect();
        // 0.2 s user + 0.05 s system over 1 s.
        micros = 200_000;
        clock.mockReturnValue(1000);
        await c.collect();
        return c;
      };
      const cpus = availableParallelism();
      expect((await run(0.5)).process!.cpuUtilization).toBeCloseTo(0.25 / Math.min(cpus, 0.5), 12);
      expect((await run(undefined)).process!.cpuUtilization).toBeCloseTo(0.25 / cpus, 12);
      // A quota above the CPUs the process may run on does not inflate the divisor.
      expect((await run(cpus + 8)).availableCpus()).toBe(cpus);
      for (const hostile of [NaN, -1, 0, Infinity]) expect((await run(hostile)).process!.cpuUtilization).toBeGreaterThanOrEqual(0);
    } finally {
      clock.mockRestore();
      usage.mockRestore();
    }
  });
});

describe('ProcessCollector CPU figures (mutation testing, issue 18)', () => {
  const busy = (ms: number) => {
    const start = Date.now();
    while (Date.now() - start < ms) {
      // burn CPU
    }
  };

  it('reports CPU seconds as process.cpuUsage() reads them, in seconds', async () => {
    const c = new ProcessCollector('/proc', 1000);
    const before = process.cpuUsage();
    await c.collect();
    const after = process.cpuUsage();
    expect(c.process!.cpuUserSeconds).toBeGreaterThanOrEqual(before.user / 1e6);
    expect(c.process!.cpuUserSeconds).toBeLessThanOrEqual(after.user / 1e6);
    expect(c.process!.cpuSystemSeconds).toBeGreaterThanOrEqual(before.system / 1e6);
    expect(c.process!.cpuSystemSeconds).toBeLessThanOrEqual(after.system / 1e6);
  });

  it('has no figure on the first sample nor for a reading under half an interval after it', async () => {
    const c = new ProcessCollector('/proc', 1000);
    await c.collect();
    expect(c.process!.cpuUtilization).toBeUndefined();
    busy(50); // 50 ms is under half of the 1000 ms interval: no new figure
    await c.collect();
    expect(c.process!.cpuUtilization).toBeUndefined();
    busy(600); // now over half an interval since the baseline
    await c.collect();
    expect(c.process!.cpuUtilization).toBeGreaterThan(0);
  });

  it('measures each figure from the previous one, not from the first reading (hand-computed, a 1-core quota)', async () => {
    const clock = jest.spyOn(performance, 'now');
    const usage = jest.spyOn(process, 'cpuUsage');
    try {
      const c = new ProcessCollector('/proc', 1000, () => 1);
      const at = async (ms: number, user: number, system: number) => {
        clock.mockReturnValue(ms);
        usage.mockReturnValue({ user, system });
        await c.collect();
        return c.process!.cpuUtilization;
      };
      expect(await at(0, 0, 0)).toBeUndefined();
      // (200,000 + 50,000) us over 1,000 ms on 1 core: 0.25.
      expect(await at(1000, 200_000, 50_000)).toBeCloseTo(0.25, 12);
      // (400,000 + 100,000) us more over the next 1,000 ms: 0.5 (from the first reading it would be 750 / 2000 = 0.375).
      expect(await at(2000, 600_000, 150_000)).toBeCloseTo(0.5, 12);
    } finally {
      clock.mockRestore();
      usage.mockRestore();
    }
  });

  it('divides by the CPUs available: affinity, capped by a positive cgroup quota only', () => {
    const cpus = Math.max(1, availableParallelism());
    expect(new ProcessCollector('/proc', 1000).availableCpus()).toBe(cpus);
    expect(new ProcessCollector('/proc', 1000, () => 0).availableCpus()).toBe(cpus);
    expect(new ProcessCollector('/proc', 1000, () => 0.5).availableCpus()).toBe(0.5);
  });
});
