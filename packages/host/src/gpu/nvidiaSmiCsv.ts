import type { GpuSample } from '../types';
import { memoryUtilization } from './GpuBackend';

/** The `--query-gpu` fields the nvidia-smi back end asks for, in order. */
export const NVIDIA_SMI_FIELDS = [
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
  'clocks.sm',
] as const;

/** The nvidia-smi arguments: one long-lived process printing one CSV line per GPU every `intervalMs`. */
export function nvidiaSmiArgs(intervalMs: number): string[] {
  return [`--query-gpu=${NVIDIA_SMI_FIELDS.join(',')}`, '--format=csv,noheader,nounits', `--loop-ms=${intervalMs}`];
}

const MIB = 1024 * 1024;
const MAX_TEXT = 256;

/** A number, or undefined for `[N/A]`, `[Not Supported]`, `N/A`, empty or anything else not a plain decimal. */
function figure(text: string): number | undefined {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Parses one `--format=csv,noheader,nounits` line into a GPU sample, or undefined for a malformed line (wrong field
 * count, no index, no uuid). Units: memory MiB -> bytes, utilization % -> 0..1, clock MHz -> Hz, power W.
 */
export function parseNvidiaSmiLine(line: string): GpuSample | undefined {
  if (line.length > 4096) return undefined;
  const fields = line.split(',').map((f) => f.trim());
  if (fields.length !== NVIDIA_SMI_FIELDS.length) return undefined;
  const [indexText, uuid, name, util, memUsed, memTotal, temp, power, clock] = fields as [string, ...string[]];
  const index = figure(indexText);
  if (index === undefined || !Number.isInteger(index) || index < 0 || !uuid || uuid.length > MAX_TEXT || figure(uuid) !== undefined) {
    return undefined;
  }
  const utilization = figure(util!);
  const memoryUsed = figure(memUsed!);
  const memoryTotal = figure(memTotal!);
  const smClock = figure(clock!);
  const used = memoryUsed === undefined ? undefined : memoryUsed * MIB;
  const total = memoryTotal === undefined ? undefined : memoryTotal * MIB;
  return {
    index,
    uuid,
    name: (name ?? '').slice(0, MAX_TEXT),
    utilization: utilization === undefined ? undefined : Math.min(1, Math.max(0, utilization / 100)),
    memoryUsed: used,
    memoryTotal: total,
    memoryUtilization: memoryUtilization(used, total),
    temperature: figure(temp!),
    power: figure(power!),
    smClock: smClock === undefined ? undefined : smClock * 1e6,
    processes: [],
  };
}
