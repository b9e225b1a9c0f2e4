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
