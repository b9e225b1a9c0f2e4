import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { FilesystemSample } from '../types';
import { KernelFileReader } from './KernelFileReader';
import type { NameFilter } from './nameFilter';
import { parseMountinfo, parseMounts, type MountEntry, type MountinfoEntry } from './procfs';

/**
 * Filesystem usage per mount: `/proc/self/mountinfo` filtered (pseudo filesystems skipped by type) and deduplicated
 * by device (bind mounts), then `statfs` on each. A statfs that does not answer within the timeout (a hung network mount) is left pending and that mount is
 * skipped until it returns, so one dead NFS server cannot stall the others or pile up threads.
 */
export class FilesystemCollector {
  filesystems: FilesystemSample[] = [];
  private readonly pending = new Set<string>();
  /** The mount table's text at the last collection and the mounts chosen from it: parsed again only when it changes. */
  private mountTable: { text: string; mounts: MountEntry[] } | undefined;

  constructor(
    private readonly procPath: string,
    private readonly mountFilter: NameFilter,
    private readonly typeFilter: NameFilter,
    private readonly timeoutMs: number,
    private readonly statfsOf: (path: string) => Promise<StatfsLike> = statfs,
    private readonly files = new KernelFileReader(),
  ) {}

  /** Drops the figures (after a failed collection). */
  discard(): void {
    this.filesystems = [];
  }

  async collect(): Promise<void> {
    const mounts = this.chosenMounts().filter((m) => !this.pending.has(m.mountpoint));
    const results = await Promise.all(mounts.map((m) => this.measure(m)));
    this.filesystems = results.filter((r): r is FilesystemSample => r !== undefined);
  }

  /** The mounts to measure: filtered by type and mountpoint, one per device; reused while the mount table is unchanged. */
  private chosenMounts(): MountEntry[] {
    let text: string;
    let parse: (text: string) => (MountEntry & Partial<MountinfoEntry>)[] = parseMountinfo;
    try {
      // `/proc/self/mountinfo` (device numbers), else `/proc/self/mounts` (device names) on systems without it.
      text = this.files.read(join(this.procPath, 'self', 'mountinfo'));
    } catch {
      text = this.files.read(join(this.procPath, 'self', 'mounts'));
      parse = parseMounts;
    }
    if (this.mountTable?.text !== text) {
      const mounts = dedupeByDevice(parse(text).filter((m) => this.typeFilter(m.type) && this.mountFilter(m.mountpoint)));
      this.mountTable = { text, mounts };
    }
    return this.mountTable.mounts;
  }

  private measure(mount: MountEntry): Promise<FilesystemSample | undefined> {
    this.pending.add(mount.mountpoint);
    const done = this.statfsOf(mount.mountpoint).then(
      (s) => toSample(mount, s),
      () => undefined,
    );
    void done.finally(() => this.pending.delete(mount.mountpoint));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, this.timeoutMs, undefined);
      timer.unref();
    });
    return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  }
}

/**
 * One mount per filesystem: bind mounts (a container's /etc/hosts, a volume mounted twice) show the same device
 * and would count its bytes again. The key is the device number from mountinfo (`major:minor`), else the device
 * name when it is a path (`/dev/sda1`; `tmpfs`-like names are not unique). The mount of the filesystem's own root
 * wins, then the shortest mountpoint.
 */
export function dedupeByDevice<T extends MountEntry & Partial<MountinfoEntry>>(mounts: readonly T[]): T[] {
  const kept = new Map<string, T>();
  const out: T[] = [];
  const rank = (m: T) => (m.root === undefined || m.root === '/' ? 0 : 1);
  for (const m of mounts) {
    const key = m.deviceNumber ?? (m.device.startsWith('/') ? m.device : undefined);
    if (key === undefined) {
      out.push(m);
      continue;
    }
    const seen = kept.get(key);
    if (!seen || rank(m) < rank(seen) || (rank(m) === rank(seen) && m.mountpoint.length < seen.mountpoint.length)) kept.set(key, m);
  }
  return [...out, ...kept.values()];
}

/** The statfs fields used. */
export interface StatfsLike {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
}

function toSample(mount: MountEntry, s: StatfsLike): FilesystemSample | undefined {
  // Zero-sized filesystems are kernel interfaces that slipped past the type filter; they carry no usage.
  if (![s.bsize, s.blocks, s.bfree, s.bavail].every(Number.isFinite) || !(s.blocks > 0) || !(s.bsize > 0)) return undefined;
  const bfree = Math.max(0, Math.min(s.bfree, s.blocks));
  const bavail = Math.max(0, Math.min(s.bavail, bfree));
  const limit = s.blocks * s.bsize;
  const freeForRoot = bfree * s.bsize;
  const free = bavail * s.bsize;
  const used = limit - freeForRoot;
  const reserved = freeForRoot - free;
  return {
    device: mount.device,
    mountpoint: mount.mountpoint,
    type: mount.type,
    limit,
    used,
    free,
    reserved,
    utilization: used + free > 0 ? used / (used + free) : 0,
  };
}
