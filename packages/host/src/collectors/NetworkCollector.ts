import { join } from 'node:path';
import type { DiagLogger } from '@perfkit/core';
import type { NetworkSample } from '../types';
import type { NameFilter } from './nameFilter';
import { KernelFileReader } from './KernelFileReader';
import { OnceReporter } from './onceReporter';
import { parseNetDev, type UnreadableLineHandler } from './procfs';

/**
 * Network traffic, errors and drops per interface from `/proc/net/dev` (this process's network namespace). Every
 * network namespace has `lo`, so a file without one readable interface line is garbled, and the collection fails
 * (before the interfaces filter, which may leave nothing on purpose). A line it cannot read in an otherwise readable
 * file leaves that interface out, and is said once per interface and problem when the filter would have kept it.
 */
export class NetworkCollector {
  network: NetworkSample[] = [];

  private readonly file: string;
  private readonly reporter: OnceReporter;

  constructor(
    procPath: string,
    private readonly filter: NameFilter,
    private readonly files = new KernelFileReader(),
    diag?: DiagLogger,
  ) {
    this.file = join(procPath, 'net', 'dev');
    this.reporter = new OnceReporter(diag, 'host network');
  }

  /** Drops the figures (after a failed collection). */
  discard(): void {
    this.network = [];
  }

  /** A skipped line naming an interface the filter drops hides nothing; `line N` names none, so it is always said. */
  private readonly onUnreadable: UnreadableLineHandler = (subject, reason, excerpt) => {
    if (!subject.startsWith('line ') && !this.filter(subject)) return;
    this.reporter.report(`${subject}\u0000${reason}`, `host network: ${this.file}: ${subject}: ${reason}; left out (${JSON.stringify(excerpt)})`);
  };

  async collect(): Promise<void> {
    const text = this.files.read(this.file);
    const all = parseNetDev(text, this.onUnreadable);
    if (all.length === 0) throw new Error(`${this.file} holds no readable interface line (the kernel always lists lo)`);
    this.network = all.filter((n) => this.filter(n.interface));
  }
}
