/*
 * Bug: on cgroup v1 (and hybrid) only the process's own `cpu.cfs_quota_us` was read. CFS bandwidth is hierarchical
 * (the kernel's scheduler/sched-bwc.rst): a quota on a parent — `CPUQuota=` on a systemd slice, a pod cgroup —
 * throttles every cgroup under it, whose own quota stays -1. perfkit reported no CPU limit, no
 * perfkit.container.cpu.utilization, and divided process.cpu.utilization by every logical CPU, while the kernel
 * throttled the process to the parent's quota (reproduced here: parent at 0.5 cores, 30 of 42 periods throttled,
 * perfkit_container_cpu_limit absent). v2 already took the smallest `cpu.max` up the tree; v1 now does the same.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupCollector } from '../../src/collectors/CgroupCollector';
import { captureDiag, fakeProc, tempDir } from '../fixtures/fakes';

beforeEach(() => jest.spyOn(process as unknown as { constrainedMemory: () => number | undefined }, 'constrainedMemory').mockReturnValue(undefined));
afterEach(() => jest.restoreAllMocks());

function setup(procPath: string) {
  const { diag, lines } = captureDiag();
  return { c: new CgroupCollector(procPath, 1000, diag), lines };
}

/** A fake /proc putting the process in `path` of a v1 `cpu` hierarchy mounted at `mount`. */
function procIn(dir: string, mount: string, path: string): string {
  return fakeProc(join(dir, 'proc'), {
    'self/cgroup': `3:cpu:${path}\n`,
    'self/mountinfo': `25 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n32 25 0:29 / ${mount} rw,relatime - cgroup cgroup rw,cpu\n`,
  });
}

describe('regression: a CPU quota on a parent v1 cgroup is the limit', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('cpuq')));
  afterEach(() => cleanup());

  /** A v1 cpu hierarchy: the root (release_agent, quota -1), `system.slice` and `system.slice/app.service`. */
  function tree(slice: [quota: string, period: string], service: [quota: string, period: string]): string {
    const mount = join(dir, 'cpu');
    fakeProc(mount, {
      release_agent: '\n',
      'cpu.cfs_quota_us': '-1\n',
      'cpu.cfs_period_us': '100000\n',
      'system.slice/cpu.cfs_quota_us': `${slice[0]}\n`,
      'system.slice/cpu.cfs_period_us': `${slice[1]}\n`,
      'system.slice/app.service/cpu.cfs_quota_us': `${service[0]}\n`,
      'system.slice/app.service/cpu.cfs_period_us': `${service[1]}\n`,
      'system.slice/app.service/cpu.stat': 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\n',
    });
    return procIn(dir, mount, '/system.slice/app.service');
  }

  it('takes the slice\'s quota when the service\'s own is -1 (50000 / 100000 µs = 0.5 cores)', () => {
    const { c, lines } = setup(tree(['50000', '100000'], ['-1', '100000']));
    c.collect();
    expect(c.container!.cpu.limitCores).toBe(0.5);
    expect(c.cpuLimit()).toBe(0.5);
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('takes the smaller of its own and a parent\'s quota, whatever the periods (20000 / 100000 = 0.2 below 75000 / 50000 = 1.5)', () => {
    const { c } = setup(tree(['75000', '50000'], ['20000', '100000']));
    c.collect();
    expect(c.container!.cpu.limitCores).toBe(0.2);
  });

  it('takes a parent\'s smaller quota over its own (30000 / 120000 = 0.25 below 100000 / 100000 = 1)', () => {
    const { c } = setup(tree(['30000', '120000'], ['100000', '100000']));
    c.collect();
    expect(c.container!.cpu.limitCores).toBe(0.25);
  });

  it('on a real cpu cgroup: a child with quota -1 under a parent limited to 0.3 cores reads the parent\'s quota', () => {
    if (process.env.PERFKIT_SKIP_REAL_CGROUP === '1') return;
    const name = `perfkit-test-parentquota-${process.pid}-${Date.now()}`;
    const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    const v1 = mountinfo.split('\n').find((l) => / - cgroup \S+ \S*\bcpu\b/.test(l) && / \/sys\/fs\/cgroup\/cpu[ ,]/.test(l));
    const made: string[] = [];
    try {
      let parent: string;
      let cgroupLine: string;
      let quotaCores: () => number;
      if (process.getuid?.() !== 0) throw new Error(`needs root (uid ${process.getuid?.()}) to create cgroups; set PERFKIT_SKIP_REAL_CGROUP=1 to skip it knowingly`);
      if (v1 && existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')) {
        const mount = v1.split(' ')[4]!;
        parent = join(mount, name);
        mkdirSync(join(parent, 'child'), { recursive: true });
        made.push(join(parent, 'child'), parent);
        writeFileSync(join(parent, 'cpu.cfs_period_us'), '100000');
        writeFileSync(join(parent, 'cpu.cfs_quota_us'), '30000');
        cgroupLine = `3:cpu:/${name}/child\n`;
        quotaCores = () => Number(readFileSync(join(parent, 'cpu.cfs_quota_us'), 'utf8')) / Number(readFileSync(join(parent, 'cpu.cfs_period_us'), 'utf8'));
        expect(readFileSync(join(parent, 'child', 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('-1');
      } else if (existsSync('/sys/fs/cgroup/cgroup.controllers') && /\bcpu\b/.test(readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8'))) {
        parent = join('/sys/fs/cgroup', name);
        writeFileSync('/sys/fs/cgroup/cgroup.subtree_control', '+cpu');
        mkdirSync(parent);
        made.unshift(parent);
        writeFileSync(join(parent, 'cgroup.subtree_control'), '+cpu');
        mkdirSync(join(parent, 'child'));
        made.unshift(join(parent, 'child'));
        writeFileSync(join(parent, 'cpu.max'), '30000 100000');
        cgroupLine = `0::/${name}/child\n`;
        quotaCores = () => {
          const [q, p] = readFileSync(join(parent, 'cpu.max'), 'utf8').trim().split(' ');
          return Number(q) / Number(p);
        };
      } else {
        throw new Error('no v1 cpu hierarchy at /sys/fs/cgroup/cpu and no cpu controller in /sys/fs/cgroup/cgroup.controllers');
      }
      const proc = fakeProc(join(dir, 'proc'), { 'self/cgroup': cgroupLine, 'self/mountinfo': mountinfo });
      const { c } = setup(proc);
      expect(c.layout.cpu?.dir).toBe(join(parent, 'child'));
      c.collect();
      expect(quotaCores()).toBe(0.3);
      expect(c.container!.cpu.limitCores).toBe(quotaCores());
    } finally {
      for (const d of made) rmdirSync(d);
    }
  });
});
