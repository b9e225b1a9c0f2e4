/*
 * Bug: a disk whose kernel name holds a `/` (the HP Smart Array driver's `cciss/c0d0`, `ida/c0d0`, `rd/c0d0`) is
 * listed in /proc/diskstats under that name, but sysfs cannot hold a `/` in a file name, so the kernel writes it
 * as `!` there (lib/kobject.c, kobject_set_name_vargs: strreplace(s, '/', '!')): /sys/block/cciss!c0d0. The disk
 * collector kept only /proc/diskstats names found verbatim in /sys/block, and dropped these disks. The names are now
 * matched with `!` read as `/`, and the device is reported under the kernel's name with `/`, as /proc/diskstats,
 * iostat and node_exporter name it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fakeProc, startHost, tempDir } from '../fixtures/fakes';

/**
 * /proc/diskstats lines of a cciss controller with one logical drive and its partition (major 104, the cciss
 * block major in Documentation/admin-guide/devices.txt): reads, sectors read, ms reading, writes, sectors written.
 */
const DISKSTATS = [
  ' 104       0 cciss/c0d0 1200 0 9600 300 400 0 3200 150 0 500 450',
  ' 104       1 cciss/c0d0p1 1100 0 8800 280 400 0 3200 150 0 480 430',
  '   8       0 sda 10 0 80 5 0 0 0 0 0 5 5',
  '',
].join('\n');

describe('regression: disks named with a / in the kernel are reported', () => {
  it('reports cciss/c0d0 (sysfs: cciss!c0d0), not its partition, with figures worked out by hand', async () => {
    const { dir, cleanup } = tempDir('cciss');
    fakeProc(dir, { diskstats: DISKSTATS });
    for (const d of ['cciss!c0d0', 'sda']) mkdirSync(join(dir, 'block', d), { recursive: true });
    const groups = { cpu: false, memory: false, filesystem: false, network: false, process: false, eventLoop: false, gc: false, container: false };
    const { perf, host } = startHost({ procPath: dir, sysPath: dir, gpu: false, groups });
    try {
      await host.collectNow();
      const disks = host.latest()!.disks;
      expect(disks.map((d) => d.device)).toEqual(['cciss/c0d0', 'sda']);
      const cciss = disks[0]!;
      expect(cciss.readBytes).toBe(9600 * 512); // 4,915,200
      expect(cciss.writeBytes).toBe(3200 * 512);
      expect(cciss.reads).toBe(1200);
      expect(cciss.ioTimeSeconds).toBe(0.5);
      const text = await perf.metrics();
      expect(text).toContain('system_disk_io_bytes_total{system_device="cciss/c0d0",disk_io_direction="read"} 4915200\n');
    } finally {
      await perf.shutdown();
      cleanup();
    }
  });

  it('lets a devices filter name the disk as the kernel does, with the /', async () => {
    const { dir, cleanup } = tempDir('cciss');
    fakeProc(dir, { diskstats: DISKSTATS });
    for (const d of ['cciss!c0d0', 'sda']) mkdirSync(join(dir, 'block', d), { recursive: true });
    const groups = { cpu: false, memory: false, filesystem: false, network: false, process: false, eventLoop: false, gc: false, container: false };
    const { perf, host } = startHost({ procPath: dir, sysPath: dir, gpu: false, groups, devices: { include: ['cciss/*'], exclude: [] } });
    try {
      await host.collectNow();
      expect(host.latest()!.disks.map((d) => d.device)).toEqual(['cciss/c0d0']);
    } finally {
      await perf.shutdown();
      cleanup();
    }
  });
});
