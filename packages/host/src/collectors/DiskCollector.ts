import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiskSample } from '../types';
import type { NameFilter } from './nameFilter';
import { parseDiskstats } from './procfs';

/**
 * Block device I/O from `/proc/diskstats`. Only whole disks (the entries of `/sys/block`) are kept when sysfs is
 * readable, so summing over devices does not count a partition's I/O twice; device-mapper (`dm-*`) and software
 * RAID (`md*`) volumes, stacked on those disks, are excluded by the default `devices` filter for the same reason.
 */
export class DiskCollector {
  disks: DiskSample[] = [];

  constructor(
    private readonly procPath: string,
    private readonly sysPath: string,
    private readonly filter: NameFilter,
  ) {}

  async collect(): Promise<void> {
    const text = readFileSync(join(this.procPath, 'diskstats'), 'utf8');
    let wholeDisks: Set<string> | undefined;
    try {
      wholeDisks = new Set(readdirSync(join(this.sysPath, 'block')));
    } catch {
      wholeDisks = undefined;
    }
    this.disks = parseDiskstats(text).filter((d) => (!wholeDisks || wholeDisks.has(d.device)) && this.filter(d.device));
  }
}
