/*
 * Bug: device-mapper (dm-*, LVM/LUKS) and software-RAID (md*) volumes are listed in /sys/block like disks and were
 * reported on top of the disks under them, so summing system.disk.io counted the same I/O twice.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fakeProc, startHost, tempDir } from '../fixtures/fakes';

const line = (major: number, minor: number, name: string, reads: number) => `   ${major}       ${minor} ${name} ${reads} 0 ${reads * 8} 10 5 0 40 20 0 30 30`;

describe('regression: stacked block devices are not counted on top of their disks', () => {
  it('reports sda and nvme0n1 but not dm-0 or md0 with the default devices filter', async () => {
    const { dir, cleanup } = tempDir('dm');
    fakeProc(dir, {
      diskstats: [line(8, 0, 'sda', 100), line(8, 1, 'sda1', 100), line(259, 0, 'nvme0n1', 50), line(253, 0, 'dm-0', 100), line(9, 0, 'md0', 50), ''].join('\n'),
    });
    for (const d of ['sda', 'nvme0n1', 'dm-0', 'md0']) mkdirSync(join(dir, 'block', d), { recursive: true });
    const { perf, host } = startHost({ procPath: dir, sysPath: dir, gpu: false, groups: { cpu: false, memory: false, filesystem: false, network: false, process: false, eventLoop: false, gc: false } });
    try {
      await host.collectNow();
      expect(host.latest()!.disks.map((d) => d.device)).toEqual(['sda', 'nvme0n1']);
    } finally {
      await perf.shutdown();
      cleanup();
    }
  });
});
