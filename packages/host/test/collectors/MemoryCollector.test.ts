import { readFileSync } from 'node:fs';
import { MemoryCollector } from '../../src/collectors/MemoryCollector';
import { parseMeminfo } from '../../src/collectors/procfs';
import { fakeProc, tempDir } from '../fixtures/fakes';

function setup(procPath = '/proc') {
  return new MemoryCollector(procPath);
}

describe('MemoryCollector', () => {
  it('agrees with /proc/meminfo read by the test (used = MemTotal − MemAvailable) within 64 MiB', async () => {
    const c = setup();
    await c.collect();
    const info = parseMeminfo(readFileSync('/proc/meminfo', 'utf8'));
    const m = c.memory!;
    const tolerance = 64 * 1024 * 1024;
    expect(m.total).toBe(info.get('MemTotal'));
    expect(Math.abs(m.available - info.get('MemAvailable')!)).toBeLessThan(tolerance);
    expect(Math.abs(m.used - (info.get('MemTotal')! - info.get('MemAvailable')!))).toBeLessThan(tolerance);
    expect(m.utilization).toBeCloseTo(m.used / m.total, 12);
    // Page cache is not "used": used + available is the total, not used + free.
    expect(m.used + m.available).toBe(m.total);
    expect(c.swap!.total).toBe(info.get('SwapTotal'));
  });

  it('falls back to free + buffers + cached when MemAvailable is missing (kernels before 3.14)', async () => {
    const { dir, cleanup } = tempDir('mem');
    try {
      fakeProc(dir, { meminfo: 'MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\nSwapTotal: 200 kB\nSwapFree: 50 kB\n' });
      const c = setup(dir);
      await c.collect();
      expect(c.memory).toMatchObject({ total: 1_024_000, available: 409_600, used: 614_400, free: 102_400 });
      expect(c.swap).toEqual({ total: 204_800, free: 51_200, used: 153_600, utilization: 0.75 });
    } finally {
      cleanup();
    }
  });

  it.each([
    ['empty', ''],
    ['NaN values', 'MemTotal: NaN kB\nMemFree: Infinity kB\n'],
    ['zero total', 'MemTotal: 0 kB\nMemFree: 0 kB\n'],
    ['huge garbage', 'x'.repeat(2_000_000)],
  ])('rejects and keeps no figure when meminfo is hostile (%s)', async (_, text) => {
    const { dir, cleanup } = tempDir('mem-hostile');
    try {
      fakeProc(dir, { meminfo: text });
      const c = setup(dir);
      await expect(c.collect()).rejects.toThrow();
      expect(c.memory).toBeUndefined();
    } finally {
      cleanup();
    }
  });
});

describe('MemoryCollector breakdown worked out by hand (mutation testing, issue 18)', () => {
  async function collect(meminfo: string) {
    const { dir, cleanup } = tempDir('mem-hand');
    try {
      fakeProc(dir, { meminfo });
      const c = setup(dir);
      await c.collect();
      return c;
    } finally {
      cleanup();
    }
  }
  const KB = 1024;

  it('partitions MemTotal into used, free, buffers and cached (Cached − Shmem + SReclaimable)', async () => {
    const c = await collect(
      'MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 600 kB\nBuffers: 50 kB\nCached: 300 kB\nShmem: 40 kB\nSReclaimable: 20 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n',
    );
    // cached = 300 − 40 + 20 = 280; used (state) = 1000 − 100 − 50 − 280 = 570; used = 1000 − 600 = 400.
    expect(c.memory).toEqual({
      total: 1000 * KB,
      available: 600 * KB,
      used: 400 * KB,
      free: 100 * KB,
      cached: 280 * KB,
      buffers: 50 * KB,
      shared: 40 * KB,
      states: { used: 570 * KB, free: 100 * KB, buffers: 50 * KB, cached: 280 * KB },
      utilization: 0.4,
    });
    expect(c.swap).toEqual({ total: 0, free: 0, used: 0, utilization: 0 });
  });

  it('clamps inconsistent fields so that no state is negative and the states still sum to MemTotal', async () => {
    const c = await collect('MemTotal: 100 kB\nMemFree: 150 kB\nMemAvailable: 500 kB\nBuffers: 10 kB\nCached: 10 kB\nShmem: 50 kB\nSwapTotal: 10 kB\nSwapFree: 30 kB\n');
    expect(c.memory).toMatchObject({ total: 100 * KB, free: 100 * KB, buffers: 0, cached: 0, shared: 10 * KB, available: 100 * KB, used: 0, utilization: 0 });
    expect(c.memory!.states).toEqual({ used: 0, free: 100 * KB, buffers: 0, cached: 0 });
    expect(c.swap).toEqual({ total: 10 * KB, free: 10 * KB, used: 0, utilization: 0 });
  });

  it('limits cached to what is left after free and buffers, and Shmem to Cached', async () => {
    const c = await collect('MemTotal: 1000 kB\nMemFree: 700 kB\nMemAvailable: 800 kB\nBuffers: 200 kB\nCached: 500 kB\nShmem: 600 kB\nSReclaimable: 300 kB\n');
    // shmem = min(500, 600) = 500; cached = min(1000 − 700 − 200, 500 − 500 + 300) = 100; used state = 0.
    expect(c.memory).toMatchObject({ shared: 500 * KB, cached: 100 * KB, buffers: 200 * KB, states: { used: 0, free: 700 * KB, buffers: 200 * KB, cached: 100 * KB } });
    expect(c.memory!.utilization).toBeCloseTo(0.2, 12);
  });

  it('rejects a meminfo without MemFree or with a negative-looking total', async () => {
    await expect(collect('MemTotal: 1000 kB\n')).rejects.toThrow(/MemTotal\/MemFree/);
    await expect(collect('MemFree: 1000 kB\n')).rejects.toThrow(/MemTotal\/MemFree/);
  });
});
