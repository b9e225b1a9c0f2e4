import type { GpuSample } from '../types';
import { memoryUtilization } from './GpuBackend';

/**
 * The `--query-gpu` fields the nvidia-smi back end asks for, in order. Names as `nvidia-smi --help-query-gpu` lists
 * them (R535+: `clocks_event_reasons.*`, formerly `clocks_throttle_reasons.*`). The first nine are the ones every
 * supported driver knows; a driver that rejects one of the others (`Field "x" is not a valid field to query.`) is
 * asked again without it (see {@link withoutRejectedField}). Total energy and PCIe throughput have no `--query-gpu`
 * field: those figures come from the NVML back end only.
 */
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
  'utilization.memory',
  'utilization.encoder',
  'utilization.decoder',
  'memory.reserved',
  'enforced.power.limit',
  'clocks.mem',
  'clocks_event_reasons.active',
  'ecc.errors.corrected.volatile.total',
  'ecc.errors.uncorrected.volatile.total',
] as const;

/** The fields before R535 drivers' renames: what a rejected field is replaced with (else it is dropped). */
const OLDER_NAMES: Readonly<Record<string, string>> = { 'clocks_event_reasons.active': 'clocks_throttle_reasons.active' };

/** Fields the back end cannot do without (the device's identity). */
const REQUIRED_FIELDS: readonly string[] = ['index', 'uuid', 'name'];

/**
 * The field list to ask for after nvidia-smi refused `stderr`'s field, or undefined when stderr names none (or a
 * field perfkit cannot do without): the older name where a field was renamed, else the list without it.
 */
export function withoutRejectedField(fields: readonly string[], stderr: string): string[] | undefined {
  const rejected = /Field "([^"]{1,100})" is not a valid field to query/.exec(stderr)?.[1];
  if (rejected === undefined || REQUIRED_FIELDS.includes(rejected) || !fields.includes(rejected)) return undefined;
  const older = OLDER_NAMES[rejected];
  return older && !fields.includes(older) ? fields.map((f) => (f === rejected ? older : f)) : fields.filter((f) => f !== rejected);
}

/** The nvidia-smi arguments: one long-lived process printing one CSV line per GPU every `intervalMs`. */
export function nvidiaSmiArgs(intervalMs: number, fields: readonly string[] = NVIDIA_SMI_FIELDS): string[] {
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits', `--loop-ms=${intervalMs}`];
}

const MIB = 1024 * 1024;
const MAX_TEXT = 256;

/** A number, or undefined for `[N/A]`, `[Not Supported]`, `N/A`, empty or anything else not a plain decimal. */
function figure(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

const scaled = (text: string | undefined, factor: number) => {
  const n = figure(text);
  return n === undefined ? undefined : n * factor;
};
const share = (text: string | undefined) => {
  const n = figure(text);
  return n === undefined ? undefined : Math.min(1, Math.max(0, n / 100));
};
const count = (text: string | undefined) => {
  const n = figure(text);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

/** The clock-event bit mask nvidia-smi prints in hex (`0x0000000000000004`); undefined past 2^53 or when not hex. */
function bitmask(text: string | undefined): number | undefined {
  if (text === undefined || !/^0x[0-9a-fA-F]{1,16}$/.test(text)) return undefined;
  const n = Number(BigInt(text));
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Parses one `--format=csv,noheader,nounits` line, whose columns are `fields` in order, into a GPU sample, or
 * undefined for a malformed line (wrong field count, no index, no uuid). Units: memory MiB -> bytes, utilization
 * % -> 0..1, clocks MHz -> Hz, power W, clock-event reasons hex -> the nvmlClocksEventReason bit mask.
 */
export function parseNvidiaSmiLine(line: string, fields: readonly string[] = NVIDIA_SMI_FIELDS): GpuSample | undefined {
  if (line.length > 4096) return undefined;
  const values = line.split(',').map((f) => f.trim());
  if (values.length !== fields.length) return undefined;
  const v = new Map<string, string>();
  fields.forEach((f, i) => v.set(f, values[i]!));
  const index = figure(v.get('index'));
  const uuid = v.get('uuid');
  if (index === undefined || !Number.isInteger(index) || index < 0 || !uuid || uuid.length > MAX_TEXT || figure(uuid) !== undefined) {
    return undefined;
  }
  const used = scaled(v.get('memory.used'), MIB);
  const total = scaled(v.get('memory.total'), MIB);
  return {
    index,
    uuid,
    name: (v.get('name') ?? '').slice(0, MAX_TEXT),
    utilization: share(v.get('utilization.gpu')),
    memoryUsed: used,
    memoryTotal: total,
    memoryUtilization: memoryUtilization(used, total),
    temperature: figure(v.get('temperature.gpu')),
    power: figure(v.get('power.draw')),
    smClock: scaled(v.get('clocks.sm'), 1e6),
    memoryControllerUtilization: share(v.get('utilization.memory')),
    encoderUtilization: share(v.get('utilization.encoder')),
    decoderUtilization: share(v.get('utilization.decoder')),
    memoryReserved: scaled(v.get('memory.reserved'), MIB),
    powerLimit: figure(v.get('enforced.power.limit')),
    memoryClock: scaled(v.get('clocks.mem'), 1e6),
    clockEventReasons: bitmask(v.get('clocks_event_reasons.active') ?? v.get('clocks_throttle_reasons.active')),
    eccCorrected: count(v.get('ecc.errors.corrected.volatile.total')),
    eccUncorrected: count(v.get('ecc.errors.uncorrected.volatile.total')),
    processes: [],
  };
}
