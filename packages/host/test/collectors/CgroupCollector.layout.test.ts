/*
 * detectCgroup's choices on hand-built hierarchies: which hierarchy holds each controller, where the process's
 * directory is under each mount (cgroups(7), mountinfo in proc(5)), and what an explicit cgroupPath means.
 * Every expected directory is written out from the tree the test builds.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupCollector } from '../../src/collectors/CgroupCollector';
import { detectCgroup } from '../../src/collectors/cgroupLayout';
import { captureDiag, fakeProc, tempDir } from '../fixtures/fakes';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('cgl')));
afterEach(() => cleanup());

const mkdirs = (...paths: string[]) => paths.forEach((p) => mkdirSync(join(dir, p), { recursive: true }));
const touch = (path: string, text = '') => writeFileSync(join(dir, path), text);
const proc = (cgroup: string, mountinfo: string[]) => fakeProc(join(dir, 'proc'), { 'self/cgroup': cgroup, 'self/mountinfo': `${mountinfo.join('\n')}\n` });
const v1Mount = (id: number, root: string, at: string, options: string) => `${id} 30 0:${id} ${root} ${join(dir, at)} rw - cgroup cgroup ${options}`;
const v2Mount = (id: number, root: string, at: string) => `${id} 30 0:${id} ${root} ${join(dir, at)} rw - cgroup2 cgroup2 rw`;

describe('detectCgroup with an explicit cgroupPath', () => {
  it.each(['cgroup.controllers', 'memory.current', 'memory.max'])('reads a directory holding %s as v2', (file) => {
    touch(file, '1\n');
    const layout = detectCgroup('/nonexistent', dir);
    expect(layout).toEqual({
      mode: 'v2',
      memory: { version: 2, dir, top: dir },
      cpu: { version: 2, dir, top: dir },
      unified: { dir, top: dir, isRoot: false },
    });
  });

  it('reads v1 controller subdirectories, cpu and cpuacct from a combined cpu,cpuacct one', () => {
    mkdirs('cpu,cpuacct');
    expect(detectCgroup('/nonexistent', dir)).toEqual({ mode: 'v1', memory: undefined, cpu: { version: 1, dir: join(dir, 'cpu,cpuacct'), top: join(dir, 'cpu,cpuacct') }, cpuacct: join(dir, 'cpu,cpuacct') });
    mkdirs('memory', 'cpu', 'cpuacct');
    expect(detectCgroup('/nonexistent', dir)).toMatchObject({ mode: 'v1', memory: { dir: join(dir, 'memory') }, cpu: { dir: join(dir, 'cpu') }, cpuacct: join(dir, 'cpuacct') });
  });

  it('says none for a directory with neither v2 files nor v1 controllers (cpuacct alone measures nothing)', () => {
    mkdirs('cpuacct');
    expect(detectCgroup('/nonexistent', dir)).toMatchObject({ mode: 'none', memory: undefined, cpu: undefined });
    const { diag, lines } = captureDiag();
    new CgroupCollector('/nonexistent', 1000, diag, dir);
    expect(lines).toEqual([
      `warn: host container: cgroupPath ${dir}: a directory with neither cgroup v2 files (cgroup.controllers, memory.current, memory.max) nor a v1 memory/, cpu/ or cpu,cpuacct/ directory: container figures absent`,
    ]);
  });
});

describe('detectCgroup from /proc/self/cgroup and mountinfo', () => {
  it('reads a v2-only host: the 0:: line under the cgroup2 mount, controllers from cgroup.controllers', () => {
    mkdirs('cg/system.slice/app.service');
    touch('cg/system.slice/app.service/cgroup.type', 'domain\n');
    touch('cg/system.slice/app.service/cgroup.controllers', 'cpuset cpu io memory pids\n');
    const layout = detectCgroup(proc('0::/system.slice/app.service\n', [v2Mount(40, '/', 'cg')]));
    const own = join(dir, 'cg/system.slice/app.service');
    expect(layout).toEqual({
      mode: 'v2',
      memory: { version: 2, dir: own, top: join(dir, 'cg') },
      cpu: { version: 2, dir: own, top: join(dir, 'cg') },
      cpuacct: undefined,
      unified: { dir: own, top: join(dir, 'cg'), isRoot: false },
    });
  });

  it('takes from the unified hierarchy only the controllers its cgroup.controllers lists', () => {
    mkdirs('cg/app');
    touch('cg/app/cgroup.type', 'domain\n');
    touch('cg/app/cgroup.controllers', 'memory pids\n');
    const layout = detectCgroup(proc('0::/app\n', [v2Mount(40, '/', 'cg')]));
    expect(layout.memory?.dir).toBe(join(dir, 'cg/app'));
    expect(layout.cpu).toBeUndefined();
  });

  it('takes nothing from the unified root cgroup (no cgroup.type there): its figures are the host\'s', () => {
    mkdirs('cg');
    touch('cg/cgroup.controllers', 'cpu memory\n');
    const layout = detectCgroup(proc('0::/\n', [v2Mount(40, '/', 'cg')]));
    expect(layout).toMatchObject({ mode: 'v2', memory: undefined, cpu: undefined, unified: { dir: join(dir, 'cg'), isRoot: true } });
  });

  it('uses the first mount of a hierarchy mounted twice, and the first hierarchy holding a controller', () => {
    mkdirs('a/app', 'b/app', 'm1/app', 'm2/app');
    for (const d of ['a/app', 'b/app']) touch(`${d}/cgroup.type`, 'domain\n');
    const layout = detectCgroup(
      proc('5:memory:/app\n0::/app\n', [v2Mount(40, '/', 'a'), v2Mount(41, '/', 'b'), v1Mount(42, '/', 'm1', 'rw,memory'), v1Mount(43, '/', 'm2', 'rw,memory')]),
    );
    expect(layout.unified?.dir).toBe(join(dir, 'a/app'));
    expect(layout.memory).toEqual({ version: 1, dir: join(dir, 'm1/app'), top: join(dir, 'm1') });
    expect(layout.mode).toBe('hybrid');
  });

  it('reads a v1 controller only from a hierarchy whose super options list it, at its own line\'s path', () => {
    mkdirs('cpu/x', 'cpu/y', 'net/x');
    const layout = detectCgroup(proc('7:net_cls:/x\n3:cpu,cpuacct:/y\n', [v1Mount(40, '/', 'net', 'rw,net_cls'), v1Mount(41, '/', 'cpu', 'rw,cpu,cpuacct')]));
    expect(layout).toEqual({ mode: 'v1', memory: undefined, cpu: { version: 1, dir: join(dir, 'cpu/y'), top: join(dir, 'cpu') }, cpuacct: join(dir, 'cpu/y'), unified: undefined });
  });

  it('strips a mount root that is a parent of the path (a cgroup namespace or bind mount of a subtree)', () => {
    mkdirs('mem/ctr', 'mem2/pod/ctr');
    // Mounted from /kubepods/pod: the process's /kubepods/pod/ctr is <mount>/ctr.
    expect(detectCgroup(proc('4:memory:/kubepods/pod/ctr\n', [v1Mount(40, '/kubepods/pod', 'mem', 'rw,memory')])).memory?.dir).toBe(join(dir, 'mem/ctr'));
    // A root written with a trailing slash strips the same way.
    expect(detectCgroup(proc('4:memory:/kubepods/pod/ctr\n', [v1Mount(40, '/kubepods/', 'mem2', 'rw,memory')])).memory?.dir).toBe(join(dir, 'mem2/pod/ctr'));
  });

  it('does not strip a root that only shares a prefix with the path, and falls back to the mount itself', () => {
    // mem/-other/ctr is what stripping the 9 characters of "/kubepods" would wrongly point at.
    mkdirs('mem/kubepods-other/ctr', 'mem/-other/ctr');
    // Root /kubepods is not a parent of /kubepods-other/ctr: the path is read as it stands below the mount.
    expect(detectCgroup(proc('4:memory:/kubepods-other/ctr\n', [v1Mount(40, '/kubepods', 'mem', 'rw,memory')])).memory?.dir).toBe(join(dir, 'mem/kubepods-other/ctr'));
    // Neither <mount><path minus root> nor <mount><path> exists: the mount point.
    expect(detectCgroup(proc('4:memory:/gone/ctr\n', [v1Mount(40, '/', 'mem', 'rw,memory')])).memory?.dir).toBe(join(dir, 'mem'));
  });

  it('reads a mount whose root is the process\'s path as the cgroup itself, even when a same-named path exists below it', () => {
    // A v1 container with its own cgroup bind-mounted: mount root /kubepods/pod/ctr = the path, so <mount> is the
    // cgroup; <mount>/kubepods/pod/ctr is an unrelated child that happens to carry the same names.
    mkdirs('mem/kubepods/pod/ctr');
    expect(detectCgroup(proc('4:memory:/kubepods/pod/ctr\n', [v1Mount(40, '/kubepods/pod/ctr', 'mem', 'rw,memory')])).memory?.dir).toBe(join(dir, 'mem'));
  });

  it('takes v1 controllers only from cgroup mounts, and none that /proc/self/cgroup does not list (hostile mountinfo)', () => {
    mkdirs('fake/app', 'mem/app', 'cpu/app');
    // A tmpfs whose super options happen to say "memory" comes first; the cgroup file lists cpu but no memory line
    // for the second layout.
    const tmpfs = `39 30 0:39 / ${join(dir, 'fake')} rw - tmpfs tmpfs rw,memory`;
    const mounts = [tmpfs, v1Mount(40, '/', 'mem', 'rw,memory'), v1Mount(41, '/', 'cpu', 'rw,cpu')];
    expect(detectCgroup(proc('4:memory:/app\n3:cpu:/app\n', mounts)).memory).toEqual({ version: 1, dir: join(dir, 'mem/app'), top: join(dir, 'mem') });
    expect(detectCgroup(proc('3:cpu:/app\n', mounts))).toMatchObject({ mode: 'v1', memory: undefined, cpu: { dir: join(dir, 'cpu/app') } });
  });

  it('leaves out a v1 cpuacct in the hierarchy root and keeps one below it', () => {
    mkdirs('acct/app', 'cpu/app');
    touch('acct/release_agent');
    const lines = '3:cpuacct:/\n2:cpu:/app\n';
    expect(detectCgroup(proc(lines, [v1Mount(40, '/', 'acct', 'rw,cpuacct'), v1Mount(41, '/', 'cpu', 'rw,cpu')])).cpuacct).toBeUndefined();
    expect(detectCgroup(proc('3:cpuacct:/app\n2:cpu:/app\n', [v1Mount(40, '/', 'acct', 'rw,cpuacct'), v1Mount(41, '/', 'cpu', 'rw,cpu')])).cpuacct).toBe(join(dir, 'acct/app'));
  });
});

describe('CgroupCollector diagnostics', () => {
  it('says a missing file as information once, and a missing key of a present file as a warning once', () => {
    mkdirs('v1/memory');
    touch('v1/memory/memory.usage_in_bytes', '100\n');
    touch('v1/memory/memory.stat', 'total_rss 10\n');
    const { diag, lines } = captureDiag();
    const c = new CgroupCollector('/nonexistent', 1000, diag, join(dir, 'v1'));
    c.collect();
    c.collect();
    const m = join(dir, 'v1/memory');
    expect(lines).toEqual([
      `info: host container: ${m}/memory.limit_in_bytes: missing; figure left out`,
      `warn: host container: ${m}/memory.stat: no readable "total_inactive_file" line; working set reported as the whole usage (as cAdvisor does)`,
      `info: host container: ${m}/memory.failcnt: missing; figure left out`,
      `info: host container: ${m}/memory.oom_control: missing; figure left out`,
    ]);
    expect(c.container!.memory).toMatchObject({ usage: 100, workingSet: 100, rss: 10 });
  });
});

describe('CgroupCollector limits up a v2 tree', () => {
  const FIXTURE = join(__dirname, '..', 'fixtures', 'cgroup', 'v2');
  const MiB = 1024 * 1024;
  afterEach(() => jest.restoreAllMocks());
  /** A copy of the kubelet-layout fixture (limit 400 MiB on pod1, none on the container), read from the container. */
  function fixture(edit: (tree: string) => void) {
    const tree = join(dir, 'tree');
    cpSync(FIXTURE, tree, { recursive: true });
    edit(tree);
    // Node's own reading of this machine's limit (compared with the files' once per collection) is left out here.
    jest.spyOn(process as unknown as { constrainedMemory: () => number | undefined }, 'constrainedMemory').mockReturnValue(undefined);
    const { diag, lines } = captureDiag();
    const c = new CgroupCollector(proc('0::/kubepods/pod1/ctr\n', [`30 25 0:26 / ${tree} rw - cgroup2 cgroup2 rw`]), 1000, diag);
    c.collect();
    return { c, lines, tree };
  }

  it('never reads limits in the hierarchy\'s root, which has none (a file there is not the process\'s limit)', () => {
    const { c, lines } = fixture((t) => writeFileSync(join(t, 'memory.max'), '104857600\n'));
    expect(c.container!.memory.limit).toBe(400 * MiB);
    expect(lines).toEqual([]);
  });

  it('takes the smaller of the container\'s and its parents\' limits, and says nothing of a parent without the file', () => {
    const own = fixture((t) => {
      writeFileSync(join(t, 'kubepods/pod1/ctr/memory.max'), '314572800\n'); // 300 MiB under the pod's 400 MiB
      rmSync(join(t, 'kubepods/memory.max'));
    });
    expect(own.c.container!.memory.limit).toBe(300 * MiB);
    expect(own.lines).toEqual([]);
    // A container limit above its pod's: the pod's 400 MiB binds.
    const above = fixture((t) => writeFileSync(join(t, 'kubepods/pod1/ctr/memory.max'), '524288000\n'));
    expect(above.c.container!.memory.limit).toBe(400 * MiB);
    // A parent that says max (no limit) above a limited container leaves the container's limit standing.
    const underUnlimited = fixture((t) => {
      writeFileSync(join(t, 'kubepods/pod1/ctr/memory.max'), '314572800\n');
      writeFileSync(join(t, 'kubepods/pod1/memory.max'), 'max\n');
    });
    expect(underUnlimited.c.container!.memory.limit).toBe(300 * MiB);
  });

  it('reads a 0-core quota as no quota, and CPU time from the unified cpu.stat when cpu is not delegated', () => {
    const zero = fixture((t) => writeFileSync(join(t, 'kubepods/pod1/ctr/cpu.max'), '0 100000\n'));
    expect(zero.c.container!.cpu).toMatchObject({ limitCores: undefined, utilization: undefined });
    // cgroup.controllers without cpu: no quota or throttling, but usage_usec 8123456 is there for every cgroup.
    const memoryOnly = fixture((t) => writeFileSync(join(t, 'kubepods/pod1/ctr/cgroup.controllers'), 'memory pids\n'));
    expect(memoryOnly.c.layout.cpu).toBeUndefined();
    expect(memoryOnly.c.container!.cpu).toEqual({
      limitCores: undefined,
      timeSeconds: 8.123456,
      usageCores: undefined,
      utilization: undefined,
      periods: undefined,
      throttledPeriods: undefined,
      throttledSeconds: undefined,
    });
  });
});

describe('CgroupCollector figures missing from v1 and v2 files', () => {
  afterEach(() => jest.restoreAllMocks());
  const collector = (root: string) => {
    const { diag, lines } = captureDiag();
    return { c: new CgroupCollector('/nonexistent', 1000, diag, root), lines };
  };

  it('names the file a v1 figure could not be read from, and leaves working set, available and CPU seconds out', () => {
    mkdirs('v1/memory', 'v1/cpu', 'v1/cpuacct');
    touch('v1/memory/memory.limit_in_bytes', 'lots\n');
    touch('v1/memory/memory.usage_in_bytes', 'x\n');
    touch('v1/memory/memory.stat', 'total_rss 1\ntotal_inactive_file 0\nhierarchical_memory_limit 9223372036854771712\n');
    touch('v1/memory/memory.failcnt', 'y\n');
    touch('v1/memory/memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\n'); // before Linux 4.13: no oom_kill line
    touch('v1/cpu/cpu.stat', 'nr_periods 1\n');
    touch('v1/cpuacct/cpuacct.usage', 'w\n');
    const { c, lines } = collector(join(dir, 'v1'));
    c.collect();
    expect(c.container!.memory).toEqual({ limit: undefined, usage: undefined, workingSet: undefined, rss: 1, available: undefined, utilization: undefined, oomKills: undefined, limitHits: undefined });
    expect(c.container!.cpu).toMatchObject({ limitCores: undefined, timeSeconds: undefined, periods: 1, throttledPeriods: undefined, throttledSeconds: undefined });
    const d = (sub: string) => join(dir, 'v1', sub);
    expect(lines.map((l) => l.split(': ').slice(1, 3).join(': '))).toEqual([
      `host container: ${d('memory')}/memory.limit_in_bytes`,
      `host container: ${d('memory')}/memory.usage_in_bytes`,
      `host container: ${d('memory')}/memory.failcnt`,
      `host container: ${d('memory')}/memory.oom_control`,
      `host container: ${d('cpu')}/cpu.cfs_quota_us`,
      `host container: ${d('cpu')}/cpu.cfs_period_us`,
      `host container: ${d('cpu')}/cpu.stat`,
      `host container: ${d('cpu')}/cpu.stat`,
      `host container: ${d('cpuacct')}/cpuacct.usage`,
    ]);
  });

  it('names the v2 keys it could not find, and leaves out what needs a missing figure (no NaN)', () => {
    mkdirs('v2');
    touch('v2/memory.max', '104857600\n'); // a 100 MiB limit, but no memory.current: no working set to set against it
    touch('v2/memory.stat', 'file 4096\n');
    touch('v2/memory.events', 'low 0\n');
    touch('v2/cpu.max', 'max 100000\n');
    touch('v2/cpu.stat', 'usage_usec 5\n');
    const { c, lines } = collector(join(dir, 'v2'));
    c.collect();
    expect(c.container!.memory).toEqual({ limit: 100 * 1024 * 1024, usage: undefined, workingSet: undefined, rss: undefined, available: undefined, utilization: undefined, oomKills: undefined, limitHits: undefined });
    expect(c.container!.cpu).toEqual({ limitCores: undefined, timeSeconds: 0.000005, usageCores: undefined, utilization: undefined, periods: undefined, throttledPeriods: undefined, throttledSeconds: undefined });
    const d = join(dir, 'v2');
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual(
      [['memory.stat', 'anon'], ['memory.stat', 'inactive_file'], ['memory.events', 'oom_kill'], ['memory.events', 'max'], ['cpu.stat', 'nr_periods'], ['cpu.stat', 'nr_throttled'], ['cpu.stat', 'throttled_usec']]
        .map(([file, key]) => `warn: host container: ${d}/${file}: no readable "${key}" line; ${key === 'inactive_file' ? 'working set left out (memory.current unreadable too)' : 'figure left out'}`),
    );
  });

  it('leaves out a parent\'s "unlimited" hierarchical limit (2^60 and up) when the cgroup has none either', () => {
    mkdirs('v1/memory');
    touch('v1/memory/memory.limit_in_bytes', '9223372036854771712\n');
    touch('v1/memory/memory.usage_in_bytes', '100\n');
    for (const hierarchical of ['9223372036854771712', '1152921504606846976']) {
      touch('v1/memory/memory.stat', `total_rss 1\ntotal_inactive_file 0\nhierarchical_memory_limit ${hierarchical}\n`);
      const { c } = collector(join(dir, 'v1'));
      c.collect();
      expect(c.container!.memory.limit).toBeUndefined();
    }
  });

  it('has no CPU limit before its first collection, and says nothing when neither Node nor the files show a memory limit', () => {
    mkdirs('v2');
    touch('v2/memory.max', 'max\n');
    touch('v2/memory.current', '100\n');
    const { c } = collector(join(dir, 'v2'));
    expect(c.cpuLimit()).toBeUndefined();
    jest.spyOn(process as unknown as { constrainedMemory: () => number | undefined }, 'constrainedMemory').mockReturnValue(undefined);
    const tree = join(dir, 'cg');
    mkdirs('cg/app');
    touch('cg/app/cgroup.type', 'domain\n');
    touch('cg/app/cgroup.controllers', 'memory\n');
    touch('cg/app/memory.max', 'max\n');
    const { diag, lines } = captureDiag();
    new CgroupCollector(proc('0::/app\n', [`30 25 0:26 / ${tree} rw - cgroup2 cgroup2 rw`]), 1000, diag).collect();
    expect(lines.filter((l) => l.includes('constrainedMemory'))).toEqual([]);
  });

  it('starts CPU usage at the first reading that has usage_usec, and reads an unchanged counter as 0 cores', () => {
    mkdirs('v2');
    touch('v2/cgroup.controllers', 'cpu\n');
    const now = jest.spyOn(performance, 'now');
    const { c } = collector(join(dir, 'v2'));
    const at = (ms: number, stat: string) => {
      now.mockReturnValue(ms);
      touch('v2/cpu.stat', stat);
      c.collect();
      return c.container!.cpu.usageCores;
    };
    expect(at(10_000, 'nr_periods 0\n')).toBeUndefined();
    expect(at(11_000, 'usage_usec 1000000\n')).toBeUndefined(); // the first reading: a baseline, no figure
    expect(at(12_000, 'usage_usec 1000000\n')).toBe(0); // no CPU time over 1 s
    expect(at(13_000, 'usage_usec 3000000\n')).toBe(2);
  });
});
