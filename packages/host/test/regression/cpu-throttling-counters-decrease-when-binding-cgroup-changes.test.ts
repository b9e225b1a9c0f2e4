/*
 * Bug: periods, throttled periods and throttled time come from the cpu.stat of the cgroup whose CPU quota binds
 * (cpu-throttling-zero-under-parent-quota). When that cgroup changed at run time (`docker update --cpus`,
 * `systemctl set-property app.service CPUQuota=`: a quota set or removed on the process's cgroup or a parent slice),
 * the three counters switched to the other cgroup's cpu.stat, whose counts are unrelated: a slice that had counted
 * 1000 periods handing over to a service that had counted 30 made perfkit_container_cpu_periods_total go from 1000 to
 * 30. Prometheus reads a counter that goes down as a reset and rate() turns it into a spike (here 30 periods counted
 * as new). The same held for a source whose own counter went back (a cgroup removed and created again).
 * Each container counter now carries its total across such a change: the new source counts from its value at the
 * switch, and a source that goes back counts from 0 again (what Prometheus assumes of a reset), so the exported
 * total never decreases. The figures below are worked out by hand from the files the test writes.
 */
import { join } from 'node:path';
import { CgroupCollector } from '../../src/collectors/CgroupCollector';
import { captureDiag, fakeProc, tempDir } from '../fixtures/fakes';

beforeEach(() => jest.spyOn(process as unknown as { constrainedMemory: () => number | undefined }, 'constrainedMemory').mockReturnValue(undefined));
afterEach(() => jest.restoreAllMocks());

function setup(procPath: string) {
  const { diag, lines } = captureDiag();
  return { c: new CgroupCollector(procPath, 1000, diag), lines };
}

const v1Stat = (periods: number, throttled: number, ns: number) => `nr_periods ${periods}\nnr_throttled ${throttled}\nthrottled_time ${ns}\n`;
const v2Stat = (usageUs: number, periods: number, throttled: number, us: number) =>
  `usage_usec ${usageUs}\nuser_usec ${usageUs}\nsystem_usec 0\nnr_periods ${periods}\nnr_throttled ${throttled}\nthrottled_usec ${us}\n`;

/** The quota and throttling figures of a collection. */
function collectThrottling(c: CgroupCollector) {
  c.collect();
  const { limitCores, periods, throttledPeriods, throttledSeconds } = c.container!.cpu;
  return { limitCores, periods, throttledPeriods, throttledSeconds };
}

/** A v2 tree, `pod` (its cpu.max `podMax`) and the process in `pod/ctr`; `files()` writes the figures that change. */
function v2Tree(dir: string, podMax: string) {
  const tree = join(dir, 'v2');
  const files = (ctrMax: string, podStat: string, ctrStat: string) =>
    fakeProc(tree, {
      'cgroup.controllers': 'cpu\n',
      'pod/cgroup.type': 'domain\n',
      'pod/cgroup.controllers': 'cpu\n',
      'pod/cpu.max': `${podMax}\n`,
      'pod/cpu.stat': podStat,
      'pod/ctr/cgroup.type': 'domain\n',
      'pod/ctr/cgroup.controllers': 'cpu\n',
      'pod/ctr/cpu.max': `${ctrMax}\n`,
      'pod/ctr/cpu.stat': ctrStat,
    });
  const proc = fakeProc(join(dir, 'proc'), {
    'self/cgroup': '0::/pod/ctr\n',
    'self/mountinfo': `25 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n30 25 0:26 / ${tree} rw,relatime - cgroup2 cgroup2 rw\n`,
  });
  return { files, proc };
}

describe('regression: CPU throttling counters never decrease when the cgroup whose quota binds changes', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('thrswitch')));
  afterEach(() => cleanup());

  it('v1: carries the slice\'s totals over to the service and back when a quota is set on the service and removed again', () => {
    const mount = join(dir, 'cpu');
    const slice = join(mount, 'system.slice');
    const service = join(slice, 'app.service');
    const files = (sliceStat: string, serviceQuota: string, serviceStat: string) =>
      fakeProc(mount, {
        release_agent: '\n',
        'cpu.cfs_quota_us': '-1\n',
        'cpu.cfs_period_us': '100000\n',
        'system.slice/cpu.cfs_quota_us': '50000\n',
        'system.slice/cpu.cfs_period_us': '100000\n',
        'system.slice/cpu.stat': sliceStat,
        'system.slice/app.service/cpu.cfs_quota_us': `${serviceQuota}\n`,
        'system.slice/app.service/cpu.cfs_period_us': '100000\n',
        'system.slice/app.service/cpu.stat': serviceStat,
      });
    const proc = fakeProc(join(dir, 'proc'), {
      'self/cgroup': '3:cpu:/system.slice/app.service\n',
      'self/mountinfo': `25 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n32 25 0:29 / ${mount} rw,relatime - cgroup cgroup rw,cpu\n`,
    });
    // 1. The slice's 0.5-core quota binds (the service has none): the slice's own counts.
    files(v1Stat(1000, 400, 20e9), '-1', v1Stat(0, 0, 0));
    const { c } = setup(proc);
    const read = () => collectThrottling(c);
    expect(read()).toEqual({ limitCores: 0.5, periods: 1000, throttledPeriods: 400, throttledSeconds: 20 });

    // 2. `systemctl set-property app.service CPUQuota=20%`: the service's 0.2 cores bind now; its cpu.stat has counted
    //    30 / 10 / 0.5 s since the quota was set. Those counts started before this reading: the totals stay.
    files(v1Stat(1005, 402, 20.1e9), '20000', v1Stat(30, 10, 0.5e9));
    expect(read()).toEqual({ limitCores: 0.2, periods: 1000, throttledPeriods: 400, throttledSeconds: 20 });

    // 3. The service counts on: 50 / 25 / 1.25 s, i.e. +20 periods, +15 throttled, +0.75 s.
    files(v1Stat(1005, 402, 20.1e9), '20000', v1Stat(50, 25, 1.25e9));
    expect(read()).toEqual({ limitCores: 0.2, periods: 1020, throttledPeriods: 415, throttledSeconds: 20.75 });

    // 4. The service's quota is removed again: the slice binds, at 1100 / 450 / 22 s. No step back to the slice's
    //    own figures, no jump: the totals stay at 1020 / 415 / 20.75 s.
    files(v1Stat(1100, 450, 22e9), '-1', v1Stat(50, 25, 1.25e9));
    expect(read()).toEqual({ limitCores: 0.5, periods: 1020, throttledPeriods: 415, throttledSeconds: 20.75 });

    // 5. The slice counts on: +10 periods, +5 throttled, +0.5 s.
    files(v1Stat(1110, 455, 22.5e9), '-1', v1Stat(50, 25, 1.25e9));
    expect(read()).toEqual({ limitCores: 0.5, periods: 1030, throttledPeriods: 420, throttledSeconds: 21.25 });
  });

  it('v2: carries the pod\'s totals over when `docker update --cpus` gives the container a smaller cpu.max, and counts on after its cpu.stat goes back', () => {
    const { files, proc } = v2Tree(dir, '200000 100000');
    // The pod's 2 cores bind: 800 periods, 120 throttled, 6 s.
    files('max 100000', v2Stat(9e6, 800, 120, 6e6), v2Stat(3e6, 0, 0, 0));
    const { c } = setup(proc);
    const read = () => collectThrottling(c);
    expect(read()).toEqual({ limitCores: 2, periods: 800, throttledPeriods: 120, throttledSeconds: 6 });
    // The container gets 0.5 cores; its cpu.stat: 40 / 8 / 0.2 s at the switch, then 70 / 20 / 0.8 s.
    files('50000 100000', v2Stat(9.5e6, 805, 121, 6.1e6), v2Stat(3.5e6, 40, 8, 0.2e6));
    expect(read()).toEqual({ limitCores: 0.5, periods: 800, throttledPeriods: 120, throttledSeconds: 6 });
    files('50000 100000', v2Stat(9.5e6, 805, 121, 6.1e6), v2Stat(3.9e6, 70, 20, 0.8e6));
    expect(read()).toEqual({ limitCores: 0.5, periods: 830, throttledPeriods: 132, throttledSeconds: 6.6 });
    // The container's cpu.stat goes back (the cgroup was removed and created under the same path): 5 / 2 / 0.1 s are
    // counted as new, as Prometheus reads a reset: 835 / 134 / 6.7 s, never below 830 / 132 / 6.6 s.
    files('50000 100000', v2Stat(9.5e6, 805, 121, 6.1e6), v2Stat(0.1e6, 5, 2, 0.1e6));
    expect(read()).toEqual({ limitCores: 0.5, periods: 835, throttledPeriods: 134, throttledSeconds: 6.7 });
  });

  it('keeps the totals when cpu.stat is unreadable for one collection and the binding cgroup changed meanwhile', () => {
    const { files, proc } = v2Tree(dir, '100000 100000');
    files('max 100000', v2Stat(9e6, 300, 30, 2e6), v2Stat(3e6, 0, 0, 0));
    const { c } = setup(proc);
    c.collect();
    expect(c.container!.cpu.periods).toBe(300);
    // The pod's cpu.stat is garbage for one collection: the figures are left out.
    files('max 100000', 'garbage\n', v2Stat(3e6, 0, 0, 0));
    c.collect();
    expect(c.container!.cpu.periods).toBeUndefined();
    // Meanwhile the container got its own quota: its 12 periods at the switch are not added; 15 later are +3.
    files('50000 100000', v2Stat(9e6, 310, 31, 2.1e6), v2Stat(3.1e6, 12, 1, 0.05e6));
    c.collect();
    expect(c.container!.cpu.periods).toBe(300);
    files('50000 100000', v2Stat(9e6, 310, 31, 2.1e6), v2Stat(3.2e6, 15, 2, 0.1e6));
    c.collect();
    expect(c.container!.cpu).toMatchObject({ periods: 303, throttledPeriods: 31, throttledSeconds: 2.05 });
  });
});
