import { execFileSync } from 'node:child_process';
import { dedupeByDevice, FilesystemCollector, type StatfsLike } from '../../src/collectors/FilesystemCollector';
import { createNameFilter } from '../../src/collectors/nameFilter';
import { PSEUDO_FILESYSTEM_TYPES } from '../../src/config';
import { fakeProc, tempDir } from '../fixtures/fakes';

function setup(procPath = '/proc', mounts = { include: [] as string[], exclude: [] as string[] }) {
  return new FilesystemCollector(procPath, createNameFilter(mounts), createNameFilter({ include: [], exclude: [...PSEUDO_FILESYSTEM_TYPES] }), 2000);
}

/** `df -B1` for one mountpoint, read by the test: size, used, avail in bytes. */
function df(mountpoint: string): { size: number; used: number; avail: number } {
  const out = execFileSync('df', ['-B1', '--output=size,used,avail', mountpoint], { encoding: 'utf8' }).trim().split('\n')[1]!;
  const [size, used, avail] = out.trim().split(/\s+/).map(Number);
  return { size: size!, used: used!, avail: avail! };
}

describe('FilesystemCollector', () => {
  it('agrees with df for / within 64 MiB and skips pseudo filesystems', async () => {
    const c = setup();
    await c.collect();
    const root = c.filesystems.find((f) => f.mountpoint === '/');
    expect(root).toBeDefined();
    const d = df('/');
    const tolerance = 64 * 1024 * 1024;
    expect(root!.limit).toBe(d.size);
    expect(Math.abs(root!.used - d.used)).toBeLessThan(tolerance);
    expect(Math.abs(root!.free - d.avail)).toBeLessThan(tolerance);
    expect(root!.used + root!.free + root!.reserved).toBe(root!.limit);
    const types = new Set(c.filesystems.map((f) => f.type));
    for (const pseudo of ['proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'tmpfs']) expect(types.has(pseudo)).toBe(false);
  });

  it('keeps only the mounts the filter includes when mounts.include is set', async () => {
    const c = setup('/proc', { include: ['/nonexistent*'], exclude: [] });
    await c.collect();
    expect(c.filesystems).toEqual([]);
  });

  it('skips a mount whose statfs fails and keeps the others when a mountpoint has gone', async () => {
    const { dir, cleanup } = tempDir('fs');
    try {
      fakeProc(dir, {
        'self/mounts': [
          '/dev/vda / ext4 rw 0 0',
          '/dev/gone /no/such/mount\\040point ext4 rw 0 0',
          'proc /proc proc rw 0 0',
          `${'x'.repeat(100_000)} /huge ext4 rw 0 0`,
          'NaN Infinity -1',
        ].join('\n'),
      });
      const c = setup(dir);
      await c.collect();
      expect(c.filesystems.map((f) => f.mountpoint)).toEqual(['/']);
    } finally {
      cleanup();
    }
  });

  it('skips a mount whose statfs hangs (dead NFS server) until it returns, without stalling the others', async () => {
    const { dir, cleanup } = tempDir('fs-hang');
    try {
      fakeProc(dir, { 'self/mounts': '/dev/a /data ext4 rw 0 0\nserver:/x /nfs nfs4 rw 0 0\n' });
      let release: (() => void) | undefined;
      const calls: string[] = [];
      const statfsOf = (path: string) => {
        calls.push(path);
        if (path === '/nfs') return new Promise<never>((_, reject) => (release = () => reject(new Error('EIO'))));
        return Promise.resolve({ bsize: 4096, blocks: 100, bfree: 40, bavail: 30 });
      };
      const types = createNameFilter({ include: [], exclude: [...PSEUDO_FILESYSTEM_TYPES] });
      const c = new FilesystemCollector(dir, createNameFilter({ include: [], exclude: [] }), types, 50, statfsOf);
      await c.collect();
      expect(c.filesystems.map((f) => f.mountpoint)).toEqual(['/data']);
      expect(c.filesystems[0]).toMatchObject({ limit: 409_600, used: 245_760, free: 122_880, reserved: 40_960, utilization: 0.6666666666666666 });
      await c.collect();
      // The hung call is still pending: /nfs is not asked again (no pile-up of blocked threads).
      expect(calls.filter((p) => p === '/nfs')).toHaveLength(1);
      release!();
      await new Promise((r) => setImmediate(r));
      await c.collect();
      expect(calls.filter((p) => p === '/nfs')).toHaveLength(2);
    } finally {
      cleanup();
    }
  });

  it.each([
    ['NaN sizes', { bsize: NaN, blocks: NaN, bfree: NaN, bavail: NaN }],
    ['zero blocks', { bsize: 4096, blocks: 0, bfree: 0, bavail: 0 }],
    ['Infinity', { bsize: Infinity, blocks: 1, bfree: 1, bavail: 1 }],
    ['bavail > bfree > blocks', { bsize: 1, blocks: 10, bfree: 50, bavail: 90 }],
  ])('drops or clamps a hostile statfs answer (%s) instead of reporting nonsense', async (_, answer) => {
    const { dir, cleanup } = tempDir('fs-hostile');
    try {
      fakeProc(dir, { 'self/mounts': '/dev/a /data ext4 rw 0 0\n' });
      const c = new FilesystemCollector(dir, createNameFilter({ include: [], exclude: [] }), createNameFilter({ include: [], exclude: [] }), 50, () => Promise.resolve(answer));
      await c.collect();
      for (const f of c.filesystems) {
        expect(Number.isFinite(f.limit) && Number.isFinite(f.used) && Number.isFinite(f.free)).toBe(true);
        expect(f.used).toBeGreaterThanOrEqual(0);
        expect(f.free).toBeLessThanOrEqual(f.limit);
        expect(f.utilization).toBeGreaterThanOrEqual(0);
        expect(f.utilization).toBeLessThanOrEqual(1);
      }
    } finally {
      cleanup();
    }
  });
});

describe('dedupeByDevice', () => {
  const info = (deviceNumber: string, root: string, mountpoint: string, device = '/dev/vda1') => ({ device, mountpoint, type: 'ext4', deviceNumber, root, superOptions: 'rw' });
  const plain = (device: string, mountpoint: string) => ({ device, mountpoint, type: 'tmpfs' });
  const where = (ms: readonly { mountpoint: string }[]) => ms.map((m) => m.mountpoint);

  it('keeps the mount of the filesystem\'s own root over a shorter bind mount, whichever comes first', () => {
    expect(where(dedupeByDevice([info('8:1', '/srv/x', '/x'), info('8:1', '/', '/longer/root')]))).toEqual(['/longer/root']);
    expect(where(dedupeByDevice([info('8:1', '/', '/longer/root'), info('8:1', '/srv/x', '/x')]))).toEqual(['/longer/root']);
  });

  it('among mounts of the same rank keeps the shortest mountpoint, and the first of equal length', () => {
    expect(where(dedupeByDevice([info('8:1', '/a', '/bind/long'), info('8:1', '/b', '/bind')]))).toEqual(['/bind']);
    expect(where(dedupeByDevice([info('8:1', '/', '/data'), info('8:1', '/', '/datas')]))).toEqual(['/data']);
    expect(where(dedupeByDevice([info('8:1', '/', '/a'), info('8:1', '/', '/b')]))).toEqual(['/a']);
  });

  it('keys on the device number, whatever the device is called (tmpfs twice, one disk under two names)', () => {
    expect(where(dedupeByDevice([info('0:45', '/', '/run/a', 'tmpfs'), info('0:45', '/', '/run/b', 'tmpfs'), info('0:46', '/', '/run/c', 'tmpfs')]))).toEqual(['/run/a', '/run/c']);
    expect(where(dedupeByDevice([info('8:1', '/', '/', '/dev/root'), info('8:1', '/', '/mnt', '/dev/vda1')]))).toEqual(['/']);
  });

  it('without device numbers (/proc/self/mounts) keys on a device path only: same-named tmpfs mounts all stay, first', () => {
    expect(where(dedupeByDevice([plain('/dev/sdb1', '/disk/b'), plain('tmpfs', '/t1'), plain('/dev/sdb1', '/b'), plain('tmpfs', '/t2'), plain('dev/', '/rel')]))).toEqual(['/t1', '/t2', '/rel', '/b']);
  });
});

describe('FilesystemCollector figures from statfs', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('fs-figures')));
  afterEach(() => cleanup());

  async function measure(answer: StatfsLike) {
    fakeProc(dir, { 'self/mounts': '/dev/a /data ext4 rw 0 0\n' });
    const none = createNameFilter({ include: [], exclude: [] });
    const c = new FilesystemCollector(dir, none, none, 1000, () => Promise.resolve(answer));
    expect(c.filesystems).toEqual([]);
    await c.collect();
    return c.filesystems;
  }

  it.each<[string, StatfsLike, object | undefined]>([
    // 100 blocks of 1 B: 80 free, 70 of them for users -> used 20, free 70, reserved 10, utilization 20 / 90.
    ['a plain answer', { bsize: 1, blocks: 100, bfree: 80, bavail: 70 }, { limit: 100, used: 20, free: 70, reserved: 10, utilization: 20 / 90 }],
    // bfree and bavail clamped to the size: nothing used, all free.
    ['free beyond the size', { bsize: 1, blocks: 10, bfree: 50, bavail: 90 }, { limit: 10, used: 0, free: 10, reserved: 0, utilization: 0 }],
    // Everything free is reserved for root: used 0 + free 0, utilization 0 (not 0/0).
    ['all free space reserved', { bsize: 4096, blocks: 10, bfree: 10, bavail: 0 }, { limit: 40960, used: 0, free: 0, reserved: 40960, utilization: 0 }],
    ['negative free counts', { bsize: 2, blocks: 10, bfree: -5, bavail: -1 }, { limit: 20, used: 20, free: 0, reserved: 0, utilization: 1 }],
    ['zero blocks', { bsize: 4096, blocks: 0, bfree: 0, bavail: 0 }, undefined],
    ['zero block size', { bsize: 0, blocks: 10, bfree: 5, bavail: 5 }, undefined],
    ['a non-finite field', { bsize: 4096, blocks: 10, bfree: 5, bavail: NaN }, undefined],
  ])('%s', async (_, answer, figures) => {
    const got = await measure(answer);
    expect(got).toEqual(figures ? [{ device: '/dev/a', mountpoint: '/data', type: 'ext4', ...figures }] : []);
  });

  it('reads /proc/self/mountinfo before /proc/self/mounts', async () => {
    fakeProc(dir, {
      'self/mountinfo': '22 1 8:1 / /from-mountinfo rw - ext4 /dev/a rw\n',
      'self/mounts': '/dev/a /from-mounts ext4 rw 0 0\n',
    });
    const none = createNameFilter({ include: [], exclude: [] });
    const c = new FilesystemCollector(dir, none, none, 1000, () => Promise.resolve({ bsize: 1, blocks: 1, bfree: 0, bavail: 0 }));
    await c.collect();
    expect(c.filesystems.map((f) => f.mountpoint)).toEqual(['/from-mountinfo']);
  });
});
