import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupCollector } from '../../src/collectors/CgroupCollector';
import { detectCgroup } from '../../src/collectors/cgroupLayout';
import { captureDiag, fakeProc, tempDir } from '../fixtures/fakes';

const MiB = 1024 * 1024;
const FIXTURE = join(__dirname, '..', 'fixtures', 'cgroup', 'v2');
const CTR = join(FIXTURE, 'kubepods', 'pod1', 'ctr');

/** A fake /proc whose self/cgroup and self/mountinfo put the process in `path` of a v2 tree mounted at `mount`. */
function procFor(dir: string, mount: string, path: string, extraMounts = '', extraCgroup = ''): string {
  return fakeProc(join(dir, 'proc'), {
    'self/cgroup': `${extraCgroup}0::${path}\n`,
    'self/mountinfo': `25 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n30 25 0:26 / ${mount} rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate\n${extraMounts}`,
  });
}

// Node's own reading of this machine's memory limit is compared with the files on every collection; a machine
// running these tests under a limit would add that comparison's line to tests that read the fixtures through /proc.
// The tests of that comparison set their own reading.
beforeEach(() => jest.spyOn(process as unknown as { constrainedMemory: () => number | undefined }, 'constrainedMemory').mockReturnValue(undefined));
afterEach(() => jest.restoreAllMocks());

function setup(procPath: string, explicit?: string) {
  const { diag, lines } = captureDiag();
  const c = new CgroupCollector(procPath, 1000, diag, explicit);
  return { c, lines };
}

describe('CgroupCollector on the v2 fixture (kubelet layout, limit on the pod)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('cg')));
  afterEach(() => cleanup());

  it('finds the container from /proc/self/cgroup and mountinfo and reads the figures worked out by hand', async () => {
    const proc = procFor(dir, FIXTURE, '/kubepods/pod1/ctr');
    const { c, lines } = setup(proc);
    expect(c.layout.mode).toBe('v2');
    expect(c.layout.memory).toEqual({ version: 2, dir: CTR, top: FIXTURE });
    expect(c.layout.unified).toEqual({ dir: CTR, top: FIXTURE, isRoot: false });
    c.collect();
    const s = c.container!;
    expect(s.memory).toEqual({
      limit: 400 * MiB, // from pod1/memory.max: the container's own says max
      usage: 150 * MiB,
      workingSet: 140 * MiB, // 150 MiB − 10 MiB inactive_file
      rss: 120 * MiB,
      available: 260 * MiB,
      utilization: 0.35,
      oomKills: 1,
      limitHits: 12,
    });
    expect(s.cpu).toMatchObject({ limitCores: 1.5, timeSeconds: 8.123456, periods: 2000, throttledPeriods: 150, throttledSeconds: 3.4 });
    expect(s.pressure.filter((p) => p.source === 'cgroup')).toEqual([
      { resource: 'cpu', scope: 'some', source: 'cgroup', avg10: 0.125, totalSeconds: 4.1 },
      { resource: 'cpu', scope: 'full', source: 'cgroup', avg10: 0.0325, totalSeconds: 1.2 },
      { resource: 'memory', scope: 'some', source: 'cgroup', avg10: 0.005, totalSeconds: 0.25 },
      { resource: 'memory', scope: 'full', source: 'cgroup', avg10: 0.0025, totalSeconds: 0.125 },
      { resource: 'io', scope: 'some', source: 'cgroup', avg10: 0, totalSeconds: 0.0009 },
      { resource: 'io', scope: 'full', source: 'cgroup', avg10: 0, totalSeconds: 0.0003 },
    ]);
    expect(lines).toEqual([]);
  });

  it('computes CPU usage in cores and utilization against the quota from two readings', async () => {
    const tree = join(dir, 'tree');
    cpSync(CTR, tree, { recursive: true });
    const spy = jest.spyOn(performance, 'now');
    try {
      const { c } = setup('/nonexistent', tree);
      spy.mockReturnValue(10_000);
      c.collect();
      // 1.2 CPU-seconds more over 1 s: 1.2 cores, 0.8 of the 1.5-core quota.
      writeFileSync(join(tree, 'cpu.stat'), 'usage_usec 9323456\nnr_periods 2010\nnr_throttled 151\nthrottled_usec 3500000\n');
      spy.mockReturnValue(11_000);
      c.collect();
      expect(c.container!.cpu.usageCores).toBeCloseTo(1.2, 9);
      expect(c.container!.cpu.utilization).toBeCloseTo(0.8, 9);
      expect(c.cpuLimit()).toBe(1.5);
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps CPU time, OOM kills, limit hits and pressure totals from going down when the cgroup\'s files go back (recreated at the same path)', () => {
    const tree = join(dir, 'tree');
    cpSync(CTR, tree, { recursive: true });
    const { c } = setup('/nonexistent', tree);
    c.collect();
    expect(c.container!.cpu.timeSeconds).toBe(8.123456);
    // Recreated: every counter starts again from a small figure, which is counted as new (a reset).
    writeFileSync(join(tree, 'cpu.stat'), 'usage_usec 500000\nnr_periods 4\nnr_throttled 1\nthrottled_usec 20000\n');
    writeFileSync(join(tree, 'memory.events'), 'low 0\nhigh 0\nmax 2\noom 0\noom_kill 0\n');
    writeFileSync(join(tree, 'cpu.pressure'), 'some avg10=0.00 avg60=0.00 avg300=0.00 total=300000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=100000\n');
    c.collect();
    const s = c.container!;
    // 8123456 + 500000 µs; 2000 + 4 periods, 150 + 1, 3.4 + 0.02 s; 1 + 0 kills, 12 + 2 hits; 4.1 + 0.3 s, 1.2 + 0.1 s.
    expect(s.cpu).toMatchObject({ timeSeconds: 8.623456, periods: 2004, throttledPeriods: 151, throttledSeconds: 3.42 });
    expect([s.memory.oomKills, s.memory.limitHits]).toEqual([1, 14]);
    expect(s.pressure.filter((p) => p.source === 'cgroup' && p.resource === 'cpu').map((p) => [p.scope, p.totalSeconds])).toEqual([
      ['some', 4.1 + 0.3],
      ['full', 1.2 + 0.1],
    ]);
  });

  it('leaves the limit, available and utilization out when nothing up the tree is limited', () => {
    const tree = join(dir, 'tree');
    cpSync(FIXTURE, tree, { recursive: true });
    writeFileSync(join(tree, 'kubepods', 'pod1', 'memory.max'), 'max\n');
    writeFileSync(join(tree, 'kubepods', 'pod1', 'ctr', 'cpu.max'), 'max 100000\n');
    const { c, lines } = setup(procFor(dir, tree, '/kubepods/pod1/ctr'));
    c.collect();
    const m = c.container!.memory;
    expect([m.limit, m.available, m.utilization, m.usage]).toEqual([undefined, undefined, undefined, 150 * MiB]);
    expect(c.container!.cpu.limitCores).toBeUndefined();
    expect(lines).toEqual([]);
  });

  describe('hostile files: absent figure, one diagnostic line, no exception', () => {
    const cases: [string, string, string | null, (c: CgroupCollector) => unknown, RegExp][] = [
      ['memory.current missing', 'memory.current', null, (c) => c.container!.memory.usage, /memory\.current: missing/],
      ['memory.current says max', 'memory.current', 'max\n', (c) => c.container!.memory.usage, /memory\.current: not a number: "max"/],
      ['memory.current empty', 'memory.current', '', (c) => c.container!.memory.usage, /memory\.current: empty/],
      ['memory.current garbage', 'memory.current', '\u0000\u00ff12ab\n', (c) => c.container!.memory.usage, /memory\.current: not a number/],
      ['memory.current huge', 'memory.current', '99999999999999999999999\n', (c) => c.container!.memory.usage, /memory\.current: number too large/],
      ['memory.max garbage', 'memory.max', 'lots\n', (c) => c.container!.memory.limit, /memory\.max: not a number/],
      ['cpu.max garbage period', 'cpu.max', '150000 0\n', (c) => c.container!.cpu.limitCores, /cpu\.max: period is 0/],
      ['cpu.max empty', 'cpu.max', '   \n', (c) => c.container!.cpu.limitCores, /cpu\.max: empty/],
      ['memory.events garbage', 'memory.events', 'oom_kill lots\nmax 12\n', (c) => c.container!.memory.oomKills, /memory\.events: no readable "oom_kill"/],
      ['cpu.pressure garbage', 'cpu.pressure', 'some avg10=x\n', (c) => c.container!.pressure.find((p) => p.resource === 'cpu' && p.source === 'cgroup'), /cpu\.pressure: no readable some\/full line/],
      ['cpu.stat huge', 'cpu.stat', 'usage_usec 999999999999999999999\nnr_periods 1\nnr_throttled 0\nthrottled_usec 0\n', (c) => c.container!.cpu.timeSeconds, /cpu\.stat: no readable "usage_usec"/],
    ];
    it.each(cases)('%s', (_, file, text, figure, message) => {
      const tree = join(dir, 'tree');
      cpSync(CTR, tree, { recursive: true });
      if (text === null) rmSync(join(tree, file));
      else writeFileSync(join(tree, file), text);
      const { c, lines } = setup('/nonexistent', tree);
      expect(() => {
        c.collect();
        c.collect();
      }).not.toThrow();
      expect(figure(c)).toBeUndefined();
      const matching = lines.filter((l) => message.test(l));
      expect(matching).toHaveLength(1);
      expect(lines).toHaveLength(1);
      // Everything else is still there.
      expect(c.container!.memory.rss).toBe(120 * MiB);
    });
  });
});

describe('CgroupCollector against Node\'s own reading of the memory limit (process.constrainedMemory)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('cgx')));
  afterEach(() => {
    jest.restoreAllMocks();
    cleanup();
  });
  const node = (value: number | undefined) => jest.spyOn(process as unknown as { constrainedMemory: () => number | undefined }, 'constrainedMemory').mockReturnValue(value);
  const said = (l: string) => l.replace(/^warn: host container: process\.constrainedMemory\(\): /, '');

  // The fixture's limit: 400 MiB = 419430400 bytes; 1% of it is 4194304.
  it.each<[string, number | undefined, string[]]>([
    ['agrees', 400 * MiB, []],
    ['differs by exactly 1%', 400 * MiB + 4194304, []],
    ['differs by more than 1%', 400 * MiB + 4194305, ['Node reports a memory limit of 423624705 bytes, the cgroup files 419430400']],
    ['lower by more than 1%', 300 * MiB, ['Node reports a memory limit of 314572800 bytes, the cgroup files 419430400']],
    ['reads no limit (0)', 0, []],
    ['reads no limit (2^60 and up)', 2 ** 60, []],
    ['has no reading', undefined, []],
  ])('Node %s: a difference beyond 1%% of the limit is said once', (_, value, expected) => {
    node(value);
    const { c, lines } = setup(procFor(dir, FIXTURE, '/kubepods/pod1/ctr'));
    c.collect();
    c.collect();
    expect(lines.map(said)).toEqual(expected);
  });

  it('says once when Node reads a limit the cgroup files do not show, and never with an explicit cgroupPath', () => {
    const tree = join(dir, 'tree');
    cpSync(FIXTURE, tree, { recursive: true });
    writeFileSync(join(tree, 'kubepods', 'pod1', 'memory.max'), 'max\n');
    node(256 * MiB);
    const { c, lines } = setup(procFor(dir, tree, '/kubepods/pod1/ctr'));
    c.collect();
    c.collect();
    expect(lines.map(said)).toEqual(['Node reports a memory limit of 268435456 bytes that the cgroup files did not show']);
    const explicit = setup('/nonexistent', join(tree, 'kubepods', 'pod1', 'ctr'));
    explicit.c.collect();
    expect(explicit.lines).toEqual([]);
  });
});

describe('detectCgroup', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('cgd')));
  afterEach(() => cleanup());

  it('reads v1 controllers where v1 hierarchies hold them and calls v1 beside a unified mount hybrid', () => {
    for (const d of ['memory/docker/abc', 'cpu,cpuacct/docker/abc', 'unified/docker/abc']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'unified', 'docker', 'abc', 'cgroup.controllers'), '');
    writeFileSync(join(dir, 'unified', 'docker', 'abc', 'cgroup.type'), 'domain\n');
    const proc = fakeProc(join(dir, 'proc'), {
      'self/cgroup': '12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n0::/docker/abc\n',
      'self/mountinfo': [
        `40 30 0:35 / ${dir}/memory rw,nosuid - cgroup cgroup rw,memory`,
        `41 30 0:36 / ${dir}/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct`,
        `42 30 0:37 / ${dir}/unified rw,nosuid - cgroup2 cgroup2 rw`,
        '',
      ].join('\n'),
    });
    const layout = detectCgroup(proc);
    expect(layout.mode).toBe('hybrid');
    expect(layout.memory).toEqual({ version: 1, dir: join(dir, 'memory/docker/abc'), top: join(dir, 'memory') });
    expect(layout.cpu?.dir).toBe(join(dir, 'cpu,cpuacct/docker/abc'));
    expect(layout.cpuacct).toBe(join(dir, 'cpu,cpuacct/docker/abc'));
    expect(layout.unified).toEqual({ dir: join(dir, 'unified/docker/abc'), top: join(dir, 'unified'), isRoot: false });
  });

  it('leaves out a controller whose cgroup is the root (no container: its figures are the host\'s)', () => {
    for (const d of ['memory/svc', 'cpu', 'cpuacct']) mkdirSync(join(dir, d), { recursive: true });
    // The kernel writes release_agent in a v1 hierarchy's root only.
    for (const d of ['memory', 'cpu', 'cpuacct']) writeFileSync(join(dir, d, 'release_agent'), '');
    const proc = fakeProc(join(dir, 'proc'), {
      'self/cgroup': '4:memory:/svc\n2:cpuacct:/\n1:cpu:/\n',
      'self/mountinfo': [
        `40 30 0:35 / ${dir}/memory rw - cgroup cgroup rw,memory`,
        `41 30 0:36 / ${dir}/cpu rw - cgroup cgroup rw,cpu`,
        `42 30 0:37 / ${dir}/cpuacct rw - cgroup cgroup rw,cpuacct`,
        '',
      ].join('\n'),
    });
    const layout = detectCgroup(proc);
    expect(layout.mode).toBe('v1');
    expect(layout.memory?.dir).toBe(join(dir, 'memory/svc'));
    expect([layout.cpu, layout.cpuacct]).toEqual([undefined, undefined]);
  });

  it('finds the cgroup mount root itself inside a container whose cgroup is bind-mounted (mount root = its path)', () => {
    mkdirSync(join(dir, 'memory'), { recursive: true });
    const proc = fakeProc(join(dir, 'proc'), {
      'self/cgroup': '5:memory:/docker/abc\n',
      'self/mountinfo': `40 30 0:35 /docker/abc ${dir}/memory ro,nosuid - cgroup cgroup rw,memory\n`,
    });
    const layout = detectCgroup(proc);
    expect(layout.mode).toBe('v1');
    expect(layout.memory?.dir).toBe(join(dir, 'memory'));
  });

  it('says none, once, and reports nothing when no cgroup is mounted (or /proc is hostile)', () => {
    const proc = fakeProc(join(dir, 'proc'), { 'self/cgroup': 'garbage\n\u0000:x\n', 'self/mountinfo': 'nonsense line\n' });
    const { c, lines } = setup(proc);
    expect(c.layout.mode).toBe('none');
    c.collect();
    expect(c.container!.memory).toEqual({});
    expect(lines.filter((l) => /no cgroup hierarchy/.test(l))).toHaveLength(1);
  });
});

describe('CgroupCollector on a v1 tree', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('cg1')));
  afterEach(() => cleanup());

  it('reads limit, usage, working set, failcnt, oom_kill, CFS quota and throttling from the v1 files', () => {
    fakeProc(dir, {
      'memory/memory.limit_in_bytes': '536870912\n',
      'memory/memory.usage_in_bytes': '209715200\n',
      'memory/memory.stat': 'rss 1\ntotal_rss 104857600\ntotal_inactive_file 52428800\nhierarchical_memory_limit 9223372036854771712\n',
      'memory/memory.failcnt': '7\n',
      'memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
      'cpu/cpu.cfs_quota_us': '50000\n',
      'cpu/cpu.cfs_period_us': '100000\n',
      'cpu/cpu.stat': 'nr_periods 40\nnr_throttled 10\nthrottled_time 2500000000\n',
      'cpuacct/cpuacct.usage': '3000000000\n',
    });
    const { c, lines } = setup('/nonexistent', dir);
    expect(c.layout.mode).toBe('v1');
    c.collect();
    expect(c.container!.memory).toEqual({
      limit: 512 * MiB,
      usage: 200 * MiB,
      workingSet: 150 * MiB,
      rss: 100 * MiB,
      available: 362 * MiB,
      utilization: 150 / 512,
      oomKills: 2,
      limitHits: 7,
    });
    expect(c.container!.cpu).toMatchObject({ limitCores: 0.5, timeSeconds: 3, periods: 40, throttledPeriods: 10, throttledSeconds: 2.5 });
    expect(lines).toEqual([]);
  });

  it('reads the v1 "unlimited" values (PAGE_COUNTER_MAX pages, quota -1) as no limit, without a diagnostic', () => {
    fakeProc(dir, {
      'memory/memory.limit_in_bytes': '9223372036854771712\n',
      'memory/memory.usage_in_bytes': '1000\n',
      'memory/memory.stat': 'total_rss 10\ntotal_inactive_file 0\n',
      'memory/memory.failcnt': '0\n',
      'memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
      'cpu/cpu.cfs_quota_us': '-1\n',
      'cpu/cpu.stat': 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\n',
    });
    const { c, lines } = setup('/nonexistent', dir);
    c.collect();
    expect(c.container!.memory.limit).toBeUndefined();
    expect(c.container!.memory.utilization).toBeUndefined();
    expect(c.container!.cpu.limitCores).toBeUndefined();
    expect(lines).toEqual([]);
  });
});

describe('CgroupCollector figures at their edges', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('cge')));
  afterEach(() => {
    jest.restoreAllMocks();
    cleanup();
  });
  const v1 = (limit: string, hierarchical: string, usage = '209715200', inactive = '52428800') =>
    fakeProc(dir, {
      'memory/memory.limit_in_bytes': `${limit}\n`,
      'memory/memory.usage_in_bytes': `${usage}\n`,
      'memory/memory.stat': `total_rss 1\ntotal_inactive_file ${inactive}\nhierarchical_memory_limit ${hierarchical}\n`,
      'memory/memory.failcnt': '0\n',
      'memory/memory.oom_control': 'oom_kill 0\n',
    });

  it('takes a parent\'s smaller v1 limit from hierarchical_memory_limit, and its own when that is smaller', () => {
    v1('536870912', '268435456'); // own 512 MiB, parent 256 MiB
    const { c } = setup('/nonexistent', dir);
    c.collect();
    // Working set 200 - 50 = 150 MiB of 256 MiB.
    expect(c.container!.memory).toMatchObject({ limit: 256 * MiB, available: 106 * MiB, utilization: 150 / 256 });
    v1('268435456', '536870912');
    c.collect();
    expect(c.container!.memory.limit).toBe(256 * MiB);
    v1('9223372036854771712', '536870912'); // own unlimited, parent 512 MiB
    c.collect();
    expect(c.container!.memory.limit).toBe(512 * MiB);
  });

  it('never reports a negative working set or available memory, and no limit for a limit of 0', () => {
    v1('104857600', '9223372036854771712', '209715200', '314572800'); // usage 200 MiB, inactive 300 MiB, limit 100 MiB
    const { c } = setup('/nonexistent', dir);
    c.collect();
    expect(c.container!.memory).toMatchObject({ usage: 200 * MiB, workingSet: 0, available: 100 * MiB, utilization: 0 });
    v1('104857600', '9223372036854771712', '209715200', '0'); // working set 200 MiB over a 100 MiB limit
    c.collect();
    expect(c.container!.memory).toMatchObject({ workingSet: 200 * MiB, available: 0, utilization: 2 });
    v1('0', '9223372036854771712');
    c.collect();
    expect(c.container!.memory).toMatchObject({ limit: undefined, available: undefined, utilization: undefined });
  });

  it('computes CPU usage only over at least half an interval, and starts again after a counter reset', () => {
    const tree = join(dir, 'tree');
    cpSync(CTR, tree, { recursive: true });
    const stat = (usec: number) => writeFileSync(join(tree, 'cpu.stat'), `usage_usec ${usec}\nnr_periods 1\nnr_throttled 0\nthrottled_usec 0\n`);
    const now = jest.spyOn(performance, 'now');
    const { c } = setup('/nonexistent', tree);
    const at = (ms: number, usec: number) => {
      now.mockReturnValue(ms);
      stat(usec);
      c.collect();
      return c.container!.cpu.usageCores;
    };
    expect(at(10_000, 1_000_000)).toBeUndefined();
    expect(at(10_499, 1_400_000)).toBeUndefined(); // 499 ms < half the 1000 ms interval: no figure yet
    expect(at(10_500, 1_500_000)).toBeCloseTo(1, 9); // 0.5 CPU-s over 0.5 s from the first reading
    expect(at(11_000, 1_000_000)).toBeCloseTo(1, 9); // counter went back (a new cgroup): the last figure stays
    expect(at(12_000, 3_000_000)).toBeCloseTo(2, 9); // 2 CPU-s over 1 s from the reset reading
    // Quota 1.5 cores: 2 / 1.5.
    expect(c.container!.cpu.utilization).toBeCloseTo(2 / 1.5, 9);
  });

  it('reads the host\'s pressure from <proc>/pressure beside the cgroup\'s, skipping what it cannot read', () => {
    const proc = procFor(dir, FIXTURE, '/kubepods/pod1/ctr');
    fakeProc(proc, { 'pressure/cpu': 'some avg10=50.00 avg60=0.00 avg300=0.00 total=2000000\n', 'pressure/memory': 'garbage\n' });
    const { c, lines } = setup(proc);
    c.collect();
    expect(c.container!.pressure.filter((p) => p.source === 'host')).toEqual([{ resource: 'cpu', scope: 'some', source: 'host', avg10: 0.5, totalSeconds: 2 }]);
    expect(lines.map((l) => l.replace(proc, '<proc>'))).toEqual([
      'warn: host container: <proc>/pressure/memory: no readable some/full line: "garbage\\n"; figure left out',
      'info: host container: <proc>/pressure/io: missing; figure left out',
    ]);
  });
});
