import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DiagLogger } from '@perfkit/core';
import type { DiskSample } from '../types';
import type { NameFilter } from './nameFilter';
import { KernelFileReader } from './KernelFileReader';
import { OnceReporter } from './onceReporter';
import { parseDiskstats } from './procfs';

/**
 * Block device I/O from `/proc/diskstats`. Only whole disks (the entries of `/sys/block`) are kept when sysfs is
 * readable, so summing over devices does not count a partition's I/O twice; device-mapper (`dm-*`) and software
 * RAID (`md*`) volumes, stacked on those disks, are excluded by the default `devices` filter for the same reason.
 * A disk whose kernel name holds a `/` (`cciss/c0d0`) is `cciss!c0d0` in /sys/block and is reported as `cciss/c0d0`.
 * An empty `/proc/diskstats` is a machine without block devices (diskless, NFS root); a non-empty one without a
 * readable device line is garbled, and the collection fails. A line it cannot read in an otherwise readable file leaves
 * that disk out, and is said once per disk and problem when the disk is one that would have been kept.
 */
export class DiskCollector {
  disks: DiskSample[] = [];

  private readonly file: string;
  private readonly blockDir: string;
  private readonly reporter: OnceReporter;

  constructor(
    procPath: string,
    sysPath: string,
    private readonly filter: NameFilter,
    private readonly files = new KernelFileReader(),
    diag?: DiagLogger,
  ) {
    this.file = join(procPath, 'diskstats');
    this.blockDir = join(sysPath, 'block');
    this.reporter = new OnceReporter(diag, 'host disk');
  }

  /** Drops the figures (after a failed collection). */
  discard(): void {
    this.disks = [];
  }

  async collect(): Promise<void> {
    const text = this.files.read(this.file);
    const unreadable: [subject: string, reason: string, excerpt: string][] = [];
    const all = parseDiskstats(text, (...line) => unreadable.push(line));
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
    const isKept = (device: string) => (!wholeDisks || wholeDisks.has(device)) && this.filter(device);
    this.disks = all.filter((d) => isKept(d.device));
    // A skipped partition or filtered-out device hides nothing; `line N` names no device, so it is always said.
    for (const [subject, reason, excerpt] of unreadable) {
      if (!subject.startsWith('line ') && !isKept(subject)) continue;
      this.reporter.report(`${subject}\u0000${reason}`, `host disk: ${this.file}: ${subject}: ${reason}; left out (${JSON.stringify(excerpt)})`);
    }
  }
}
