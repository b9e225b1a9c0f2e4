import type { GpuSample } from '../types';

/**
 * How a GPU is told apart (its `hw.id`), the same for the NVML and the nvidia-smi back ends: its uuid, when it is one
 * of NVIDIA's forms; else, for a GPU in trouble whose uuid cannot be read or reads garbled, its PCI bus id (fixed by the
 * slot, so it survives a driver reload or a GPU removal that renumbers the others); only when both are missing its
 * index (enumeration order, which such a renumbering changes).
 */

/** Longest bus id text looked at (NVML's buffer is 32 bytes with its NUL). */
const MAX_BUS_ID = 31;
const BUS_ID = /^([0-9a-fA-F]{4,8}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/;

/**
 * A PCI bus id as NVML (`nvmlPciInfo_t.busId`) and nvidia-smi (`pci.bus_id`) write it, `domain:bus:device.function`
 * in hex (`00000000:17:00.0`; also the legacy 4-digit domain, `0000:17:00.0`), in NVML's form (8-digit domain, upper case) so both
 * back ends give one GPU one identity; undefined for anything else (a placeholder, garbage, a device number past 31).
 */
export function parsePciBusId(text: string | undefined): string | undefined {
  if (text === undefined || text.length > MAX_BUS_ID) return undefined;
  const m = BUS_ID.exec(text);
  if (!m || parseInt(m[3]!, 16) > 0x1f) return undefined;
  return `${m[1]!.padStart(8, '0')}:${m[2]}:${m[3]}.${m[4]}`.toUpperCase();
}

/**
 * Longest uuid text looked at: NVML_DEVICE_UUID_V2_BUFFER_SIZE is 96 bytes with its NUL (the longest of NVIDIA's forms,
 * `MIG-GPU-<uuid>/<gi>/<ci>`, is far shorter).
 */
const MAX_UUID = 95;
const HEX_UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** `GPU-<uuid>` (a GPU), `MIG-<uuid>` (a MIG device, R470+ drivers), `MIG-GPU-<gpu uuid>/<gi>/<ci>` (MIG, older drivers). */
const GPU_UUID = new RegExp(`^(?:(?:GPU|MIG)-${HEX_UUID}|MIG-GPU-${HEX_UUID}/[0-9]{1,5}/[0-9]{1,5})$`);
/** The nil uuid (all hex digits zero) in a text of one of those forms: an identity no GPU has. */
const NIL_UUID = /-0{8}(?:-0{4}){3}-0{12}(?:\/|$)/;

/**
 * A GPU uuid as NVML (`nvmlDeviceGetUUID`) and nvidia-smi (`uuid`) print it, hex digits in lower case as NVIDIA writes
 * them (so one GPU has one identity whichever back end, or layer between, read it); undefined for anything else: a
 * placeholder (`[N/A]`, `[Unknown Error]`), the nil uuid, a truncated or garbled one (`GPU-1234`, non-hex digits, a
 * driver message), whitespace, look-alike characters (Cyrillic or full-width letters and digits, Unicode dashes).
 */
export function parseGpuUuid(text: string | undefined): string | undefined {
  if (typeof text !== 'string' || text.length > MAX_UUID || !GPU_UUID.test(text) || NIL_UUID.test(text)) return undefined;
  // The prefixes (GPU, MIG) have no letter A-F: only hex digits change.
  return text.replace(/[A-F]+/g, (hex) => hex.toLowerCase());
}

/** Longest text a diagnostic line shows of what a driver printed. */
const MAX_SHOWN = 40;

/**
 * `text` as a diagnostic line quotes it: JSON-quoted, cut at 40 characters (with its length then), anything outside
 * printable ASCII escaped (a look-alike letter shows as the code point it is, a terminal escape as `\u001b`).
 */
export function quotedForDiagnostic(text: string): string {
  const shown = JSON.stringify(text.slice(0, MAX_SHOWN)).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > MAX_SHOWN ? `${shown}... (${text.length} characters)` : shown;
}

/**
 * A placeholder nvidia-smi printed (`[Unknown Error]`) as a diagnostic line shows it: as it is when short and printable
 * ASCII, else {@link quotedForDiagnostic} (a bracketed text may run to the line's 4096 characters, escapes included).
 */
export function shownPlaceholder(text: string): string {
  return text.length <= MAX_SHOWN && /^[\x20-\x7e]*$/.test(text) ? text : quotedForDiagnostic(text);
}

/**
 * Why `text`, a uuid {@link parseGpuUuid} refused, identifies nothing, for a once-only diagnostic: quoted, cut at 40
 * characters, anything outside printable ASCII escaped ({@link quotedForDiagnostic}).
 */
export function refusedUuidReason(text: string): string {
  const quoted = quotedForDiagnostic(text);
  if (text.length <= MAX_UUID && GPU_UUID.test(text)) return `uuid ${quoted} is the nil uuid`;
  return `uuid ${quoted} is not one of NVIDIA's forms (GPU-, MIG- or MIG-GPU- and 8-4-4-4-12 hex digits)`;
}

/** A GPU's `hw.id`: its uuid, else `pci:<bus id>`, else `index:<index>`. */
export function gpuHwId(uuid: string | undefined, pciBusId: string | undefined, index: number): string {
  return uuid ?? (pciBusId !== undefined ? `pci:${pciBusId}` : indexHwId(index));
}

/** The `hw.id` of a GPU whose identity another GPU shares: its index, the one identity unique within one sample. */
export function indexHwId(index: number): string {
  return `index:${index}`;
}

/**
 * The devices of one sample with every `hw.id` that two of them share (a garbled or cloned uuid, a bus id printed
 * twice) replaced by each one's index: an identity two GPUs share identifies neither, and one series for two GPUs
 * would mix their figures. `onShared` is told each shared id with the indexes that had it. The array itself when no
 * id is shared.
 */
export function withUniqueHwIds(devices: GpuSample[], onShared?: (hwId: string, indexes: readonly number[]) => void): GpuSample[] {
  const holders = new Map<string, number[]>();
  for (const d of devices) {
    const held = holders.get(d.uuid);
    if (held) held.push(d.index);
    else holders.set(d.uuid, [d.index]);
  }
  if (holders.size === devices.length) return devices;
  for (const [id, indexes] of holders) if (indexes.length > 1) onShared?.(id, indexes);
  return devices.map((d) => (holders.get(d.uuid)!.length > 1 ? { ...d, uuid: indexHwId(d.index) } : d));
}

/** Indexes {@link KnownUuids} remembers (a machine has at most a few dozen GPUs; a garbled stream may print any index). */
const MAX_KNOWN_UUIDS = 256;

/**
 * The uuid each index of one enumeration (an nvidia-smi loop: a GPU keeps its index while the loop runs) printed, so a
 * GPU whose uuid stops reading (a GPU in trouble prints `[Unknown Error]`) keeps the `hw.id` it had, as the NVML back
 * end keeps the identity it read once per session: a series that moved to `pci:<bus id>` just when the GPU is in
 * trouble would leave the one its alerts and dashboards watch. Kept only at the same bus id when both are known.
 */
export class KnownUuids {
  private readonly byIndex = new Map<number, { readonly uuid: string; readonly pciBusId: string | undefined }>();

  /** `uuid` when there is one (remembered for `index`), else the uuid `index` printed before at the same slot. */
  resolve(index: number, uuid: string | undefined, pciBusId: string | undefined): string | undefined {
    const known = this.byIndex.get(index);
    if (uuid !== undefined) {
      if (known || this.byIndex.size < MAX_KNOWN_UUIDS) this.byIndex.set(index, { uuid, pciBusId: pciBusId ?? (known?.uuid === uuid ? known.pciBusId : undefined) });
      return uuid;
    }
    if (!known || (pciBusId !== undefined && known.pciBusId !== undefined && pciBusId !== known.pciBusId)) return undefined;
    return known.uuid;
  }

  /** Forgets every index (a new enumeration may number the GPUs anew). */
  clear(): void {
    this.byIndex.clear();
  }
}
