import { readFile, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { FilesystemSample } from '../types';
import type { NameFilter } from './nameFilter';
import { parseMounts, type MountEntry } from './procfs';

/**
 * Filesystem usage per mount: `/proc/self/mounts` filtered (pseudo filesystems skipped by type), then `statfs` on
 * each. A statfs that does not answer within the timeout (a hung network mount) is left pending and that mount is
 * skipped until it returns, so one dead NFS server cannot stall the others or pile up threads.
 */
export class FilesystemCollector {
  filesystems: FilesystemSample[] = [];
  private readonly pending = new Set<string>();

  constructor(
    private readonly procPath: string,
    private readonly mountFilter: NameFilter,
    private readonly typeFilter: NameFilter,
    private readonly timeoutMs: number,
    private readonly statfsOf: (path: string) => Promise<StatfsLike> = statfs,
  ) {}

  async collect(): Promise<void> {
    const mounts = parseMounts(await readFile(join(this.procPath, 'self', 'mounts'), 'utf8')).filter(
      (m) => this.typeFilter(m.type) && this.mountFilter(m.mountpoint) && !this.pending.has(m.mountpoint),
    );
    const results = await Promise.all(mounts.map((m) => this.measure(m)));
    this.filesystems = results.filter((r): r is FilesystemSample => r !== undefined);
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
