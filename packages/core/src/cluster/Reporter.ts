import type { DiagLogger } from '../diag';
import type { OperationStore } from '../store/OperationStore';
import type { ConfigSummary, ReportMessage, WireReport, WireSdkMetric } from './protocol';
import { StoreReporter } from './StoreReporter';
import { connect, listen, unlisten, type Peer, type Receiver } from './transports';

/** Options of {@link Reporter}. */
export interface ReporterOptions {
  readonly id: string;
  /** The aggregator's id. */
  readonly target: string;
  readonly via: 'cluster' | 'thread';
  /** How the aggregator names this worker (`cluster worker 2 (pid 123)`, `worker thread 4`). */
  readonly label: string;
  readonly serviceName: string;
  readonly config: ConfigSummary;
  readonly store: OperationStore;
  readonly diag: DiagLogger;
  /** The worker's own plug-in gauges and counters, at report time. */
  readonly sdkMetrics?: () => Promise<readonly WireSdkMetric[]>;
  /** How often the worker pushes its state unasked (ms): what a killed worker can lose at most. */
  readonly pushMs?: number;
}

/**
 * The worker's side: announces itself, answers the aggregator's collect requests and pushes what changed since
 * the last acknowledged report every `pushMs` (a background timer, never the record path). A worker thread also sends a last report when it
 * exits normally.
 */
export class Reporter implements Receiver {
  private readonly reporter: StoreReporter;
  private readonly peer: Peer;
  private readonly timer: NodeJS.Timeout;
  private isClosed = false;
  private sdk: readonly WireSdkMetric[] = [];
  private readonly onExit = () => this.sendBye();

  constructor(private readonly options: ReporterOptions) {
    this.reporter = new StoreReporter(options.store);
    // A worker thread's messages go to the main thread's perfkit only, over a channel of their own (transports.ts).
    listen(options.id, this, { cluster: options.via === 'cluster', threads: false });
    this.peer = connect(options.via, options.id, options.target);
    this.peer.send({ perfkit: 1, kind: 'hello', from: options.id, to: options.target, label: options.label, serviceName: options.serviceName, config: options.config });
    this.timer = setInterval(() => this.push(), options.pushMs ?? 1000);
    this.timer.unref();
    if (options.via === 'thread') process.once('exit', this.onExit);
  }

  onMessage(_peer: Peer, msg: { perfkit: unknown; kind: unknown; from: unknown; to: unknown }): void {
    if (this.isClosed || msg.from !== this.options.target) return;
    if (msg.kind === 'ack') {
      const seq = (msg as unknown as { seq: unknown }).seq;
      if (msg.to === this.options.id && typeof seq === 'number') this.reporter.ack(seq);
      return;
    }
    if (msg.kind !== 'collect') return;
    const { id, full } = msg as unknown as { id: unknown; full: unknown };
    if (typeof id !== 'number') return;
    if (msg.to === '*' || msg.to === this.options.id) this.queue(id, full === true);
  }

  private push(): void {
    this.queue(-1, false);
  }

  /** Reports built so far, one after the other (a later report overtaken by an earlier one would set older values). */
  private inFlight: Promise<void> = Promise.resolve();

  /**
   * Builds and sends a report after the ones queued before it, in slices that let the worker's event loop run (the
   * plug-in metrics are refreshed first, outside the queue: a refresh that never settles holds up only its report).
   */
  private queue(id: number, full: boolean): void {
    void this.refreshSdk().then(() => {
      this.inFlight = this.inFlight.then(() => this.buildAndSend(id, full));
    });
  }

  private async buildAndSend(id: number, full: boolean): Promise<void> {
    if (this.isClosed) return;
    try {
      const built = await this.reporter.buildSliced(full);
      // Closed while it was built: the `bye` report sent at close carried everything, and came first.
      if (this.isClosed) return;
      this.peer.send(this.message(id, 'report', built));
    } catch (err) {
      this.options.diag.warn('could not send the report to the aggregating perfkit', err);
    }
  }

  private async refreshSdk(): Promise<void> {
    if (!this.options.sdkMetrics) return;
    try {
      this.sdk = await this.options.sdkMetrics();
    } catch (err) {
      this.options.diag.debug('could not collect plug-in metrics for the report', err);
    }
  }

  /** Builds (in one pass: the process or thread may be exiting) and sends the last report. */
  private sendBye(): void {
    try {
      this.peer.send(this.message(-1, 'bye', this.reporter.build(false)));
    } catch (err) {
      this.options.diag.warn('could not send the report to the aggregating perfkit', err);
    }
  }

  private message(id: number, kind: 'report' | 'bye', built: WireReport): ReportMessage {
    return { perfkit: 1, kind, from: this.options.id, to: this.options.target, label: this.options.label, id, report: { ...built, sdk: this.sdk } };
  }

  /** Sends a last report and stops. */
  close(): void {
    if (this.isClosed) return;
    this.sendBye();
    this.isClosed = true;
    clearInterval(this.timer);
    process.removeListener('exit', this.onExit);
    unlisten(this.options.id);
  }
}
