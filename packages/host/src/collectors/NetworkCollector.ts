import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkSample } from '../types';
import type { NameFilter } from './nameFilter';
import { parseNetDev } from './procfs';

/** Network traffic, errors and drops per interface from `/proc/net/dev` (this process's network namespace). */
export class NetworkCollector {
  network: NetworkSample[] = [];

  constructor(
    private readonly procPath: string,
    private readonly filter: NameFilter,
  ) {}

  async collect(): Promise<void> {
    const text = readFileSync(join(this.procPath, 'net', 'dev'), 'utf8');
    this.network = parseNetDev(text).filter((n) => this.filter(n.interface));
  }
}
