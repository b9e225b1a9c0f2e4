/*
 * Bug: a filesystem mounted again through bind mounts (a container's /etc/hosts, a volume shown twice) was reported
 * once per mountpoint, so summing system.filesystem.usage counted its bytes twice. Mounts are now deduplicated by
 * device number (mountinfo major:minor), keeping the filesystem's own root.
 */
import { FilesystemCollector } from '../../src/collectors/FilesystemCollector';
import { createNameFilter } from '../../src/collectors/nameFilter';
import { fakeProc, tempDir } from '../fixtures/fakes';

const MOUNTINFO = [
  '22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw',
  '23 22 253:1 /var/lib/docker/containers/abc/hosts /etc/hosts rw,relatime - ext4 /dev/vda1 rw',
  '24 22 253:1 /srv/data /data rw,relatime - ext4 /dev/vda1 rw',
  '25 22 253:17 / /models rw,relatime - xfs /dev/vdb1 rw',
  '26 22 0:45 / /dev/shm rw - tmpfs shm rw',
  '',
].join('\n');
const MOUNTS = ['/dev/vda1 / ext4 rw 0 0', '/dev/vda1 /etc/hosts ext4 rw 0 0', '/dev/vda1 /data ext4 rw 0 0', '/dev/vdb1 /models xfs rw 0 0', 'shm /dev/shm tmpfs rw 0 0', ''].join('\n');

describe('regression: bind mounts are not counted twice', () => {
  it('reports each device once, at the mount of its own root', async () => {
    const { dir, cleanup } = tempDir('bind');
    try {
      fakeProc(dir, { 'self/mountinfo': MOUNTINFO, 'self/mounts': MOUNTS });
      const statfs = async () => ({ bsize: 4096, blocks: 1000, bfree: 500, bavail: 400 });
      const c = new FilesystemCollector(dir, createNameFilter({ include: [], exclude: [] }), createNameFilter({ include: [], exclude: ['tmpfs'] }), 1000, statfs);
      await c.collect();
      expect(c.filesystems.map((f) => [f.mountpoint, f.device]).sort()).toEqual([
        ['/', '/dev/vda1'],
        ['/models', '/dev/vdb1'],
      ]);
    } finally {
      cleanup();
    }
  });
});
