import type { GpuSample } from '../types';
import { memoryUtilization } from './GpuBackend';
import { gpuHwId, parseGpuUuid, parsePciBusId, refusedUuidReason, shownPlaceholder, type KnownUuids } from './gpuIdentity';

/**
 * The `--query-gpu` fields the nvidia-smi back end asks for, in order. Names as `nvidia-smi --help-query-gpu` lists
 * them (R535+: `clocks_event_reasons.*`, formerly `clocks_throttle_reasons.*`). The first nine are the ones every
 * supported driver knows; a driver that rejects one of the others (`Field "x" is not a valid field to query.`) is
 * asked again without it (see {@link withoutRejectedField}). `pci.bus_id` (every driver knows it; last, so the
 * columns before it keep their places) identifies a GPU whose uuid cannot be read. Total energy and PCIe throughput
 * have no `--query-gpu` field: those figures come from the NVML back end only.
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
  'pci.bus_id',
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

/**
 * Called once per refused value: `key` names the problem (device, field, kind; not the value, so a value that keeps
 * changing is one problem) for once-only reporting, `message` says it.
 */
export type NvidiaSmiProblemHandler = (key: string, message: string) => void;

/**
 * Whether `text` is one of nvidia-smi's stand-ins for a value it could not get rather than a value: `[N/A]`,
 * `[Not Supported]`, `[Unknown Error]`, `[Insufficient Permissions]`, `[GPU requires reset]`, ... (always in square
 * brackets in CSV output), or a bare `N/A`.
 */
export function isNvidiaSmiPlaceholder(text: string): boolean {
  return /^\[[^\]]*\]$/.test(text) || text === 'N/A';
}

/** A number, or undefined for `[N/A]`, `[Not Supported]`, `N/A`, empty or anything else not a plain decimal. */
function figure(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

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
 * A value no GPU can have (a negative amount, memory, power, clock, temperature or count; a utilization outside
 * 0-100 %) leaves that figure out and goes to `onProblem`. A placeholder uuid (`[Unknown Error]`, `[N/A]`: a GPU
 * in trouble), like any uuid not of NVIDIA's form ({@link parseGpuUuid}: truncated, garbled, the nil uuid), is no
 * uuid: the device is `pci:<bus id>` instead (see {@link gpuHwId}), `index:<index>` when the bus id is a placeholder
 * too, so two such GPUs do not share one `hw.id`; said once. With `knownUuids` (the loop's), such a GPU keeps the uuid
 * its index printed before at the same slot instead. A bus id that is not one (garbage, a device number past 31) is
 * left out and goes to `onProblem`.
 */
export function parseNvidiaSmiLine(
  line: string,
  fields: readonly string[] = NVIDIA_SMI_FIELDS,
  onProblem?: NvidiaSmiProblemHandler,
  knownUuids?: KnownUuids,
): GpuSample | undefined {
  if (line.length > 4096) return undefined;
  const values = line.split(',').map((f) => f.trim());
  if (values.length !== fields.length) return undefined;
  const v = new Map<string, string>();
  fields.forEach((f, i) => v.set(f, values[i]!));
  const index = figure(v.get('index'));
  const printedUuid = v.get('uuid');
  if (index === undefined || !Number.isInteger(index) || index < 0 || !printedUuid || figure(printedUuid) !== undefined) {
    return undefined;
  }
  const printedBusId = v.get('pci.bus_id');
  const pciBusId = parsePciBusId(printedBusId);
  if (pciBusId === undefined && printedBusId !== undefined && !isNvidiaSmiPlaceholder(printedBusId)) {
    onProblem?.(`index:${index}\u0000pci.bus_id`, `host gpu: nvidia-smi: GPU ${index}: pci.bus_id ${JSON.stringify(printedBusId.slice(0, 40))} is not a PCI bus id (domain:bus:device.function); left out`);
  }
  const gpuUuid = parseGpuUuid(printedUuid);
  const keptUuid = knownUuids ? knownUuids.resolve(index, gpuUuid, pciBusId) : gpuUuid;
  const uuid = gpuHwId(keptUuid, pciBusId, index);
  if (gpuUuid === undefined) {
    const why = isNvidiaSmiPlaceholder(printedUuid) ? ` has no uuid (${shownPlaceholder(printedUuid)})` : `: ${refusedUuidReason(printedUuid)}`;
    const kept = keptUuid === undefined ? `its hw.id is ${uuid}` : `its hw.id stays ${uuid}, the uuid it printed before`;
    onProblem?.(`${uuid}\u0000uuid`, `host gpu: nvidia-smi: GPU ${index}${why}; ${kept}`);
  }
  const refuse = (field: string, text: string, why: string) =>
    onProblem?.(`${uuid}\u0000${field}\u0000${why}`, `host gpu: nvidia-smi: GPU ${index} (${uuid}): ${field} ${text} ${why}; left out`);
  /** A non-negative figure times `factor`; a negative one is refused. */
  const amount = (field: string, factor = 1) => {
    const text = v.get(field);
    const n = figure(text);
    if (n === undefined) return undefined;
    if (n < 0) return void refuse(field, text!, 'is negative');
    return n * factor;
  };
  /** A percentage as 0..1; one outside 0-100 is refused, not clamped (a clamped 100 % reads as a saturated GPU). */
  const share = (field: string) => {
    const text = v.get(field);
    const n = figure(text);
    if (n === undefined) return undefined;
    if (n < 0 || n > 100) return void refuse(field, `${text!} %`, 'is outside 0-100 %');
    return n / 100;
  };
  /** A counter: a non-negative safe integer. */
  const count = (field: string) => {
    const text = v.get(field);
    const n = figure(text);
    if (n === undefined) return undefined;
    if (n < 0 || !Number.isSafeInteger(n)) return void refuse(field, text!, 'is not a count');
    return n;
  };
  const used = amount('memory.used', MIB);
  const total = amount('memory.total', MIB);
  return {
    index,
    uuid,
    pciBusId,
    name: (v.get('name') ?? '').slice(0, MAX_TEXT),
    utilization: share('utilization.gpu'),
    memoryUsed: used,
    memoryTotal: total,
    memoryUtilization: memoryUtilization(used, total),
    temperature: amount('temperature.gpu'),
    power: amount('power.draw'),
    smClock: amount('clocks.sm', 1e6),
    memoryControllerUtilization: share('utilization.memory'),
    encoderUtilization: share('utilization.encoder'),
    decoderUtilization: share('utilization.decoder'),
    memoryReserved: amount('memory.reserved', MIB),
    powerLimit: amount('enforced.power.limit'),
    memoryClock: amount('clocks.mem', 1e6),
    clockEventReasons: bitmask(v.get('clocks_event_reasons.active') ?? v.get('clocks_throttle_reasons.active')),
    eccCorrected: count('ecc.errors.corrected.volatile.total'),
    eccUncorrected: count('ecc.errors.uncorrected.volatile.total'),
    processes: [],
  };
}
