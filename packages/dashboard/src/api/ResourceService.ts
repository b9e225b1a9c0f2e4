import type { HistoryRecorder } from '../history/HistoryRecorder';
import { RESOURCE_FIELDS, type ResourceField, type ResourceSample } from '../history/ResourceSample';
import type { z } from 'zod';
import type { currentResourcesSchema } from './schemas';

/** The resource groups `/api/v1/resources/:kind` serves, and the fields each shows. */
export const RESOURCE_KINDS: Record<string, readonly ResourceField[]> = {
  cpu: ['cpuUtilization', 'eventLoopP99Seconds'],
  memory: ['memoryUsedBytes', 'memoryTotalBytes', 'memoryUtilization', 'processRssBytes'],
  network: ['networkRxBytesPerSecond', 'networkTxBytesPerSecond'],
  disk: ['diskUsedBytes', 'diskFreeBytes', 'diskTotalBytes', 'diskUtilization'],
  gpu: ['gpuUtilization', 'gpuMemoryUsedBytes', 'gpuMemoryTotalBytes', 'gpuMemoryUtilization'],
  all: RESOURCE_FIELDS,
};

/** NaN and infinities become null (JSON). */
export const orNull = (v: number | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The newest sample; before the first timer tick (or the host plug-in's first collection) one is taken now. */
function latestSample(recorder: HistoryRecorder): Partial<ResourceSample> {
  return recorder.resources.latest() ?? recorder.sampleNow() ?? {};
}

/** The newest sample's figures for the dashboard tiles. */
export function currentResources(recorder: HistoryRecorder): z.infer<typeof currentResourcesSchema> {
  const s: Partial<ResourceSample> = latestSample(recorder);
  return {
    sampledAt: orNull(s.at),
    source: recorder.source,
    cpuUtilization: orNull(s.cpuUtilization),
    memoryUtilization: orNull(s.memoryUtilization),
    memoryUsedBytes: orNull(s.memoryUsedBytes),
    memoryTotalBytes: orNull(s.memoryTotalBytes),
    diskFreeBytes: orNull(s.diskFreeBytes),
    diskUtilization: orNull(s.diskUtilization),
    gpuUtilization: orNull(s.gpuUtilization),
    gpuMemoryUsedBytes: orNull(s.gpuMemoryUsedBytes),
    gpuMemoryUtilization: orNull(s.gpuMemoryUtilization),
  };
}

/** One resource group's current figures. */
export function resourceGroup(recorder: HistoryRecorder, kind: string) {
  const s: Partial<ResourceSample> = latestSample(recorder);
  const fields = RESOURCE_KINDS[kind] ?? [];
  const values = Object.fromEntries(fields.map((f) => [f, orNull(s[f])]));
  const host = recorder.host();
  const gpuBackend = kind === 'gpu' || kind === 'all' ? gpuBackendOf(host) : undefined;
  return { kind, sampledAt: orNull(s.at), source: recorder.source, values, ...(gpuBackend ? { gpuBackend } : {}) };
}

/** The GPU back end the host plug-in uses, or `none`. */
export function gpuBackendOf(host: ReturnType<HistoryRecorder['host']>): string {
  try {
    const b = typeof host?.gpuBackend === 'function' ? host.gpuBackend() : undefined;
    return typeof b === 'string' && b ? b : 'none';
  } catch {
    return 'none';
  }
}
