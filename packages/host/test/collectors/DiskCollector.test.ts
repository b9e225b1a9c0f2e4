import { DiskCollector } from '../../src/collectors/DiskCollector';
import { createNameFilter } from '../../src/collectors/nameFilter';
import { fakeProc, tempDir } from '../fixtures/fakes';

const DISKSTATS = [
  '   8       0 sda 100 0 2000 30 50 0 4000 70 0 90 100 0 0 0 0',
  '   8       1 sda1 90 0 1800 25 45 0 3600 60 0 80 90 0 0 0 0',
  '   7       0 loop0 9 0 18 1 0 0 0 0 0 1 1 0 0 0 0',
  '   8      16 sdb NaN 0 0 0 0 0 0 0 0 0 0',
  `   8      32 ${'z'.repeat(5000)} 1 0 1 1 1 0 1 1 0 1 1`,
].join('\n');

function setup(files: Record<string, string>, exclude = ['loop*']) {
  const { dir, cleanup } = tempDir('disk');
  fakeProc(dir, files);
  return { c: new DiskCollector(dir, dir, createNameFilter({ include: [], exclude })), cleanup };
}

describe('DiskCollector', () => {
  it('keeps whole disks listed in /sys/block, not partitions, loops or unreadable lines', async () => {
    const { c, cleanup } = setup({ diskstats: DISKSTATS, 'block/sda/size': '1', 'block/loop0/size': '1', 'block/sdb/size': '1' });
    try {
      await c.collect();
      expect(c.disks).toEqual([
        { device: 'sda', reads: 100, writes: 50, readBytes: 1_024_000, writeBytes: 2_048_000, ioTimeSeconds: 0.09, readTimeSeconds: 0.03, writeTimeSeconds: 0.07 },
      ]);
    } finally {
      cleanup();
    }
  });

  it('keeps every readable device when /sys/block cannot be read', async () => {
    const { c, cleanup } = setup({ diskstats: DISKSTATS }, []);
    try {
      await c.collect();
      expect(c.disks.map((d) => d.device)).toEqual(['sda', 'sda1', 'loop0']);
    } finally {
      cleanup();
    }
  });

  it('reads the real /proc/diskstats without throwing', async () => {
    const c = new DiskCollector('/proc', '/sys', createNameFilter({ include: [], exclude: ['loop*', 'ram*', 'zram*'] }));
    await c.collect();
    for (const d of c.disks) expect(d.readBytes).toBeGreaterThanOrEqual(0);
  });
});

describe('DiskCollector before its first collection (mutation testing, issue 18)', () => {
  it('reports no disk', () => {
    expect(new DiskCollector('/proc', '/sys', createNameFilter({ include: [], exclude: [] })).disks).toEqual([]);
  });
});
