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

  async collect(): Promise<void> {
    const text = this.files.read(this.file);
    let wholeDisks: Set<string> | undefined;
    try {
      wholeDisks = new Set(readdirSync(this.blockDir));
    } catch {
      wholeDisks = undefined;
    }
    this.disks = parseDiskstats(text).filter((d) => (!wholeDisks || wholeDisks.has(d.device)) && this.filter(d.device));
  }
}
