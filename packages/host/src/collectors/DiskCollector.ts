import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DiskSample } from '../types';
import type { NameFilter } from './nameFilter';
import { KernelFileReader } from './KernelFileReader';
import { parseDiskstats } from './procfs';

/**
 * Block device I/O from `/proc/diskstats`. Only whole disks (the entries of `/sys/block`) are kept when sysfs is
 * readable, so summing over devices does not count a partition's I/O twice; device-mapper (`dm-*`) and software
 * RAID (`md*`) volumes, stacked on those disks, are excluded by the default `devices` filter for the same reason.
 * A disk whose kernel name holds a `/` (`cciss/c0d0`) is `cciss!c0d0` in /sys/block and is reported as `cciss/c0d0`.
 * An empty `/proc/diskstats` is a machine without block devices (diskless, NFS root); a non-empty one without a
 * readable device line is garbled, and the collection fails.
 */
export class DiskCollector {
  disks: DiskSample[] = [];

  private readonly file: string;
  private readonly blockDir: string;

  constructor(
    procPath: string,
    sysPath: string,
    private readonly filter: NameFilter,
    private readonly files = new KernelFileReader(),
  ) {
    this.file = join(procPath, 'diskstats');
    this.blockDir = join(sysPath, 'block');
  }

  /** Drops the figures (after a failed collection). */
  discard(): void {
    this.disks = [];
  }

  async collect(): Promise<void> {
    const text = this.files.read(this.file);
    const all = parseDiskstats(text);
    if (all.length === 0 && text.trim() !== '') throw new Error(`${this.file} holds no readable device line`);
    let wholeDisks: Set<string> | undefined;
    try {
      // sysfs cannot name a file with a `/`, so the kernel writes a disk named `cciss/c0d0` in /proc/diskstats as
      // /sys/block/cciss!c0d0 (lib/kobject.c, kobject_set_name_vargs). The /proc name is kept, as iostat and
      // node_exporter show it.
      wholeDisks = new Set(readdirSync(this.blockDir).map((name) => name.replaceAll('!', '/')));
    } catch {
      wholeDisks = undefined;
    }
    this.disks = all.filter((d) => (!wholeDisks || wholeDisks.has(d.device)) && this.filter(d.device));
  }
}
