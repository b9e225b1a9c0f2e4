/*
 * The cgroup v2 files of a real Docker container (Ubuntu 22.04 host), copied verbatim: see
 * test/fixtures/cgroup/README.md for where from. Every expected figure below is worked out by hand from those files.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupCollector } from '../../src/collectors/CgroupCollector';
import { FilesystemCollector } from '../../src/collectors/FilesystemCollector';
import { createNameFilter } from '../../src/collectors/nameFilter';
import { PSEUDO_FILESYSTEM_TYPES } from '../../src/config';
import { captureDiag, fakeProc, tempDir } from '../fixtures/fakes';

const CAPTURE = join(__dirname, '..', 'fixtures', 'cgroup', 'v2-docker-ubuntu2204');
const CGROUP = join(CAPTURE, 'sys', 'fs', 'cgroup');

function setup(procPath: string, cgroupPath?: string) {
  const { diag, lines } = captureDiag();
  return { c: new CgroupCollector(procPath, 1000, diag, cgroupPath), lines };
}

describe('CgroupCollector on files captured in a real Docker container (cgroup v2)', () => {
  it('reads memory, CPU quota, throttling and pressure as the kernel wrote them', () => {
    const { c, lines } = setup('/nonexistent', CGROUP);
    expect(c.layout.mode).toBe('v2');
    c.collect();
    const s = c.container!;
    expect(s.memory).toEqual({
      limit: undefined, // the capture has no memory.max: no limit is claimed
      usage: 2_766_684_160, // memory.current
      workingSet: 2_724_577_280, // 2766684160 − inactive_file 42106880
      rss: 2_147_508_224, // anon
      available: undefined,
      utilization: undefined,
      oomKills: undefined, // no memory.events in the capture
      limitHits: undefined,
    });
    expect(s.cpu).toEqual({
      limitCores: 2.5, // cpu.max "250000 100000"
      timeSeconds: 528.946079, // usage_usec 528946079
      usageCores: undefined, // one reading only
      utilization: undefined,
      periods: 2914,
      throttledPeriods: 222,
      throttledSeconds: 2.261444, // throttled_usec 2261444
    });
    expect(s.pressure).toEqual([
      { resource: 'cpu', scope: 'some', source: 'cgroup', avg10: 0.6595, totalSeconds: 576.908731 },
      { resource: 'cpu', scope: 'full', source: 'cgroup', avg10: 0.3286, totalSeconds: 338.250181 },
      { resource: 'memory', scope: 'some', source: 'cgroup', avg10: 0, totalSeconds: 0.001123 },
      { resource: 'memory', scope: 'full', source: 'cgroup', avg10: 0, totalSeconds: 0.001123 },
      { resource: 'io', scope: 'some', source: 'cgroup', avg10: 0.006, totalSeconds: 4.120174 },
      { resource: 'io', scope: 'full', source: 'cgroup', avg10: 0.006, totalSeconds: 4.106664 },
    ]);
    // The two files the capture lacks are said once each, as information (kernels and captures differ).
    expect(lines.map((l) => l.replace(CGROUP, '<cgroup>'))).toEqual([
      'info: host container: <cgroup>/memory.max: missing; figure left out',
      'info: host container: <cgroup>/memory.events: missing; figure left out',
    ]);
  });

  it('finds the container through /proc when the namespace root is the container (Docker\'s private cgroupns)', () => {
    const { dir, cleanup } = tempDir('cg-docker');
    try {
      const tree = join(dir, 'cgroup');
      cpSync(CGROUP, tree, { recursive: true });
      // Not in the capture, but in the directory it came from: the kernel writes cgroup.type in every non-root
      // cgroup, and memory.current and cpu.max exist only in non-root cgroups (cgroup-v2.rst), so this one had it.
      writeFileSync(join(tree, 'cgroup.type'), 'domain\n');
      writeFileSync(join(tree, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
      const proc = fakeProc(join(dir, 'proc'), {
        'self/cgroup': '0::/\n',
        'self/mountinfo': `1 0 0:31 / / rw,relatime - overlay overlay rw\n2 1 0:34 / ${tree} ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw,nsdelegate,memory_recursiveprot\n`,
      });
      const { c } = setup(proc);
      expect(c.layout).toMatchObject({ mode: 'v2', memory: { version: 2, dir: tree }, cpu: { version: 2, dir: tree }, unified: { dir: tree, isRoot: false } });
      c.collect();
      expect(c.container!.memory.workingSet).toBe(2_724_577_280);
      expect(c.container!.cpu.limitCores).toBe(2.5);
    } finally {
      cleanup();
    }
  });
});

describe('FilesystemCollector on the same container\'s /proc/mounts', () => {
  it('measures the overlay root and the host disk once, though Docker bind-mounts it three times', async () => {
    const { dir, cleanup } = tempDir('fs-docker');
    try {
      cpSync(join(CAPTURE, 'proc'), join(dir, 'self'), { recursive: true });
      const asked: string[] = [];
      const statfsOf = (path: string) => (asked.push(path), Promise.resolve({ bsize: 4096, blocks: 100, bfree: 50, bavail: 40 }));
      const types = createNameFilter({ include: [], exclude: [...PSEUDO_FILESYSTEM_TYPES] });
      const c = new FilesystemCollector(dir, createNameFilter({ include: [], exclude: [] }), types, 1000, statfsOf);
      await c.collect();
      // /dev/sdc2 is mounted at /etc/resolv.conf, /etc/hostname and /etc/hosts; the shortest mountpoint stands for it.
      expect(asked).toEqual(['/', '/etc/hosts']);
      expect(c.filesystems.map((f) => [f.device, f.type])).toEqual([
        ['overlay', 'overlay'],
        ['/dev/sdc2', 'ext4'],
      ]);
    } finally {
      cleanup();
    }
  });
});
