import { z } from 'zod';
import { resolveConfig, type EnvOverride } from '@perfkit/core';

const intervalMs = z
  .number({ error: 'expected a whole number of milliseconds' })
  .int({ error: 'expected a whole number of milliseconds' })
  .min(100, { error: 'expected at least 100 ms (a shorter interval makes CPU figures meaningless)' })
  .max(3_600_000, { error: 'expected at most 3600000 ms (one hour)' });

const pattern = z
  .string()
  .min(1)
  .max(256, { error: 'expected a name or glob of at most 256 characters' });

const patterns = z.array(pattern).max(64, { error: 'expected at most 64 patterns' });

/** Include/exclude filter; names may use `*` as a wildcard. Exclude wins. */
const filterSchema = (defaultExclude: string[]) =>
  z
    .object({ include: patterns.default([]), exclude: patterns.default(defaultExclude) })
    .strict()
    .default({ include: [], exclude: defaultExclude });

/** Filesystem types that are not storage (kernel interfaces, memory, read-only images); skipped by default. */
export const PSEUDO_FILESYSTEM_TYPES: readonly string[] = [
  'autofs', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'debugfs', 'devpts', 'devtmpfs', 'efivarfs',
  'fusectl', 'fuse.gvfsd-fuse', 'hugetlbfs', 'mqueue', 'nsfs', 'proc', 'procfs', 'pstore', 'ramfs', 'rpc_pipefs',
  'securityfs', 'selinuxfs', 'squashfs', 'sysfs', 'tracefs', 'tmpfs', 'nfsd', 'overlay.lower', 'iso9660',
];

/**
 * Interfaces excluded by default: loopback and the virtual ones whose traffic is also counted on a real interface
 * (veth pairs, bridges, ifb mirrors, overlay tunnels of container networks). Opt in with `interfaces.exclude: ['lo']`.
 */
export const VIRTUAL_INTERFACES: readonly string[] = [
  'lo', 'veth*', 'ifb*', 'br-*', 'virbr*', 'docker*', 'cni*', 'flannel*', 'cali*', 'vxlan*', 'tunl*', 'kube-ipvs*', 'cilium_*', 'lxc*',
];

/**
 * Block devices excluded by default: loop and RAM disks, and the volumes stacked on real disks (device mapper `dm-*`
 * for LVM/LUKS, software RAID `md*`), whose I/O the disks under them already count.
 */
export const STACKED_DEVICES: readonly string[] = ['loop*', 'ram*', 'zram*', 'dm-*', 'md*'];

const path = z.string().min(1).max(4096, { error: 'expected a path of at most 4096 characters' });

const gpuMode = z.preprocess(
  (v) => (typeof v === 'string' && ['false', 'off', 'none', '0'].includes(v.trim().toLowerCase()) ? false : v),
  z.union([z.enum(['auto', 'nvml', 'nvidia-smi']), z.literal(false)], {
    error: "expected 'auto', 'nvml', 'nvidia-smi' or false",
  }),
);

const groupsSchema = z
  .object({
    cpu: z.boolean().default(true),
    memory: z.boolean().default(true),
    filesystem: z.boolean().default(true),
    disk: z.boolean().default(true),
    network: z.boolean().default(true),
    process: z.boolean().default(true),
    eventLoop: z.boolean().default(true),
    gc: z.boolean().default(true),
    container: z.boolean().default(true),
  })
  .strict();

const GROUP_DEFAULTS = { cpu: true, memory: true, filesystem: true, disk: true, network: true, process: true, eventLoop: true, gc: true, container: true };

/** Options of `hostMetrics()`. Every key has a `PERFKIT_HOST_*` variable (see {@link HOST_ENV_OVERRIDES}). */
export const hostConfigSchema = z
  .object({
    /** CPU, memory, load, process and event-loop sampling interval. */
    intervalMs: intervalMs.default(5000),
    /** Filesystem, disk and network sampling interval (statfs and several /proc files). */
    ioIntervalMs: intervalMs.default(15_000),
    /** GPU sampling interval (also the nvidia-smi `-lms` loop period). */
    gpuIntervalMs: intervalMs.default(5000),
    gpu: gpuMode.default('auto'),
    groups: groupsSchema.default(GROUP_DEFAULTS),
    mounts: filterSchema([]),
    filesystemTypes: filterSchema([...PSEUDO_FILESYSTEM_TYPES]),
    interfaces: filterSchema([...VIRTUAL_INTERFACES]),
    devices: filterSchema([...STACKED_DEVICES]),
    /** Where procfs is mounted (tests point this at a fake tree). */
    procPath: path.default('/proc'),
    /** Where sysfs is mounted; `/sys/block` tells whole disks from partitions. */
    sysPath: path.default('/sys'),
    /**
     * A cgroup directory to read instead of the process's own (a v2 directory, or one holding v1 `memory/`, `cpu/`,
     * `cpuacct/`); default: found from /proc/self/cgroup and /proc/self/mountinfo.
     */
    cgroupPath: path.optional(),
    /** The NVML library to dlopen. */
    nvmlLibrary: path.default('libnvidia-ml.so.1'),
    /** How long one NVML sample may take on its worker thread before the GPU counts as hung (figures left out). */
    nvmlTimeoutMs: z.number().int().min(50).max(600_000).default(5000),
    /** The nvidia-smi executable (looked up on PATH unless absolute). */
    nvidiaSmiPath: path.default('nvidia-smi'),
    /** First delay before restarting a dead nvidia-smi loop; doubles per failure up to maxRestartDelayMs. */
    restartDelayMs: z.number().int().min(10).max(600_000).default(1000),
    maxRestartDelayMs: z.number().int().min(10).max(3_600_000).default(60_000),
    /** Per-process GPU memory series kept per device (the largest users). */
    maxGpuProcesses: z.number().int().min(0).max(1024).default(16),
    /** monitorEventLoopDelay sampling resolution; below intervalMs, so every interval holds delay samples. */
    eventLoopResolutionMs: z.number().int().min(1).max(1000).default(10),
  })
  .strict()
  // The back-off doubles from restartDelayMs up to maxRestartDelayMs: a first delay above the cap has no meaning (the
  // nvidia-smi loop waited restartDelayMs every time, NVML re-initialisation fell back to the cap after one wait).
  // Checked whenever both are whole numbers, so it is reported with every other problem, not after they are fixed.
  .superRefine(
    (cfg, ctx) => {
      if (cfg.restartDelayMs > cfg.maxRestartDelayMs) {
        ctx.addIssue({
          code: 'custom',
          path: ['restartDelayMs'],
          message: `expected at most maxRestartDelayMs (${cfg.maxRestartDelayMs} ms), the cap of the back-off that doubles from it`,
        });
      }
    },
    { when: ({ value }) => isWholeNumbers(value, 'restartDelayMs', 'maxRestartDelayMs') },
  )
  // monitorEventLoopDelay records at most one delay per resolution: at or above the sampling interval, some intervals
  // hold no sample and their delay figures would be absent (they read as 0 s of delay before).
  .superRefine(
    (cfg, ctx) => {
      if (cfg.eventLoopResolutionMs >= cfg.intervalMs) {
        ctx.addIssue({
          code: 'custom',
          path: ['eventLoopResolutionMs'],
          message: `expected less than intervalMs (${cfg.intervalMs} ms): every sampling interval must hold event-loop delay samples`,
        });
      }
    },
    { when: ({ value }) => isWholeNumbers(value, 'eventLoopResolutionMs', 'intervalMs') },
  );

/** Whether `value` is an object whose `keys` all hold whole numbers (what a cross-field check needs to compare them). */
function isWholeNumbers(value: unknown, ...keys: string[]): value is Record<string, number> {
  return typeof value === 'object' && value !== null && keys.every((k) => Number.isInteger((value as Record<string, unknown>)[k]));
}

/** What `hostMetrics()` accepts. */
export type HostMetricsOptions = z.input<typeof hostConfigSchema>;
/** Options after validation, defaults and environment overrides. */
export type ResolvedHostConfig = z.output<typeof hostConfigSchema>;

const GROUP_ENV = (Object.keys(GROUP_DEFAULTS) as (keyof typeof GROUP_DEFAULTS)[]).map((g) => ({
  env: `PERFKIT_HOST_${g.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()}_ENABLED`,
  key: `groups.${g}`,
  parse: 'boolean' as const,
}));

/** The `PERFKIT_HOST_*` variables; they win over values in code. */
export const HOST_ENV_OVERRIDES: readonly EnvOverride[] = [
  { env: 'PERFKIT_HOST_INTERVAL_MS', key: 'intervalMs', parse: 'number' },
  { env: 'PERFKIT_HOST_IO_INTERVAL_MS', key: 'ioIntervalMs', parse: 'number' },
  { env: 'PERFKIT_HOST_GPU_INTERVAL_MS', key: 'gpuIntervalMs', parse: 'number' },
  { env: 'PERFKIT_HOST_GPU', key: 'gpu', parse: 'string' },
  ...GROUP_ENV,
  { env: 'PERFKIT_HOST_MOUNTS_INCLUDE', key: 'mounts.include', parse: 'list' },
  { env: 'PERFKIT_HOST_MOUNTS_EXCLUDE', key: 'mounts.exclude', parse: 'list' },
  { env: 'PERFKIT_HOST_FILESYSTEM_TYPES_INCLUDE', key: 'filesystemTypes.include', parse: 'list' },
  { env: 'PERFKIT_HOST_FILESYSTEM_TYPES_EXCLUDE', key: 'filesystemTypes.exclude', parse: 'list' },
  { env: 'PERFKIT_HOST_INTERFACES_INCLUDE', key: 'interfaces.include', parse: 'list' },
  { env: 'PERFKIT_HOST_INTERFACES_EXCLUDE', key: 'interfaces.exclude', parse: 'list' },
  { env: 'PERFKIT_HOST_DEVICES_INCLUDE', key: 'devices.include', parse: 'list' },
  { env: 'PERFKIT_HOST_DEVICES_EXCLUDE', key: 'devices.exclude', parse: 'list' },
  { env: 'PERFKIT_HOST_PROC_PATH', key: 'procPath', parse: 'string' },
  { env: 'PERFKIT_HOST_SYS_PATH', key: 'sysPath', parse: 'string' },
  { env: 'PERFKIT_HOST_CGROUP_PATH', key: 'cgroupPath', parse: 'string' },
  { env: 'PERFKIT_HOST_NVML_LIBRARY', key: 'nvmlLibrary', parse: 'string' },
  { env: 'PERFKIT_HOST_NVML_TIMEOUT_MS', key: 'nvmlTimeoutMs', parse: 'number' },
  { env: 'PERFKIT_HOST_NVIDIA_SMI_PATH', key: 'nvidiaSmiPath', parse: 'string' },
  { env: 'PERFKIT_HOST_RESTART_DELAY_MS', key: 'restartDelayMs', parse: 'number' },
  { env: 'PERFKIT_HOST_MAX_RESTART_DELAY_MS', key: 'maxRestartDelayMs', parse: 'number' },
  { env: 'PERFKIT_HOST_MAX_GPU_PROCESSES', key: 'maxGpuProcesses', parse: 'number' },
  { env: 'PERFKIT_HOST_EVENT_LOOP_RESOLUTION_MS', key: 'eventLoopResolutionMs', parse: 'number' },
];

/** Validates `hostMetrics()` options with `PERFKIT_HOST_*` overrides; throws `PerfkitConfigError` naming `host.<key>`. */
export function resolveHostConfig(options: HostMetricsOptions | undefined, env: NodeJS.ProcessEnv = process.env): ResolvedHostConfig {
  return resolveConfig(hostConfigSchema, options, HOST_ENV_OVERRIDES, env, 'host');
}
