import { join } from 'node:path';
import type { NetworkSample } from '../types';
import type { NameFilter } from './nameFilter';
import { KernelFileReader } from './KernelFileReader';
import { parseNetDev } from './procfs';

/**
 * Network traffic, errors and drops per interface from `/proc/net/dev` (this process's network namespace). Every
 * network namespace has `lo`, so a file without one readable interface line is garbled, and the collection fails
 * (before the interfaces filter, which may leave nothing on purpose).
 */
export class NetworkCollector {
  network: NetworkSample[] = [];

  private readonly file: string;

  constructor(
    procPath: string,
    private readonly filter: NameFilter,
    private readonly files = new KernelFileReader(),
  ) {
    this.file = join(procPath, 'net', 'dev');
  }

  /** Drops the figures (after a failed collection). */
  discard(): void {
    this.network = [];
  }

  async collect(): Promise<void> {
    const text = this.files.read(this.file);
    const all = parseNetDev(text);
    if (all.length === 0) throw new Error(`${this.file} holds no readable interface line (the kernel always lists lo)`);
    this.network = all.filter((n) => this.filter(n.interface));
  }
}
