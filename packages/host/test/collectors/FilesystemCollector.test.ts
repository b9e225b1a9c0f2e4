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
});
