/** The host figures the dashboard keeps over time; NaN where the source did not say. */
export const RESOURCE_FIELDS = [
  'cpuUtilization',
  'memoryUsedBytes',
  'memoryTotalBytes',
  'memoryUtilization',
  'diskUsedBytes',
  'diskTotalBytes',
  'diskFreeBytes',
  'diskUtilization',
  'networkRxBytesPerSecond',
  'networkTxBytesPerSecond',
  'eventLoopP99Seconds',
  'processRssBytes',
  'gpuUtilization',
  'gpuMemoryUsedBytes',
  'gpuMemoryTotalBytes',
  'gpuMemoryUtilization',
] as const;

/** One of {@link RESOURCE_FIELDS}. */
export type ResourceField = (typeof RESOURCE_FIELDS)[number];

/** One host sample, flattened to plain numbers. */
export type ResourceSample = { at: number } & Record<ResourceField, number>;

/** Where the dashboard's host figures come from. */
export type ResourceSource = 'host' | 'fallback' | 'none';

/** A sample with every figure unknown. */
export function emptySample(at: number): ResourceSample {
  const s = { at } as ResourceSample;
  for (const f of RESOURCE_FIELDS) s[f] = NaN;
  return s;
}

/** Fills the ratios that can be derived from absolute figures the source gave. */
export function deriveRatios(s: ResourceSample): ResourceSample {
  if (Number.isNaN(s.memoryUtilization) && s.memoryTotalBytes > 0) s.memoryUtilization = s.memoryUsedBytes / s.memoryTotalBytes;
  if (Number.isNaN(s.diskUsedBytes) && s.diskTotalBytes > 0) s.diskUsedBytes = s.diskTotalBytes - s.diskFreeBytes;
  if (Number.isNaN(s.diskFreeBytes) && s.diskTotalBytes > 0) s.diskFreeBytes = s.diskTotalBytes - s.diskUsedBytes;
  if (Number.isNaN(s.diskUtilization) && s.diskTotalBytes > 0) s.diskUtilization = s.diskUsedBytes / s.diskTotalBytes;
  if (Number.isNaN(s.gpuMemoryUtilization) && s.gpuMemoryTotalBytes > 0) {
    s.gpuMemoryUtilization = s.gpuMemoryUsedBytes / s.gpuMemoryTotalBytes;
  }
  return s;
}
