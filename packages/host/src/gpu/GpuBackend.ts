import type { GpuSample } from '../types';

/** A source of GPU samples (NVML or the nvidia-smi loop process). */
export interface GpuBackend {
  readonly name: 'nvml' | 'nvidia-smi';
  /** Takes a sample now where the back end samples on demand (NVML); the nvidia-smi loop samples on its own. */
  sample(): void | Promise<void>;
  /** The devices of the last sample that is still fresh. */
  devices(): readonly GpuSample[];
  /** Releases the library or stops the process. Idempotent. */
  close(): Promise<void>;
}

/** memoryUsed / memoryTotal when both are known. */
export function memoryUtilization(used: number | undefined, total: number | undefined): number | undefined {
  return used !== undefined && total !== undefined && total > 0 ? Math.min(1, used / total) : undefined;
}
