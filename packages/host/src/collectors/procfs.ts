/**
 * Pure parsers for the Linux `/proc` files the host collectors read. Each takes the file's text and returns plain
 * numbers; a line it cannot read is skipped (never thrown on), so a truncated or odd file yields fewer figures,
 * not a crash. The per-device files (`/proc/net/dev`, `/proc/diskstats`) name each line they skip to an
 * {@link UnreadableLineHandler}, so a device that vanishes from the figures can be said.
 */

/**
 * Told of a line a parser skipped: `subject` is the interface or device it names (`line N` when it names none),
 * `reason` stays the same from one reading of the file to the next (so it can be said once), `excerpt` is the line's start.
 */
export type UnreadableLineHandler = (subject: string, reason: string, excerpt: string) => void;

const EXCERPT = 80;

/** Kernel clock ticks per second for `/proc/stat` (USER_HZ; 100 on every mainstream Linux ABI). */
export const USER_HZ = 100;

/** The `/proc/stat` CPU states, in the kernel's column order. */
export const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
/** One of {@link CPU_MODES}. */
export type CpuMode = (typeof CPU_MODES)[number];

/** Cumulative CPU ticks per state, summed over all CPUs (the `cpu ` line). */
export interface CpuTimes {
  readonly ticks: Record<CpuMode, number>;
  readonly logicalCount: number;
}

const MAX_LINE = 4096;

function numberOrUndefined(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Decimal digits of the largest u64 (18446744073709551615), the widest counter the kernel writes. */
const U64_DIGITS = 20;

/**
 * A u64 the kernel writes in decimal (`/proc/net/dev`, `/proc/diskstats`, cgroup files) as a float: exact up to 2^53,
 * within one part in 2^53 above (as any Prometheus sample holds it); a busy link passes 2^53 bytes, and that must not
 * drop its line. Anything but up to 20 plain digits (a sign, an exponent, a fraction, 21 digits) is undefined.
 */
export function counterOrUndefined(text: string | undefined): number | undefined {
  if (text === undefined || text.length > U64_DIGITS || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/** Parses `/proc/stat`: the aggregate `cpu` line (guest time is already inside user/nice) and the per-CPU count. */
export function parseProcStat(text: string): CpuTimes | undefined {
  let ticks: Record<CpuMode, number> | undefined;
  let logicalCount = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu') || line.length > MAX_LINE) continue;
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'cpu') {
      const values = CPU_MODES.map((_, i) => numberOrUndefined(fields[i + 1]));
      // Kernels before 2.6.11 lack steal; treat a missing trailing column as 0, any garbage as unreadable.
      if (values.slice(0, 4).some((v) => v === undefined)) return undefined;
      ticks = Object.fromEntries(CPU_MODES.map((m, i) => [m, values[i] ?? 0])) as Record<CpuMode, number>;
    } else if (/^cpu\d+$/.test(fields[0]!)) {
      logicalCount++;
    }
  }
  return ticks ? { ticks, logicalCount } : undefined;
}

/** `/proc/meminfo` values in bytes, keyed by field name (`MemTotal`, `MemAvailable`, ...). */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.length > MAX_LINE) continue;
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line);
    if (!m) continue;
    const n = Number(m[2]);
    if (!Number.isSafeInteger(n)) continue;
    out.set(m[1]!, m[3] ? n * 1024 : n);
  }
  return out;
}

/** Load averages over 1, 5 and 15 minutes from `/proc/loadavg`. */
export function parseLoadavg(text: string): { one: number; five: number; fifteen: number } | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s/.exec(text.slice(0, MAX_LINE));
  if (!m) return undefined;
  return { one: Number(m[1]), five: Number(m[2]), fifteen: Number(m[3]) };
}

/** One mounted filesystem from `/proc/self/mounts`. */
export interface MountEntry {
  readonly device: string;
  readonly mountpoint: string;
  readonly type: string;
}

/** Undoes the octal escapes the kernel writes for space, tab, newline and backslash in mount fields. */
function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses `/proc/self/mounts`; a mountpoint mounted twice keeps its last (visible) entry. */
export function parseMounts(text: string): MountEntry[] {
  const byMountpoint = new Map<string, MountEntry>();
  for (const line of text.split('\n')) {
    if (line.length > MAX_LINE) continue;
    const fields = line.split(' ');
    if (fields.length < 3 || !fields[0] || !fields[1]?.startsWith('/') || !fields[2]) continue;
    const entry = { device: unescapeMount(fields[0]), mountpoint: unescapeMount(fields[1]), type: fields[2] };
    byMountpoint.delete(entry.mountpoint);
    byMountpoint.set(entry.mountpoint, entry);
  }
  return [...byMountpoint.values()];
}

/** One mount from `/proc/self/mountinfo`: the device number tells bind mounts of one filesystem apart from others. */
export interface MountinfoEntry extends MountEntry {
  /** `major:minor` of the filesystem's device (the same for every bind mount of it). */
  readonly deviceNumber: string;
  /** The directory of the filesystem this mount shows (`/` for the filesystem's own root, a subdirectory for a bind mount). */
  readonly root: string;
  /** Per-superblock options (for a cgroup v1 mount, its controllers: `rw,cpu,cpuacct`). */
  readonly superOptions: string;
}

/**
 * Parses `/proc/self/mountinfo` (proc(5): `id parent major:minor root mountpoint options [optional...] - type source
 * superoptions`); a mountpoint mounted twice keeps its last (visible) entry.
 */
export function parseMountinfo(text: string): MountinfoEntry[] {
  const byMountpoint = new Map<string, MountinfoEntry>();
  for (const line of text.split('\n')) {
    if (line.length > MAX_LINE) continue;
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash < 0 || fields.length < dash + 3) continue;
    const deviceNumber = fields[2]!;
    if (!/^\d+:\d+$/.test(deviceNumber) || !fields[3]?.startsWith('/') || !fields[4]?.startsWith('/')) continue;
    const entry = {
      deviceNumber,
      root: unescapeMount(fields[3]),
      mountpoint: unescapeMount(fields[4]),
      type: fields[dash + 1]!,
      device: unescapeMount(fields[dash + 2]!),
      superOptions: fields[dash + 3] ?? '',
    };
    if (!entry.type) continue;
    byMountpoint.delete(entry.mountpoint);
    byMountpoint.set(entry.mountpoint, entry);
  }
  return [...byMountpoint.values()];
}

/** Cumulative I/O of one block device from `/proc/diskstats`. */
export interface DiskCounters {
  readonly device: string;
  readonly reads: number;
  readonly writes: number;
  readonly readBytes: number;
  readonly writeBytes: number;
  /** Time the device had I/O in flight (seconds). */
  readonly ioTimeSeconds: number;
  /** Time spent on reads and on writes (seconds). */
  readonly readTimeSeconds: number;
  readonly writeTimeSeconds: number;
}

/** `/proc/diskstats` counts sectors of 512 bytes whatever the device's real sector size. */
const SECTOR_BYTES = 512;

/** The `/proc/diskstats` columns after major, minor and name that are read (Documentation/admin-guide/iostats.rst). */
const DISKSTATS_COLUMNS = ['reads completed', 'reads merged', 'sectors read', 'ms reading', 'writes completed', 'writes merged', 'sectors written', 'ms writing', 'I/Os in progress', 'ms doing I/O', 'weighted ms doing I/O'];

/** A non-empty line of a kernel table, its number (from 1), and a `skip` that reports it as unreadable. */
interface TableLine {
  readonly line: string;
  readonly number: number;
  readonly skip: (subject: string, reason: string) => void;
}

/** The non-empty lines of `/proc/diskstats` or `/proc/net/dev`; a line over {@link MAX_LINE} is reported and left out. */
function* tableLines(text: string, onUnreadable?: UnreadableLineHandler): Generator<TableLine> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const skip = (subject: string, reason: string) => onUnreadable?.(subject, reason, line.slice(0, EXCERPT));
    if (line.length > MAX_LINE) skip(`line ${i + 1}`, `longer than ${MAX_LINE} characters`);
    else yield { line, number: i + 1, skip };
  }
}

/** Parses `/proc/diskstats` (kernel 2.6+ layout: 14 or more columns); a line it skips goes to `onUnreadable`. */
export function parseDiskstats(text: string, onUnreadable?: UnreadableLineHandler): DiskCounters[] {
  const out: DiskCounters[] = [];
  for (const { line, number, skip } of tableLines(text, onUnreadable)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) {
      skip(f.length >= 3 ? f[2]! : `line ${number}`, `${f.length} columns, at least 14 expected`);
      continue;
    }
    const n = f.slice(3, 14).map(counterOrUndefined);
    const badAt = n.indexOf(undefined);
    if (badAt >= 0) {
      skip(f[2]!, `column ${badAt + 4} (${DISKSTATS_COLUMNS[badAt]}) is not a u64 counter`);
      continue;
    }
    const [reads, , sectorsRead, msReading, writes, , sectorsWritten, msWriting, , msIo] = n as number[];
    out.push({
      device: f[2]!,
      reads: reads!,
      writes: writes!,
      readBytes: sectorsRead! * SECTOR_BYTES,
      writeBytes: sectorsWritten! * SECTOR_BYTES,
      ioTimeSeconds: msIo! / 1000,
      readTimeSeconds: msReading! / 1000,
      writeTimeSeconds: msWriting! / 1000,
    });
  }
  return out;
}

/** Cumulative traffic of one network interface from `/proc/net/dev`. */
export interface NetworkCounters {
  readonly interface: string;
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly rxErrors: number;
  readonly rxDropped: number;
  readonly txBytes: number;
  readonly txPackets: number;
  readonly txErrors: number;
  readonly txDropped: number;
}

/** The sixteen `/proc/net/dev` counter columns, in the kernel's order (net/core/net-procfs.c, dev_seq_printf_stats). */
const NET_DEV_COLUMNS = [
  ...['bytes', 'packets', 'errs', 'drop', 'fifo', 'frame', 'compressed', 'multicast'].map((c) => `receive ${c}`),
  ...['bytes', 'packets', 'errs', 'drop', 'fifo', 'colls', 'carrier', 'compressed'].map((c) => `transmit ${c}`),
];

/**
 * Parses `/proc/net/dev` (two header lines, then `name: 8 receive columns 8 transmit columns`). An interface name
 * may hold any byte but `/`, `:` and whitespace (the kernel's dev_valid_name), `|` included; the header lines have no
 * `:`, and text with spaces before a `:` is no name either. A line it skips goes to `onUnreadable`.
 */
export function parseNetDev(text: string, onUnreadable?: UnreadableLineHandler): NetworkCounters[] {
  const out: NetworkCounters[] = [];
  for (const { line, number, skip } of tableLines(text, onUnreadable)) {
    const colon = line.indexOf(':');
    if (colon < 0) {
      // The kernel's two header lines have no `:`; any later line without one is no interface line.
      if (number > 2) skip(`line ${number}`, 'no "name:" before the counters');
      continue;
    }
    const name = line.slice(0, colon).trim();
    if (!name || /[\s/]/.test(name)) {
      skip(`line ${number}`, 'no valid interface name before ":"');
      continue;
    }
    const columns = line.slice(colon + 1).trim().split(/\s+/);
    if (columns.length < 16) {
      skip(name, `${columns.length} columns, at least 16 expected`);
      continue;
    }
    const v = columns.slice(0, 16).map(counterOrUndefined);
    const badAt = v.indexOf(undefined);
    if (badAt >= 0) {
      skip(name, `column ${badAt + 1} (${NET_DEV_COLUMNS[badAt]}) is not a u64 counter`);
      continue;
    }
    out.push({
      interface: name,
      rxBytes: v[0]!,
      rxPackets: v[1]!,
      rxErrors: v[2]!,
      rxDropped: v[3]!,
      txBytes: v[8]!,
      txPackets: v[9]!,
      txErrors: v[10]!,
      txDropped: v[11]!,
    });
  }
  return out;
}
