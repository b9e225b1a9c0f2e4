import type { GpuSample } from '../types';

/**
 * How a GPU is told apart (its `hw.id`), the same for the NVML and the nvidia-smi back ends: its uuid; else, for a GPU
 * in trouble whose uuid cannot be read, its PCI bus id (fixed by the slot, so it survives a driver reload or a GPU
 * removal that renumbers the others); only when both are missing its index (enumeration order, which such a
 * renumbering changes).
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
