import type { HostSample } from '@perfkit/host';
import { deriveRatios, emptySample, type ResourceSample } from './ResourceSample';

const finite = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);

/** Adds the finite values; NaN when none is. */
function sumFinite(values: readonly unknown[]): number {
  let total = NaN;
  for (const v of values) {
    const n = finite(v);
    if (!Number.isNaN(n)) total = (Number.isNaN(total) ? 0 : total) + n;
  }
  return total;
}

/** Cumulative network byte counters of each interface at one time, for rates between samples. */
export interface NetworkCounters {
  readonly at: number;
  /** Received and sent bytes by interface name (NaN where the source gave no finite figure). */
  readonly byInterface: ReadonlyMap<string, { readonly rx: number; readonly tx: number }>;
}

/**
 * Bytes per second of one direction between two readings of each interface, summed over interfaces. Each interface
 * is compared with its own previous counter: one that is new in this sample contributes nothing to this interval
 * (its counter holds traffic from before it), one that left contributes nothing either, and a counter that went down
 * was reset, so its increase is its new value (it restarted from zero, as Prometheus' `rate()` reads a reset). NaN when
 * no interface has a reading in both samples.
 */
function rateOf(direction: 'rx' | 'tx', current: NetworkCounters, previous: NetworkCounters): number {
  let bytes = NaN;
  for (const [name, now] of current.byInterface) {
    const before = previous.byInterface.get(name)?.[direction];
    const value = now[direction];
    if (before === undefined || Number.isNaN(before) || Number.isNaN(value)) continue;
    bytes = (Number.isNaN(bytes) ? 0 : bytes) + (value >= before ? value - before : value);
  }
  return bytes / ((current.at - previous.at) / 1000);
}

/**
 * Sets the sample's network rates from the interfaces' cumulative counters (loopback left out) against `previous`;
 * returns the counters the next sample is compared with. A sample without network figures keeps `previous`: the
 * next rate then spans both intervals.
 */
function readNetwork(list: HostSample['network'] | undefined, s: ResourceSample, previous: NetworkCounters | undefined): NetworkCounters | undefined {
  const byInterface = new Map<string, { rx: number; tx: number }>();
  for (const n of Array.isArray(list) ? list : []) {
    if (typeof n?.interface !== 'string' || n.interface === 'lo' || byInterface.has(n.interface)) continue;
    byInterface.set(n.interface, { rx: finite(n.rxBytes), tx: finite(n.txBytes) });
  }
  if (byInterface.size === 0) return previous;
  const network: NetworkCounters = { at: s.at, byInterface };
  if (previous && s.at > previous.at) {
    s.networkRxBytesPerSecond = rateOf('rx', network, previous);
    s.networkTxBytesPerSecond = rateOf('tx', network, previous);
  }
  return network;
}

/**
 * Flattens `@perfkit/host`'s `latest()` into a {@link ResourceSample}. The sample comes from another package, so
 * every figure is checked: a missing group or a non-finite number becomes NaN, never a throw. Memory and CPU are
 * the container's (working set of its memory limit, usage of its CPU quota) when its cgroup has limits. Disk figures are
 * those of the filesystem mounted at `/` (else the first one); network counters become rates against `previous`,
 * per interface (see {@link rateOf}).
 */
export function fromHostSample(raw: HostSample, now: number, previous?: NetworkCounters): { sample: ResourceSample; network: NetworkCounters | undefined } {
  const s = emptySample(finite(raw?.at) || now);
  if (typeof raw !== 'object' || raw === null) return { sample: s, network: previous };
  s.cpuUtilization = finite(raw.cpu?.utilization);
  s.memoryTotalBytes = finite(raw.memory?.total);
  s.memoryUsedBytes = finite(raw.memory?.used);
  s.memoryUtilization = finite(raw.memory?.utilization);
  // In a container with limits, the limit is what runs out (the OOM killer acts at it while the node reads 20 %):
  // memory is the working set against the cgroup limit, CPU the usage against the quota.
  const container = typeof raw.container === 'object' && raw.container !== null ? raw.container : undefined;
  const limit = finite(container?.memory?.limit);
  const workingSet = finite(container?.memory?.workingSet);
  if (limit > 0 && !Number.isNaN(workingSet)) {
    s.memoryTotalBytes = limit;
    s.memoryUsedBytes = workingSet;
    s.memoryUtilization = workingSet / limit;
  }
  const cpuOfQuota = finite(container?.cpu?.utilization);
  if (!Number.isNaN(cpuOfQuota)) s.cpuUtilization = cpuOfQuota;

  const filesystems = Array.isArray(raw.filesystems) ? raw.filesystems : [];
  const root = filesystems.find((f) => f?.mountpoint === '/') ?? filesystems[0];
  s.diskTotalBytes = finite(root?.limit);
  s.diskUsedBytes = finite(root?.used);
  s.diskFreeBytes = finite(root?.free);
  s.diskUtilization = finite(root?.utilization);

  const network = readNetwork(raw.network, s, previous);
  s.eventLoopP99Seconds = finite(raw.eventLoop?.p99);
  s.processRssBytes = finite(raw.process?.rss);

  const gpus = Array.isArray(raw.gpus) ? raw.gpus.filter((g) => typeof g === 'object' && g !== null) : [];
  if (gpus.length) {
    const util = gpus.map((g) => finite(g.utilization)).filter((v) => !Number.isNaN(v));
    s.gpuUtilization = util.length ? util.reduce((a, b) => a + b, 0) / util.length : NaN;
    s.gpuMemoryUsedBytes = sumFinite(gpus.map((g) => g.memoryUsed));
    s.gpuMemoryTotalBytes = sumFinite(gpus.map((g) => g.memoryTotal));
  }
  return { sample: deriveRatios(s), network };
}
