import { promName, type MetricDef, type MetricKind } from '@perfkit/core';
import type { HostGroup } from './types';

/** Attribute keys the host metrics carry (OpenTelemetry semantic conventions where one exists). */
export const HOST_ATTR = {
  cpuMode: 'cpu.mode',
  memoryState: 'system.memory.state',
  pagingState: 'system.paging.state',
  device: 'system.device',
  mountpoint: 'system.filesystem.mountpoint',
  filesystemType: 'system.filesystem.type',
  filesystemState: 'system.filesystem.state',
  diskDirection: 'disk.io.direction',
  interface: 'network.interface.name',
  networkDirection: 'network.io.direction',
  gcType: 'v8js.gc.type',
  hwId: 'hw.id',
  hwName: 'hw.name',
  hwType: 'hw.type',
  hwParent: 'hw.parent',
  gpuIndex: 'hw.gpu.index',
  gpuTask: 'hw.gpu.task',
  errorType: 'error.type',
  pid: 'process.pid',
  clockEventReason: 'perfkit.gpu.clock_event.reason',
  cpuState: 'container.cpu.state',
  pressureResource: 'perfkit.pressure.resource',
  pressureScope: 'perfkit.pressure.scope',
  pressureSource: 'perfkit.pressure.source',
  hostGroup: 'perfkit.host.group',
} as const;

/** A host metric: core's {@link MetricDef} plus the group that switches it on and where its figure comes from. */
export interface HostMetricDef extends MetricDef {
  /** The `groups` key (or `gpu`) that turns it on; `plugin` for the plug-in's own figures, written for every group that runs. */
  readonly group: HostGroup | 'plugin';
  /** Where the number comes from, for docs/metrics.md. */
  readonly source: string;
}

function def(
  group: HostGroup | 'plugin',
  otel: string,
  unit: string,
  kind: MetricKind,
  attributes: readonly string[],
  description: string,
  source: string,
): HostMetricDef {
  return { otel, unit, kind, prom: promName(otel, unit, kind), attributes, description, group, source };
}

const A = HOST_ATTR;
const FS = [A.device, A.mountpoint, A.filesystemType] as const;
const GPU = [A.hwId, A.hwName, A.gpuIndex, A.hwType] as const;
const GPU_TASK = [...GPU, A.gpuTask] as const;
const GPU_SENSOR = [A.hwId, A.hwName, A.gpuIndex, A.hwType, A.hwParent] as const;
const PSI = [A.pressureResource, A.pressureScope, A.pressureSource] as const;
const GPU_SOURCE = 'NVML (nvmlDeviceGet*) through koffi, else the nvidia-smi --query-gpu loop process';

/** Every metric `@perfkit/host` writes, keyed for code; the docs generator, rules and dashboards import it. */
export const HOST_METRICS = {
  cpuTime: def('cpu', 'system.cpu.time', 's', 'counter', [A.cpuMode], 'Seconds all CPUs spent in each cpu.mode since boot (interrupt = irq + softirq).', '/proc/stat aggregate cpu line (ticks / USER_HZ)'),
  cpuUtilization: def('cpu', 'system.cpu.utilization', '1', 'gauge', [A.cpuMode], 'Share (0..1) of all CPU time spent in each cpu.mode (user, nice, system, idle, iowait, interrupt, steal) over the last interval; the modes sum to 1.', '/proc/stat deltas between two readings at least intervalMs / 2 apart; interrupt = irq + softirq'),
  cpuBusy: def('cpu', 'system.cpu.busy', '1', 'gauge', [], 'Share (0..1) of all CPU time not idle or waiting for I/O over the last interval.', '/proc/stat deltas: 1 − (idle + iowait) / total'),
  cpuLogicalCount: def('cpu', 'system.cpu.logical_cpus', '{cpu}', 'gauge', [], 'Logical CPUs the kernel reports (semconv system.cpu.logical.count, renamed: promtool rejects _count on a gauge).', '/proc/stat cpuN lines'),
  load1m: def('cpu', 'system.cpu.load_average.1m', '{thread}', 'gauge', [], 'Load average over 1 minute.', '/proc/loadavg'),
  load5m: def('cpu', 'system.cpu.load_average.5m', '{thread}', 'gauge', [], 'Load average over 5 minutes.', '/proc/loadavg'),
  load15m: def('cpu', 'system.cpu.load_average.15m', '{thread}', 'gauge', [], 'Load average over 15 minutes.', '/proc/loadavg'),
  memoryUsage: def('memory', 'system.memory.usage', 'By', 'gauge', [A.memoryState], 'Memory by state; the states sum to system.memory.limit: free, buffers, cached (reclaimable page cache), used (the rest, shared memory included).', '/proc/meminfo: free = MemFree, buffers = Buffers, cached = Cached − Shmem + SReclaimable, used = MemTotal − the three'),
  memoryAvailable: def('memory', 'system.memory.linux.available', 'By', 'gauge', [], 'Memory available to new programs without swapping.', '/proc/meminfo MemAvailable'),
  memoryLimit: def('memory', 'system.memory.limit', 'By', 'gauge', [], 'Total memory.', '/proc/meminfo MemTotal'),
  memoryUtilization: def('memory', 'system.memory.utilization', '1', 'gauge', [], 'Used memory as a share (0..1) of total.', '/proc/meminfo (MemTotal − MemAvailable) / MemTotal'),
  pagingUsage: def('memory', 'system.paging.usage', 'By', 'gauge', [A.pagingState], 'Swap by state: used, free.', '/proc/meminfo SwapTotal, SwapFree'),
  pagingUtilization: def('memory', 'system.paging.utilization', '1', 'gauge', [], 'Used swap as a share (0..1) of total swap (0 without swap).', '/proc/meminfo'),
  filesystemUsage: def('filesystem', 'system.filesystem.usage', 'By', 'gauge', [...FS, A.filesystemState], 'Filesystem bytes by state: used, free (to unprivileged users), reserved (for root).', 'statfs(2) (fs.statfs) on each mount of /proc/self/mounts, pseudo filesystems skipped'),
  filesystemLimit: def('filesystem', 'system.filesystem.limit', 'By', 'gauge', FS, 'Filesystem size.', 'statfs(2) f_blocks × f_bsize'),
  filesystemUtilization: def('filesystem', 'system.filesystem.utilization', '1', 'gauge', FS, 'Used share (0..1) of the space available to users, as df shows Use%.', 'statfs(2): used / (used + f_bavail)'),
  diskIo: def('disk', 'system.disk.io', 'By', 'counter', [A.device, A.diskDirection], 'Bytes read and written per whole disk.', '/proc/diskstats sectors × 512, devices listed in /sys/block'),
  diskOperations: def('disk', 'system.disk.operations', '{operation}', 'counter', [A.device, A.diskDirection], 'Reads and writes completed per whole disk.', '/proc/diskstats'),
  diskIoTime: def('disk', 'system.disk.io_time', 's', 'counter', [A.device], 'Time the disk had I/O in flight (rate = busy share).', '/proc/diskstats field 13'),
  diskOperationTime: def('disk', 'system.disk.operation_time', 's', 'counter', [A.device, A.diskDirection], 'Time spent on reads and writes, summed over requests.', '/proc/diskstats fields 7 and 11'),
  networkIo: def('network', 'system.network.io', 'By', 'counter', [A.interface, A.networkDirection], 'Bytes received and transmitted per interface.', '/proc/net/dev'),
  networkPackets: def('network', 'system.network.packet.count', '{packet}', 'counter', [A.interface, A.networkDirection], 'Packets received and transmitted per interface.', '/proc/net/dev'),
  networkErrors: def('network', 'system.network.errors', '{error}', 'counter', [A.interface, A.networkDirection], 'Receive and transmit errors per interface.', '/proc/net/dev errs'),
  networkDropped: def('network', 'system.network.packet.dropped', '{packet}', 'counter', [A.interface, A.networkDirection], 'Packets dropped on receive and transmit per interface.', '/proc/net/dev drop'),
  processCpuTime: def('process', 'process.cpu.time', 's', 'counter', [A.cpuMode], 'CPU seconds this process used, user and system.', 'process.cpuUsage()'),
  processCpuUtilization: def('process', 'process.cpu.utilization', '1', 'gauge', [], 'Process CPU time over the last interval divided by elapsed time and the CPUs available to the process (0..1): the cgroup CPU quota in cores when it is below the logical CPUs. Absent until two readings half an interval apart exist.', 'process.cpuUsage() deltas; os.availableParallelism(), capped by cpu.max / cpu.cfs_quota_us'),
  processMemoryUsage: def('process', 'process.memory.usage', 'By', 'gauge', [], 'Resident set size of this process.', 'process.memoryUsage().rss (VmRSS)'),
  heapUsed: def('process', 'nodejs.memory.heap.used', 'By', 'gauge', [], 'V8 heap in use.', 'process.memoryUsage().heapUsed'),
  heapTotal: def('process', 'nodejs.memory.heap.total', 'By', 'gauge', [], 'V8 heap reserved.', 'process.memoryUsage().heapTotal'),
  external: def('process', 'nodejs.memory.external', 'By', 'gauge', [], 'Memory of C++ objects bound to JavaScript (Buffers included).', 'process.memoryUsage().external'),
  openFds: def('process', 'process.open_fds', '{file_descriptor}', 'gauge', [], 'Open file descriptors of this process (semconv process.unix.file_descriptor.count, renamed: promtool rejects _count on a gauge).', 'entries of /proc/self/fd (synchronous readdir; its own descriptor not counted)'),
  eventLoopDelayP50: def('eventLoop', 'nodejs.eventloop.delay.p50', 's', 'gauge', [], 'Median event-loop delay over the last interval.', 'perf_hooks.monitorEventLoopDelay, minus its timer resolution, reset every interval'),
  eventLoopDelayP99: def('eventLoop', 'nodejs.eventloop.delay.p99', 's', 'gauge', [], '99th percentile event-loop delay over the last interval.', 'perf_hooks.monitorEventLoopDelay, minus its timer resolution'),
  eventLoopDelayMax: def('eventLoop', 'nodejs.eventloop.delay.max', 's', 'gauge', [], 'Longest event-loop delay over the last interval.', 'perf_hooks.monitorEventLoopDelay, minus its timer resolution'),
  eventLoopUtilization: def('eventLoop', 'nodejs.eventloop.utilization', '1', 'gauge', [], 'Share (0..1) of the last interval the event loop was busy.', 'performance.eventLoopUtilization() deltas'),
  gcDuration: def('gc', 'v8js.gc.duration', 's', 'histogram', [A.gcType], 'Garbage collection pauses by kind (major, minor, incremental, weakcb).', "PerformanceObserver entryTypes ['gc']"),
  gpuUtilization: def('gpu', 'hw.gpu.utilization', '1', 'gauge', GPU_TASK, 'Share (0..1) of time the GPU spent on a task: general (a kernel ran), encoder, decoder.', `${GPU_SOURCE}; encoder/decoder: nvmlDeviceGetEncoderUtilization / nvmlDeviceGetDecoderUtilization, nvidia-smi utilization.encoder / .decoder`),
  gpuMemoryUsage: def('gpu', 'hw.gpu.memory.usage', 'By', 'gauge', GPU, 'GPU memory in use (driver-reserved memory not included where NVML reports it apart).', `${GPU_SOURCE}; nvmlDeviceGetMemoryInfo_v2 where present`),
  gpuMemoryLimit: def('gpu', 'hw.gpu.memory.limit', 'By', 'gauge', GPU, 'GPU memory in total.', GPU_SOURCE),
  gpuMemoryUtilization: def('gpu', 'hw.gpu.memory.utilization', '1', 'gauge', GPU, 'GPU memory in use as a share (0..1) of total.', `${GPU_SOURCE}: used / total`),
  gpuTemperature: def('gpu', 'hw.temperature', 'Cel', 'gauge', GPU_SENSOR, 'GPU core temperature (a temperature sensor whose hw.parent is the GPU).', `${GPU_SOURCE}; NVML_TEMPERATURE_GPU`),
  gpuPower: def('gpu', 'hw.power', 'W', 'gauge', GPU, 'GPU power draw.', `${GPU_SOURCE}; nvmlDeviceGetPowerUsage`),
  gpuSmClock: def('gpu', 'perfkit.gpu.clock.sm', 'Hz', 'gauge', GPU, 'GPU streaming-multiprocessor clock.', `${GPU_SOURCE}; NVML_CLOCK_SM`),
  gpuMemoryReserved: def('gpu', 'perfkit.gpu.memory.reserved', 'By', 'gauge', GPU, 'GPU memory the driver reserves (firmware, ECC, page tables), apart from used and free.', 'NVML nvmlDeviceGetMemoryInfo_v2 (nvmlMemory_v2_t.reserved); nvidia-smi memory.reserved'),
  gpuMemoryControllerUtilization: def('gpu', 'perfkit.gpu.memory_controller.utilization', '1', 'gauge', GPU, 'Share (0..1) of time device memory was being read or written.', 'NVML nvmlDeviceGetUtilizationRates .memory; nvidia-smi utilization.memory'),
  gpuEnergy: def('gpu', 'hw.energy', 'J', 'counter', GPU, 'Energy the GPU consumed since the driver was loaded.', 'NVML nvmlDeviceGetTotalEnergyConsumption (mJ) only (nvidia-smi --query-gpu has no energy field)'),
  gpuPowerLimit: def('gpu', 'perfkit.gpu.power.limit', 'W', 'gauge', GPU, 'Power limit the driver enforces.', 'NVML nvmlDeviceGetEnforcedPowerLimit; nvidia-smi enforced.power.limit'),
  gpuMemoryClock: def('gpu', 'perfkit.gpu.clock.memory', 'Hz', 'gauge', GPU, 'GPU memory clock.', 'NVML nvmlDeviceGetClockInfo(NVML_CLOCK_MEM); nvidia-smi clocks.mem'),
  gpuClockEvents: def('gpu', 'perfkit.gpu.clock_event.active', '1', 'gauge', [...GPU, A.clockEventReason], 'Whether (1) or not (0) each clock-event (throttle) reason holds the clocks down now.', 'NVML nvmlDeviceGetCurrentClocksEventReasons (else ...ThrottleReasons) bit mask, one series per reason; nvidia-smi clocks_event_reasons.active (else clocks_throttle_reasons.active)'),
  gpuErrors: def('gpu', 'hw.errors', '{error}', 'counter', [...GPU, A.errorType], 'ECC memory errors since the driver was loaded (error.type: ecc_corrected, ecc_uncorrected).', 'NVML nvmlDeviceGetTotalEccErrors, volatile counter; nvidia-smi ecc.errors.{corrected,uncorrected}.volatile.total; absent without ECC (NOT_SUPPORTED, [N/A])'),
  gpuPcieThroughput: def('gpu', 'perfkit.gpu.pcie.throughput', 'By/s', 'gauge', [...GPU, A.networkDirection], 'PCIe bytes per second over the last 20 ms NVML sample (receive = host to GPU).', 'NVML nvmlDeviceGetPcieThroughput (KB/s) only (nvidia-smi --query-gpu has no throughput field)'),
  gpuMigInstances: def('gpu', 'perfkit.gpu.mig.instances', '{instance}', 'gauge', GPU, 'MIG GPU instances on the device (0 when MIG mode is off); absent on devices without MIG.', 'NVML nvmlDeviceGetMigMode, nvmlDeviceGetMaxMigDeviceCount, nvmlDeviceGetMigDeviceHandleByIndex'),
  gpuProcessMemory: def('gpu', 'perfkit.gpu.process.memory.usage', 'By', 'gauge', [...GPU, A.pid], 'GPU memory held by each process (largest maxGpuProcesses per device).', 'NVML nvmlDeviceGetComputeRunningProcesses_v3 only (not reported by the nvidia-smi back end)'),
  containerMemoryLimit: def('container', 'perfkit.container.memory.limit', 'By', 'gauge', [], 'Memory limit of the cgroup the process runs in; absent when unlimited.', 'cgroup v2 memory.max, v1 memory.limit_in_bytes (nearest limited ancestor)'),
  containerMemoryUsage: def('container', 'container.memory.usage', 'By', 'gauge', [], 'Memory the cgroup uses, page cache included.', 'cgroup v2 memory.current, v1 memory.usage_in_bytes'),
  containerMemoryWorkingSet: def('container', 'container.memory.working_set', 'By', 'gauge', [], 'Usage minus inactive file pages: what the kernel cannot easily reclaim (cAdvisor, kubelet).', 'usage − memory.stat inactive_file (v2) / total_inactive_file (v1); the whole usage when that line is missing, as cAdvisor'),
  containerMemoryRss: def('container', 'container.memory.rss', 'By', 'gauge', [], 'Anonymous memory of the cgroup.', 'memory.stat anon (v2) / total_rss (v1)'),
  containerMemoryAvailable: def('container', 'container.memory.available', 'By', 'gauge', [], 'Limit minus working set; absent when unlimited.', 'limit − working set'),
  containerMemoryUtilization: def('container', 'perfkit.container.memory.utilization', '1', 'gauge', [], 'Working set as a share (0..1) of the memory limit; absent when unlimited. The SLA memory rule judges this one when present.', 'working set / limit'),
  containerMemoryOomKills: def('container', 'perfkit.container.memory.oom_kills', '{kill}', 'counter', [], 'Processes of the cgroup the OOM killer killed.', 'cgroup v2 memory.events oom_kill, v1 memory.oom_control oom_kill'),
  containerMemoryLimitHits: def('container', 'perfkit.container.memory.limit_hits', '{event}', 'counter', [], 'Times the cgroup reached its memory limit (reclaim or OOM followed).', 'cgroup v2 memory.events max, v1 memory.failcnt'),
  containerCpuLimit: def('container', 'perfkit.container.cpu.limit', '{cpu}', 'gauge', [], 'CPU quota of the cgroup in cores (quota / period); absent when unlimited.', 'cgroup v2 cpu.max, v1 cpu.cfs_quota_us / cpu.cfs_period_us (smallest of the cgroup and its ancestors)'),
  containerCpuTime: def('container', 'container.cpu.time', 's', 'counter', [], 'CPU time the cgroup used.', 'cgroup v2 cpu.stat usage_usec, v1 cpuacct.usage'),
  containerCpuUsage: def('container', 'container.cpu.usage', '{cpu}', 'gauge', [], 'CPUs the cgroup used on average over the last interval.', 'container.cpu.time deltas / elapsed seconds'),
  containerCpuUtilization: def('container', 'perfkit.container.cpu.utilization', '1', 'gauge', [], 'CPU used over the last interval as a share (0..1) of the quota; absent when unlimited. The SLA cpu rule judges this one when present.', 'container.cpu.usage / quota cores'),
  containerCpuPeriods: def('container', 'perfkit.container.cpu.periods', '{period}', 'counter', [], 'CFS enforcement periods that elapsed with the cgroup runnable (the cgroup whose quota binds: the process\'s own, or the ancestor whose quota is smaller); when that cgroup changes, the total carries over and counts on from the new one\'s figure (never decreasing).', 'cpu.stat nr_periods (v2, v1) of the cgroup perfkit.container.cpu.limit is read from'),
  containerCpuThrottledPeriods: def('container', 'perfkit.container.cpu.throttled_periods', '{period}', 'counter', [], 'Enforcement periods in which the cgroup whose quota binds (the process\'s own or an ancestor) was throttled (hit its quota); carried over when that cgroup changes (never decreasing).', 'cpu.stat nr_throttled (v2, v1) of the cgroup perfkit.container.cpu.limit is read from'),
  containerCpuThrottledTime: def('container', 'perfkit.container.cpu.throttled_time', 's', 'counter', [], 'Time the cgroup whose quota binds (the process\'s own or an ancestor) spent throttled; carried over when that cgroup changes (never decreasing).', 'cgroup v2 cpu.stat throttled_usec, v1 cpu.stat throttled_time (ns), of the cgroup perfkit.container.cpu.limit is read from'),
  pressureStallTime: def('container', 'perfkit.pressure.stall_time', 's', 'counter', PSI, 'Pressure stall information: time some (or all, full) tasks stalled on cpu, memory or io (perfkit.pressure.source: cgroup or host).', 'cgroup v2 cpu/memory/io.pressure, /proc/pressure/* total= (µs)'),
  pressureAvg10: def('container', 'perfkit.pressure.stall.avg10', '1', 'gauge', PSI, 'Share (0..1) of the last 10 s some (or all) tasks stalled on the resource.', 'avg10= of the same files (percent / 100)'),
  collectorSuccess: def('plugin', 'perfkit.host.collector.success', '1', 'gauge', [A.hostGroup], 'Whether (1) or not (0) the last collection of each sampled group (perfkit.host.group: cpu, memory, filesystem, disk, network, process, eventLoop, container, gpu) succeeded; while it is 0 that group\'s gauges are absent (node_exporter\'s node_scrape_collector_success).', 'each group\'s background sampler: 0 when its collection threw (a /proc, /sys or cgroup file missing, unreadable or garbled)'),
} as const;

/** Key of a metric in {@link HOST_METRICS}. */
export type HostMetricKey = keyof typeof HOST_METRICS;

/**
 * Names and attribute values earlier versions wrote, and what replaced them (the semantic conventions' current
 * registry, `@opentelemetry/semantic-conventions` 1.45 incubating entry). Dashboards and alerts built on the old
 * names can be rewritten with this table; docs/metrics.md prints it.
 */
export const RENAMED_HOST_METRICS: readonly { readonly old: string; readonly now: string; readonly why: string }[] = [
  { old: 'system.network.packets', now: 'system.network.packet.count', why: 'deprecated in semconv (replaced by system.network.packet.count)' },
  { old: 'system.network.dropped', now: 'system.network.packet.dropped', why: 'deprecated in semconv (replaced by system.network.packet.dropped)' },
  { old: 'system.linux.memory.available', now: 'system.memory.linux.available', why: 'deprecated in semconv (replaced by system.memory.linux.available)' },
  { old: 'system.cpu.* cpu.mode="irq" and "softirq"', now: 'cpu.mode="interrupt" (their sum)', why: 'semconv cpu.mode has no irq/softirq value' },
  { old: 'system.memory.usage state="used" = MemTotal − MemAvailable', now: 'state="used" = MemTotal − free − buffers − cached', why: 'the states must sum to system.memory.limit (Shmem was counted in used and cached)' },
  { old: 'hw.gpu.* without hw.type', now: 'hw.gpu.* with hw.type="gpu"', why: 'semconv: hw.type MUST be "gpu" on GPU metrics' },
  { old: 'hw.gpu.utilization', now: 'hw.gpu.utilization{hw.gpu.task="general"}', why: 'semconv splits it by hw.gpu.task (general, encoder, decoder)' },
  { old: 'hw.gpu.temperature', now: 'hw.temperature{hw.type="temperature", hw.parent=<GPU hw.id>}', why: 'not in semconv; temperatures are hw.temperature sensors' },
  { old: 'hw.gpu.power', now: 'hw.power{hw.type="gpu"}', why: 'not in semconv; hw.power with hw.type is' },
  { old: 'hw.gpu.clock.sm', now: 'perfkit.gpu.clock.sm', why: 'not in semconv: perfkit namespace' },
  { old: 'hw.gpu.process.memory.usage', now: 'perfkit.gpu.process.memory.usage', why: 'not in semconv: perfkit namespace' },
];

/** GC pause histogram boundaries in seconds (0.1 ms .. 1 s): minor GCs take well under a millisecond. */
export const GC_DURATION_BUCKETS: readonly number[] = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** A paragraph for docs/metrics.md: why perfkit reads /proc itself instead of reusing @opentelemetry/host-metrics. */
export const HOST_METRICS_NOTES =
  'Host figures are read by @perfkit/host from /proc, statfs(2), Node.js perf_hooks and NVML (or nvidia-smi). ' +
  'The names follow @opentelemetry/host-metrics (system.cpu.*, system.memory.*, system.network.*), but its code is not reused, for three reasons. ' +
  '(1) Its used memory is os.totalmem() − os.freemem(): total − MemFree on Node.js before 20, which counts reclaimable page cache as used ' +
  '(on Node.js 20+, libuv 1.45+, os.freemem() returns MemAvailable, so its "free" state is not MemFree either); ' +
  'perfkit reads /proc/meminfo itself: used = MemTotal − MemAvailable, free = MemFree, cached and buffers as the kernel reports them. ' +
  '(2) Its CPU utilization is computed inside the observable callback from the time since the previous collection, so a Prometheus scrape ' +
  'and an OTLP export a few milliseconds apart yield a near-zero interval and a meaningless figure; perfkit samples /proc/stat on its own ' +
  'timer and uses deltas over at least intervalMs. (3) It has no disk, filesystem or GPU metrics. ' +
  'Every reading runs in the background on its own interval; the observable callbacks only copy the last sample. ' +
  'Two semantic-convention names are changed because promtool rejects a _count suffix on a gauge: system.cpu.logical.count is ' +
  'system.cpu.logical_cpus and process.unix.file_descriptor.count is process.open_fds. ' +
  'Container figures come from the process\'s cgroup (v2, v1 or hybrid, found through /proc/self/cgroup and mountinfo): container.* where the ' +
  'semantic conventions define a name, perfkit.container.* and perfkit.pressure.* otherwise; the limit, available and utilization series are ' +
  'absent when the cgroup has no limit, and the SLA cpu/memory rules judge the container series when present, the host otherwise. ' +
  'GPU series carry hw.type="gpu"; the DCGM exporter field each one matches is listed in packages/host/README.md.';
