import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DiskSample } from '../types';
import type { NameFilter } from './nameFilter';
import { parseDiskstats } from './procfs';

/**
 * Block device I/O from `/proc/diskstats`. Only whole disks (the entries of `/sys/block`) are kept when sysfs is
 * readable, so summing over devices does not count a partition's I/O twice.
 */
export class DiskCollector {
  disks: DiskSample[] = [];

  constructor(
    private readonly procPath: string,
    private readonly sysPath: string,
    private readonly filter: NameFilter,
  ) {}

  async collect(): Promise<void> {
    const [text, wholeDisks] = await Promise.all([
      readFile(join(this.procPath, 'diskstats'), 'utf8'),
      readdir(join(this.sysPath, 'block')).then(
        (names) => new Set(names),
        () => undefined,
      ),
    ]);
    this.disks = parseDiskstats(text).filter((d) => (!wholeDisks || wholeDisks.has(d.device)) && this.filter(d.device));
  }
}
