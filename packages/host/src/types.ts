import type { PerfkitPlugin } from '@perfkit/core';

/** CPU modes as the semantic conventions' `cpu.mode` (`/proc/stat` irq and softirq are summed into `interrupt`). */
export type CpuModeName = 'user' | 'nice' | 'system' | 'idle' | 'iowait' | 'interrupt' | 'steal';

/** System CPU over the last sampling interval. */
export interface CpuSample {
  /** Fraction (0..1) of all CPUs' time not idle or iowait over the last interval. */
  readonly utilization: number;
  /** Fraction (0..1) of all CPUs' time spent in each state over the last interval; the states sum to 1. */
  readonly modes: Readonly<Record<CpuModeName, number>>;
  /** Cumulative seconds per state since boot, summed over CPUs. */
  readonly times: Readonly<Record<CpuModeName, number>>;
  /** Seconds between the two `/proc/stat` readings the utilization comes from. */
  readonly intervalSeconds: number;
  readonly logicalCount: number;
}

/** System memory in bytes; `used` is total − MemAvailable (page cache that can be reclaimed is not "used"). */
export interface MemorySample {
  readonly total: number;
  readonly available: number;
  readonly used: number;
  /** MemFree. */
  readonly free: number;
  /** Page cache the kernel can drop: Cached − Shmem + SReclaimable. */
  readonly cached: number;
  readonly buffers: number;
  /** Shmem (tmpfs, /dev/shm, shared anonymous memory). */
  readonly shared: number;
  /** The `system.memory.state` partition: used + free + buffers + cached = total exactly. */
  readonly states: { readonly used: number; readonly free: number; readonly buffers: number; readonly cached: number };
  /** used / total. */
  readonly utilization: number;
}

/** Swap in bytes. */
export interface SwapSample {
  readonly total: number;
  readonly used: number;
  readonly free: number;
  /** used / total, 0 without swap. */
  readonly utilization: number;
}

/** One mounted filesystem (statfs). */
export interface FilesystemSample {
  readonly device: string;
  readonly mountpoint: string;
  readonly type: string;
  /** Bytes in the filesystem (f_blocks). */
  readonly limit: number;
  /** Bytes used (f_blocks − f_bfree). */
  readonly used: number;
  /** Bytes free to unprivileged users (f_bavail). */
  readonly free: number;
  /** Bytes reserved for root (f_bfree − f_bavail). */
  readonly reserved: number;
  /** used / (used + free), what `df` shows as Use%. */
  readonly utilization: number;
}

/** Cumulative I/O of one block device. */
export interface DiskSample {
  readonly device: string;
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly reads: number;
  readonly writes: number;
  readonly ioTimeSeconds: number;
  readonly readTimeSeconds: number;
  readonly writeTimeSeconds: number;
}

/** Cumulative traffic of one network interface. */
export interface NetworkSample {
  readonly interface: string;
  readonly rxBytes: number;
  readonly txBytes: number;
  readonly rxPackets: number;
  readonly txPackets: number;
  readonly rxErrors: number;
  readonly txErrors: number;
  readonly rxDropped: number;
  readonly txDropped: number;
}

/** This process. */
export interface ProcessSample {
  readonly cpuUserSeconds: number;
  readonly cpuSystemSeconds: number;
  /**
   * Process CPU time over the last interval divided by elapsed time and the CPUs available to the process (0..1);
   * undefined until two readings at least half an interval apart exist.
   */
  readonly cpuUtilization?: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  /** Open file descriptors (entries of /proc/self/fd); undefined where that is not readable. */
  readonly openFds: number | undefined;
}

/** The event loop over the last interval (seconds; utilization 0..1). */
export interface EventLoopSample {
  /** The delays are undefined when the delay histogram took no sample in the interval (e.g. right after start). */
  readonly p50?: number;
  readonly p99?: number;
  readonly max?: number;
  readonly utilization: number;
}

/** GPU memory held by one process. */
export interface GpuProcessSample {
  readonly pid: number;
  readonly memoryUsed: number;
}

/** One GPU; a figure the device or back end does not report is undefined. */
export interface GpuSample {
  readonly index: number;
  /**
   * The device's identity (`hw.id`): its uuid; `pci:<bus id>` when the uuid cannot be read (nvidia-smi printed a
   * placeholder such as `[Unknown Error]`, NVML answered an error); `index:<index>` when the bus id is missing too, or
   * when another GPU of the same sample has the same uuid or bus id.
   */
  readonly uuid: string;
  /** PCI bus id, `domain:bus:device.function` as NVML writes it (`00000000:17:00.0`); undefined when not readable. */
  readonly pciBusId?: string;
  readonly name: string;
  /** Fraction (0..1) of time a kernel ran. */
  readonly utilization?: number;
  readonly memoryUsed?: number;
  readonly memoryTotal?: number;
  /** memoryUsed / memoryTotal. */
  readonly memoryUtilization?: number;
  /** Degrees Celsius. */
  readonly temperature?: number;
  /** Watts. */
  readonly power?: number;
  /** SM clock in Hz. */
  readonly smClock?: number;
  /** Memory clock in Hz. */
  readonly memoryClock?: number;
  /** Bytes the driver reserves (nvmlDeviceGetMemoryInfo_v2), apart from used. */
  readonly memoryReserved?: number;
  /** Fraction (0..1) of time device memory was read or written. */
  readonly memoryControllerUtilization?: number;
  /** Fraction (0..1) of time the video encoder / decoder was busy. */
  readonly encoderUtilization?: number;
  readonly decoderUtilization?: number;
  /** Joules since the driver was loaded. */
  readonly energy?: number;
  /** Enforced power limit in watts. */
  readonly powerLimit?: number;
  /** nvmlClocksEventReason bit mask (0 = clocks not held down). */
  readonly clockEventReasons?: number;
  /** Volatile ECC error counts. */
  readonly eccCorrected?: number;
  readonly eccUncorrected?: number;
  /** PCIe bytes per second over NVML's last 20 ms sample. */
  readonly pcieRxBytesPerSecond?: number;
  readonly pcieTxBytesPerSecond?: number;
  /** MIG GPU instances (0 with MIG off); undefined on devices without MIG. */
  readonly migInstances?: number;
  /** Per-process memory (NVML only; empty where unavailable). */
  readonly processes: readonly GpuProcessSample[];
}

/** How the process's cgroups are mounted: unified v2, v1 only, v1 controllers beside a v2 hierarchy, or none found. */
export type CgroupMode = 'v2' | 'v1' | 'hybrid' | 'none';

/** One pressure-stall figure (kernel Documentation/accounting/psi.rst). */
export interface PressureSample {
  readonly resource: 'cpu' | 'memory' | 'io';
  /** `some`: at least one task stalled; `full`: all non-idle tasks stalled at once. */
  readonly scope: 'some' | 'full';
  /** `cgroup`: the process's cgroup; `host`: /proc/pressure. */
  readonly source: 'cgroup' | 'host';
  /** Share (0..1) of the last 10 s stalled. */
  readonly avg10: number;
  /** Cumulative stall time in seconds. */
  readonly totalSeconds: number;
}

/** The process's cgroup; a figure the kernel does not offer (or that could not be read) is undefined. */
export interface ContainerSample {
  readonly mode: CgroupMode;
  readonly memory: {
    /** Bytes; undefined when unlimited. */
    readonly limit?: number;
    readonly usage?: number;
    /** usage − inactive file pages (the whole usage when memory.stat lacks them, as cAdvisor). */
    readonly workingSet?: number;
    readonly rss?: number;
    /** limit − working set. */
    readonly available?: number;
    /** workingSet / limit (0..1 and beyond at the edge); undefined when unlimited. */
    readonly utilization?: number;
    readonly oomKills?: number;
    readonly limitHits?: number;
  };
  readonly cpu: {
    /** Quota in cores; undefined when unlimited. */
    readonly limitCores?: number;
    /** Cumulative CPU seconds of the cgroup. */
    readonly timeSeconds?: number;
    /** Average cores used over the last interval. */
    readonly usageCores?: number;
    /** usageCores / limitCores; undefined when unlimited. */
    readonly utilization?: number;
    /**
     * CFS periods, throttled periods and throttled seconds of the cgroup whose quota binds (own or an ancestor); when
     * that cgroup changes, the totals carry over and count on from the new one's figures (never decreasing, as every
     * counter of this sample: a cgroup whose own counter goes back counts from 0 again).
     */
    readonly periods?: number;
    readonly throttledPeriods?: number;
    readonly throttledSeconds?: number;
  };
  readonly pressure: readonly PressureSample[];
}

/** The latest figures of every enabled group, as plain numbers. A group not sampled yet is absent. */
export interface HostSample {
  /** When the newest figure was taken (ms since the epoch). */
  readonly at: number;
  readonly cpu?: CpuSample;
  readonly load?: { readonly one: number; readonly five: number; readonly fifteen: number };
  readonly memory?: MemorySample;
  readonly swap?: SwapSample;
  readonly filesystems: readonly FilesystemSample[];
  readonly disks: readonly DiskSample[];
  readonly network: readonly NetworkSample[];
  readonly process?: ProcessSample;
  readonly eventLoop?: EventLoopSample;
  /** The process's cgroup (container) figures; absent when the container group is off. */
  readonly container?: ContainerSample;
  readonly gpus: readonly GpuSample[];
}

/** Which GPU back end answers: NVML through FFI, the nvidia-smi loop process, or none. */
export type GpuBackendName = 'nvml' | 'nvidia-smi' | 'none';

/** The groups of figures that can be switched on and off. */
export type HostGroup = 'cpu' | 'memory' | 'filesystem' | 'disk' | 'network' | 'process' | 'eventLoop' | 'gc' | 'container' | 'gpu';

/** The `'host'` plug-in returned by `hostMetrics()`. */
export interface HostMetricsPlugin extends PerfkitPlugin {
  readonly name: 'host';
  /** The last sample of every group (plain numbers), or undefined before the first collection. */
  latest(): HostSample | undefined;
  /** The GPU back end in use (`'none'` until one answered, or when GPU metrics are off). */
  gpuBackend(): GpuBackendName;
  /** When a collection last completed (ms since the epoch; 0 before the first), for one group or any. */
  lastCollectionAt(group?: HostGroup): number;
  /** Stops the samplers, detaches the callbacks, shuts NVML down or stops nvidia-smi. Idempotent. */
  shutdown(): Promise<void>;
  /** Runs every collector once now (tests, benchmarks, a first reading at start-up); never rejects. */
  collectNow(): Promise<void>;
}
