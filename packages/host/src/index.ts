export { hostMetrics } from './hostMetrics';
export { hostConfigSchema, resolveHostConfig, HOST_ENV_OVERRIDES, PSEUDO_FILESYSTEM_TYPES, VIRTUAL_INTERFACES, STACKED_DEVICES } from './config';
export type { HostMetricsOptions, ResolvedHostConfig } from './config';
export { HOST_METRICS, HOST_ATTR, HOST_METRICS_NOTES, GC_DURATION_BUCKETS, RENAMED_HOST_METRICS } from './names';
export type { HostMetricDef, HostMetricKey } from './names';
export { parseNvidiaSmiLine, nvidiaSmiArgs, NVIDIA_SMI_FIELDS } from './gpu/nvidiaSmiCsv';
export type { NvidiaSmiProblemHandler } from './gpu/nvidiaSmiCsv';
export type {
  HostMetricsPlugin,
  HostSample,
  HostGroup,
  GpuBackendName,
  CpuSample,
  CpuModeName,
  MemorySample,
  SwapSample,
  FilesystemSample,
  DiskSample,
  NetworkSample,
  ProcessSample,
  EventLoopSample,
  GpuSample,
  GpuProcessSample,
  CgroupMode,
  ContainerSample,
  PressureSample,
} from './types';
