import { execFileSync } from 'node:child_process';
import { FilesystemCollector } from '../../src/collectors/FilesystemCollector';
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
