import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { DiagLogger } from '@perfkit/core';
import type { ContainerSample, PressureSample } from '../types';
import {
  parseCfsQuota,
  parseCount,
  parseCpuMax,
  parseFlatKeyed,
  parseMemoryLimit,
  parsePressure,
  type Parsed,
} from './cgroupfs';
import { detectCgroup, explicitRootProblem, type CgroupLayout } from './cgroupLayout';
import { MIN_INTERVAL_SHARE } from './CpuCollector';
import { KernelFileReader } from './KernelFileReader';
import { MonotonicCounter } from './MonotonicCounter';
import { OnceReporter } from './onceReporter';

const PRESSURE_RESOURCES = ['cpu', 'memory', 'io'] as const;

/**
 * What a memory.stat without inactive file pages gives: the whole usage as the working set (cAdvisor's rule), or no
 * working set when the usage file was unreadable too; said once instead of "figure left out".
 */
function workingSetWithoutInactiveFile(usage: number | undefined, usageFile: string): string {
  return usage === undefined ? `working set left out (${usageFile} unreadable too)` : 'working set reported as the whole usage (as cAdvisor does)';
}

/** The `cpu.stat` keys of periods, throttled periods and throttled time, and that time's units per second. */
const THROTTLING_V2 = ['nr_periods', 'nr_throttled', 'throttled_usec', 1e6] as const;
const THROTTLING_V1 = ['nr_periods', 'nr_throttled', 'throttled_time', 1e9] as const;

/** A limit found up the tree, and the cgroup directory it was read in (the process's own when there is none). */
interface Binding<T extends number> {
  readonly limit: T | undefined;
  readonly dir: string;
}

/**
 * Container figures from the process's cgroup (v2, v1 or hybrid): memory limit, usage, working set, RSS, OOM kills
 * and limit hits; CPU quota in cores, CPU time, usage and utilization against the quota, throttling; pressure stall
 * information of the cgroup and of the host (`/proc/pressure`). All reads are synchronous preads of descriptors
 * kept open ({@link KernelFileReader}: small kernel files, no disk). A file that is missing, empty, `max` where a number is due,
 * garbage or more than 20 digits (no u64) leaves its figure out and is reported once (per file and problem); nothing throws.
 */
export class CgroupCollector {
  container: ContainerSample | undefined;
  readonly layout: CgroupLayout;
  private readonly reporter: OnceReporter;
  private cpuBaseline: { seconds: number; at: number } | undefined;
  private lastUsageCores: number | undefined;
  /**
   * Every counter exported, in the kernel's units, never decreasing when its source changes (the cgroup whose quota
   * binds) or goes back (a recreated cgroup). Kept through {@link discard}: a failure must not let a counter restart
   * from another cgroup's figure.
   */
  private readonly counters = {
    periods: new MonotonicCounter(),
    throttledPeriods: new MonotonicCounter(),
    throttledTime: new MonotonicCounter(),
    cpuTime: new MonotonicCounter(),
    oomKills: new MonotonicCounter(),
    limitHits: new MonotonicCounter(),
  };
  /** The same for each pressure total, by file and scope (at most 12). */
  private readonly pressureTotals = new Map<string, MonotonicCounter>();
  /** `/proc/pressure`, when the kernel has PSI (decided once: CONFIG_PSI does not change at run time). */
  private readonly hostPressureDir: string | undefined;

  constructor(
    procPath: string,
    private readonly intervalMs: number,
    diag: DiagLogger,
    private readonly explicitRoot?: string,
    private readonly files = new KernelFileReader(),
  ) {
    this.reporter = new OnceReporter(diag, 'host container');
    this.layout = detectCgroup(procPath, explicitRoot);
    const pressure = join(procPath, 'pressure');
    this.hostPressureDir = existsSync(pressure) ? pressure : undefined;
    if (this.layout.mode === 'none') {
      if (explicitRoot) this.report(`cgroupPath ${explicitRoot}`, `${explicitRootProblem(explicitRoot)}: container figures absent`);
      else this.report('cgroup', 'no cgroup hierarchy found in /proc/self/cgroup and mountinfo: container figures absent');
    }
  }

  /** The CPU quota in cores from the last collection (undefined when unlimited or unknown). */
  cpuLimit(): number | undefined {
    return this.container?.cpu.limitCores;
  }

  /** Says once per file and problem; a missing file is info (kernels without PSI, old ones without oom_kill), the rest warn. */
  private report(file: string, problem: string, level: 'warn' | 'info' = 'warn'): void {
    this.reporter.report(`${file}\u0000${problem}`, `host container: ${file}: ${problem}`, level);
  }

  private figure<T>(file: string, parsed: Parsed<T>): T | undefined {
    if (parsed.ok) return parsed.value;
    this.report(file, `${parsed.problem}; figure left out`);
    return undefined;
  }

  /** Reads `name` in `dir`; a missing file is reported once and gives undefined. */
  private read(dir: string, name: string): string | undefined {
    const file = join(dir, name);
    const text = this.files.readOptional(file);
    if (text === undefined) this.report(file, 'missing; figure left out', 'info');
    return text;
  }

  /** Reads a flat-keyed file; each of `keys` it lacks is said once, with what follows (`figure left out` unless `instead` says otherwise). */
  private stat(dir: string, name: string, keys: readonly string[], instead: Readonly<Record<string, string>> = {}): Map<string, number> {
    const text = this.read(dir, name);
    const map = parseFlatKeyed(text);
    if (text !== undefined) for (const k of keys) if (!map.has(k)) this.report(join(dir, name), `no readable "${k}" line; ${instead[k] ?? 'figure left out'}`);
    return map;
  }

  /** Drops every figure and the rate baseline (after a failed collection): nothing stale is shown, rates start over. */
  discard(): void {
    this.container = undefined;
    this.cpuBaseline = undefined;
    this.lastUsageCores = undefined;
  }

  collect(): void {
    const now = performance.now();
    const memory = this.collectMemory();
    const cpu = this.collectCpu(now);
    const pressure = this.collectPressure();
    this.container = { mode: this.layout.mode, memory, cpu, pressure };
    if (!this.explicitRoot) this.crossCheck(memory.limit);
  }

  /**
   * Node's own reading of the limit (libuv reads the same cgroup files): a disagreement means one of the two
   * misread the hierarchy, so it is said once rather than silently trusted.
   */
  private crossCheck(limit: number | undefined): void {
    const node = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
    if (typeof node !== 'number' || !(node > 0) || node >= 2 ** 60) return;
    if (limit === undefined) this.report('process.constrainedMemory()', `Node reports a memory limit of ${node} bytes that the cgroup files did not show`);
    else if (Math.abs(node - limit) > 0.01 * limit) this.report('process.constrainedMemory()', `Node reports a memory limit of ${node} bytes, the cgroup files ${limit}`);
  }

  /**
   * The smallest limit from the process's cgroup up to the top of its hierarchy, and the cgroup it was read in: a
   * parent's limit binds its children too (v2 `memory.max` and `cpu.max`; v1 CFS bandwidth, sched-bwc.rst
   * "Hierarchical considerations" — a quota on a systemd slice or a pod cgroup throttles the cgroups under it whose own
   * quota is -1). `readAt` gives one cgroup's limit; `isOwn` is true for the process's own cgroup, whose missing files
   * are worth a diagnostic line. On a tie the cgroup nearest the process binds.
   */
  private limitUpTree<T extends number>(dir: string, top: string, readAt: (d: string, isOwn: boolean) => T | undefined): Binding<T> {
    let limit: T | undefined;
    let at = dir;
    let d = dir;
    for (;;) {
      const isTop = relative(top, d) === '';
      // The root cgroup has no limit files (v1: a quota of -1 that cannot be set); reading them there adds nothing.
      if (isTop && d !== dir) break;
      const v = readAt(d, d === dir);
      if (v !== undefined && (limit === undefined || v < limit)) {
        limit = v;
        at = d;
      }
      const parent = dirname(d);
      if (isTop || parent === d || !parent.startsWith(top)) break;
      d = parent;
    }
    return { limit, dir: at };
  }

  /** A v2 limit file (`memory.max`, `cpu.max`) read up the tree with {@link limitUpTree}. */
  private v2Limit<T extends number>(dir: string, top: string, file: string, parse: (t: string | undefined) => Parsed<T | undefined>): Binding<T> {
    return this.limitUpTree(dir, top, (d, isOwn) => {
      const text = isOwn ? this.read(d, file) : this.files.readOptional(join(d, file));
      return text === undefined ? undefined : this.figure(join(d, file), parse(text));
    });
  }

  /** The v1 CFS quota in cores (`cpu.cfs_quota_us / cpu.cfs_period_us`), the smallest up the tree. */
  private v1CpuLimit(dir: string, top: string): Binding<number> {
    return this.limitUpTree(dir, top, (d, isOwn) => {
      const read = (name: string) => (isOwn ? this.read(d, name) : this.files.readOptional(join(d, name)));
      const quotaText = read('cpu.cfs_quota_us');
      // An ancestor without the files (not this controller's cgroup) limits nothing; the process's own is said missing.
      if (quotaText === undefined && !isOwn) return undefined;
      const periodText = quotaText?.trim() === '-1' ? undefined : read('cpu.cfs_period_us');
      return this.figure(join(d, 'cpu.cfs_quota_us'), parseCfsQuota(quotaText, periodText));
    });
  }

  private collectMemory(): ContainerSample['memory'] {
    const m = this.layout.memory;
    if (!m) return {};
    let limit: number | undefined;
    let usage: number | undefined;
    let inactiveFile: number | undefined;
    let rss: number | undefined;
    let oomKills: number | undefined;
    let limitHits: number | undefined;
    if (m.version === 2) {
      limit = this.v2Limit(m.dir, m.top, 'memory.max', parseMemoryLimit).limit;
      usage = this.figure(join(m.dir, 'memory.current'), parseCount(this.read(m.dir, 'memory.current')));
      const stat = this.stat(m.dir, 'memory.stat', ['anon', 'inactive_file'], { inactive_file: workingSetWithoutInactiveFile(usage, 'memory.current') });
      inactiveFile = stat.get('inactive_file');
      rss = stat.get('anon');
      const events = this.stat(m.dir, 'memory.events', ['oom_kill', 'max']);
      oomKills = events.get('oom_kill');
      limitHits = events.get('max');
    } else {
      limit = this.figure(join(m.dir, 'memory.limit_in_bytes'), parseMemoryLimit(this.read(m.dir, 'memory.limit_in_bytes')));
      usage = this.figure(join(m.dir, 'memory.usage_in_bytes'), parseCount(this.read(m.dir, 'memory.usage_in_bytes')));
      const stat = this.stat(m.dir, 'memory.stat', ['total_rss', 'total_inactive_file'], {
        total_inactive_file: workingSetWithoutInactiveFile(usage, 'memory.usage_in_bytes'),
      });
      const hierarchical = stat.get('hierarchical_memory_limit');
      if (hierarchical !== undefined && hierarchical < 2 ** 60 && (limit === undefined || hierarchical < limit)) limit = hierarchical;
      inactiveFile = stat.get('total_inactive_file');
      rss = stat.get('total_rss');
      limitHits = this.figure(join(m.dir, 'memory.failcnt'), parseCount(this.read(m.dir, 'memory.failcnt')));
      // oom_kill in memory.oom_control since Linux 4.13.
      oomKills = this.stat(m.dir, 'memory.oom_control', ['oom_kill']).get('oom_kill');
    }
    // cAdvisor's working set: usage minus the inactive file pages when memory.stat has them, else the whole usage
    // (container/libcontainer/handler.go, setMemoryStats), so the figure agrees with the one the kubelet evicts on.
    const workingSet = usage === undefined ? undefined : Math.max(0, usage - (inactiveFile ?? 0));
    const hasLimit = limit !== undefined && limit > 0;
    return {
      limit: hasLimit ? limit : undefined,
      usage,
      workingSet,
      rss,
      available: hasLimit && workingSet !== undefined ? Math.max(0, limit! - workingSet) : undefined,
      utilization: hasLimit && workingSet !== undefined ? workingSet / limit! : undefined,
      oomKills: this.counters.oomKills.update(m.dir, oomKills),
      limitHits: this.counters.limitHits.update(m.dir, limitHits),
    };
  }

  private collectCpu(now: number): ContainerSample['cpu'] {
    const c = this.layout.cpu;
    let limitCores: number | undefined;
    let periods: number | undefined;
    let throttledPeriods: number | undefined;
    let throttledSeconds: number | undefined;
    if (c) {
      // Throttling is counted where the quota is enforced: the cgroup whose runtime ran out is throttled (with every
      // cgroup under it), and only its own cpu.stat moves. So the figures come from the cgroup whose quota binds.
      const binding = c.version === 2 ? this.v2Limit(c.dir, c.top, 'cpu.max', parseCpuMax) : this.v1CpuLimit(c.dir, c.top);
      limitCores = binding.limit;
      if (binding.dir !== c.dir) this.report(binding.dir, `its CPU quota (${limitCores} ${limitCores === 1 ? 'core' : 'cores'}) binds the process's cgroup; periods and throttling are read from its cpu.stat`, 'info');
      const [periodsKey, throttledKey, timeKey, timeUnit] = c.version === 2 ? THROTTLING_V2 : THROTTLING_V1;
      const stat = this.stat(binding.dir, 'cpu.stat', [periodsKey, throttledKey, timeKey]);
      // When the binding cgroup changes, the counters carry their totals over instead of jumping to its figures.
      periods = this.counters.periods.update(binding.dir, stat.get(periodsKey));
      throttledPeriods = this.counters.throttledPeriods.update(binding.dir, stat.get(throttledKey));
      const time = this.counters.throttledTime.update(binding.dir, stat.get(timeKey));
      throttledSeconds = time === undefined ? undefined : time / timeUnit;
    }
    const cpuTime = this.cpuTime(c);
    const exportedTime = cpuTime && this.counters.cpuTime.update(cpuTime.dir, cpuTime.value);
    const timeSeconds = cpuTime?.value === undefined ? undefined : cpuTime.value / cpuTime.unit;
    const hasLimit = limitCores !== undefined && limitCores > 0;
    if (timeSeconds !== undefined) {
      const base = this.cpuBaseline;
      if (!base || timeSeconds < base.seconds) this.cpuBaseline = { seconds: timeSeconds, at: now };
      else if (now - base.at >= this.intervalMs * MIN_INTERVAL_SHARE) {
        const usageCores = (timeSeconds - base.seconds) / ((now - base.at) / 1000);
        this.lastUsageCores = usageCores;
        this.cpuBaseline = { seconds: timeSeconds, at: now };
      }
    }
    return {
      limitCores: hasLimit ? limitCores : undefined,
      timeSeconds: exportedTime === undefined ? undefined : exportedTime / cpuTime!.unit,
      usageCores: this.lastUsageCores,
      utilization: hasLimit && this.lastUsageCores !== undefined ? this.lastUsageCores / limitCores! : undefined,
      periods,
      throttledPeriods,
      throttledSeconds,
    };
  }

  /** The cgroup's CPU time in the kernel's unit (v1 `cpuacct.usage` ns, v2 `cpu.stat usage_usec`), the directory and units per second. */
  private cpuTime(c: CgroupLayout['cpu']): { dir: string; value: number | undefined; unit: number } | undefined {
    const acct = this.layout.cpuacct;
    if (acct) return { dir: acct, value: this.figure(join(acct, 'cpuacct.usage'), parseCount(this.read(acct, 'cpuacct.usage'))), unit: 1e9 };
    const dir = c?.version === 2 ? c.dir : this.layout.unified && !this.layout.unified.isRoot ? this.layout.unified.dir : undefined;
    return dir === undefined ? undefined : { dir, value: this.stat(dir, 'cpu.stat', ['usage_usec']).get('usage_usec'), unit: 1e6 };
  }

  private collectPressure(): PressureSample[] {
    const out: PressureSample[] = [];
    const add = (dir: string, source: 'cgroup' | 'host', name: (r: string) => string) => {
      for (const resource of PRESSURE_RESOURCES) {
        const file = join(dir, name(resource));
        const parsed = this.figure(file, parsePressure(this.read(dir, name(resource))));
        if (!parsed) continue;
        for (const scope of ['some', 'full'] as const) {
          const line = parsed[scope];
          if (!line) continue;
          const key = `${file}\u0000${scope}`;
          let total = this.pressureTotals.get(key);
          if (!total) this.pressureTotals.set(key, (total = new MonotonicCounter()));
          out.push({ resource, scope, source, avg10: line.avg10, totalSeconds: total.update(file, line.totalSeconds)! });
        }
      }
    };
    const u = this.layout.unified;
    // At the top of the hierarchy the cgroup's pressure is the host's, already read from /proc/pressure.
    if (u && !u.isRoot) add(u.dir, 'cgroup', (r) => `${r}.pressure`);
    if (this.hostPressureDir) add(this.hostPressureDir, 'host', (r) => r);
    return out;
  }
}
