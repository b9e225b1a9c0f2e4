import type { DiagLogger } from '../diag';
import { safeString } from '../errors';
import type { OperationStore } from '../store/OperationStore';
import { configDifferences } from './configSummary';
import type { CollectMessage, ConfigSummary, ReportMessage, WireReport, WireSdkMetric } from './protocol';
import { BadReportError, SourceState } from './SourceState';
import { StoreMerger } from './StoreMerger';
import { listen, unlisten, type Peer, type Receiver } from './transports';

/** Options of {@link Aggregator}. */
export interface AggregatorOptions {
  readonly id: string;
  readonly store: OperationStore;
  readonly diag: DiagLogger;
  readonly serviceName: string;
  /** This perfkit's configuration, to compare with each worker's. */
  readonly config: ConfigSummary;
  /** Longest wait for the workers' answers at collection time (ms). */
  readonly collectTimeoutMs?: number;
  /** A worker thread silent this long (ms) no longer counts its running operations. */
  readonly staleMs?: number;
  /** Listen for cluster workers (a process's main thread) and for worker threads. */
  readonly cluster: boolean;
  readonly threads: boolean;
}

/** How long a collection waits for worker threads (they answer in microseconds unless busy in synchronous work). */
const THREAD_WAIT_MS = 250;

/** Longest stretch of merging before the aggregator yields to the event loop (ms). */
const SLICE_MS = 1;

interface Queued {
  readonly peer: Peer;
  readonly from: string;
  readonly msg: ReportMessage;
}

interface Source {
  readonly key: string;
  readonly peer: Peer;
  readonly state: SourceState;
  label: string;
  workerLabel: string;
  lastSeen: number;
  isSilent: boolean;
  sdk: readonly WireSdkMetric[];
  /** Why it is going, once it went with reports still queued. */
  departing?: string;
}

/**
 * The primary's (or main thread's) side: keeps one {@link SourceState} per worker, merges their reports into the
 * local store as they come (pushed every second, or asked for at collection time) and keeps what a departed
 * worker counted. Never throws: a malformed message costs one diagnostic line.
 */
export class Aggregator implements Receiver {
  private readonly merger: StoreMerger;
  private readonly sources = new Map<string, Source>();
  private readonly waiting = new Map<number, { keys: Set<string>; done: () => void }>();
  private nextId = 0;
  private inflight?: Promise<void>;
  private readonly warned = new Set<string>();
  private isClosed = false;

  constructor(private readonly options: AggregatorOptions) {
    this.merger = new StoreMerger(options.store, options.diag);
    listen(options.id, this, { cluster: options.cluster, threads: options.threads });
  }

  /** Workers reporting now. */
  get workers(): number {
    let n = 0;
    for (const s of this.sources.values()) if (!s.isSilent) n++;
    return n;
  }

  /** The latest plug-in instruments of every live worker, with the `worker` label value to put on them. */
  remoteMetrics(): Array<{ worker: string; metrics: readonly WireSdkMetric[] }> {
    const out: Array<{ worker: string; metrics: readonly WireSdkMetric[] }> = [];
    for (const s of this.sources.values()) if (!s.isSilent && s.sdk.length) out.push({ worker: s.workerLabel, metrics: s.sdk });
    return out;
  }

  /** Asks every worker for a fresh report and merges the answers; resolves when all answered or the wait ran out. */
  refresh(): Promise<void> {
    if (this.isClosed || this.sources.size === 0) return Promise.resolve();
    return (this.inflight ??= this.collect().finally(() => {
      this.inflight = undefined;
    }));
  }

  private collect(): Promise<void> {
    const id = this.nextId++;
    const keys = new Set<string>();
    const now = Date.now();
    const staleMs = this.options.staleMs ?? 10_000;
    let silent = 0;
    for (const s of [...this.sources.values()].reverse()) {
      if (s.peer.via === 'thread' && !s.isSilent && now - s.lastSeen > staleMs) this.silence(s, `has not answered for ${Math.round((now - s.lastSeen) / 1000)} s`);
      // A silent thread (terminated, most likely) is still asked but not waited for; its state is kept in case
      // it was only busy, up to a bound.
      if (!s.isSilent) keys.add(s.key);
      else if (++silent > 1000) {
        this.sources.delete(s.key);
        s.peer.close?.();
        continue;
      }
      const msg: CollectMessage = { perfkit: 1, kind: 'collect', from: this.options.id, to: s.key, id, full: s.state.needsFull };
      s.peer.send(msg);
    }
    // A worker busy in synchronous work cannot answer until it is done: it is served as of its last push once
    // the wait runs out, so a scrape never waits out a long computation. Threads get a short wait (a scrape with a
    // 1 s timeout must not spend it on a thread that decodes); processes the full one. Answers that arrived in
    // time are merged before the collection goes on.
    const hasProcesses = [...this.sources.values()].some((src) => src.peer.via === 'cluster');
    const waitMs = this.options.collectTimeoutMs ?? 1000;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => finish(), hasProcesses ? waitMs : Math.min(waitMs, THREAD_WAIT_MS));
      timer.unref();
      const finish = () => {
        clearTimeout(timer);
        this.waiting.delete(id);
        this.whenDrained(resolve);
      };
      this.waiting.set(id, { keys, done: finish });
      if (keys.size === 0) finish();
    });
  }

  onMessage(peer: Peer, msg: { perfkit: unknown; kind: unknown; from: unknown; to: unknown }): void {
    try {
      this.handle(peer, msg);
    } catch (err) {
      this.warnOnce(`garbage:${safeString(msg.from)}`, `ignored a malformed perfkit message from ${describePeer(peer, msg.from)}: ${(err as Error).message}`);
    }
  }

  private handle(peer: Peer, msg: { perfkit: unknown; kind: unknown; from: unknown; to: unknown }): void {
    if (this.isClosed) return;
    if (typeof msg.from !== 'string' || msg.from.length > 200 || msg.to !== this.options.id) throw new BadReportError('no sender or wrong addressee');
    const from = msg.from;
    if (msg.kind === 'hello') {
      const hello = msg as unknown as { label?: unknown; serviceName?: unknown };
      const source = this.sourceFor(peer, from, hello.label);
      if (typeof hello.serviceName === 'string' && hello.serviceName !== this.options.serviceName) {
        this.warnOnce(
          `service:${source.label}`,
          `${source.label} runs perfkit with serviceName "${hello.serviceName.slice(0, 100)}", this perfkit with "${this.options.serviceName}": its operations are served here under "${this.options.serviceName}"`,
        );
      }
      this.compareConfig(source, (msg as { config?: unknown }).config);
      peer.send({ perfkit: 1, kind: 'welcome', from: this.options.id, to: from });
      return;
    }
    if (msg.kind === 'report' || msg.kind === 'bye') {
      // Reports are merged one per event-loop turn: eight workers answering at once must not block the loop for
      // eight merges in a row.
      this.queue.push({ peer, from, msg: msg as unknown as ReportMessage });
      if (!this.isDraining) {
        this.isDraining = true;
        setImmediate(this.drain);
      }
      return;
    }
    throw new BadReportError(`unknown kind ${safeString(msg.kind, 40)}`);
  }

  private readonly queue: Queued[] = [];
  /** The report being merged, slice by slice. */
  private current?: { readonly item: Queued; readonly source: Source; readonly steps: Generator<void, boolean> };
  private isDraining = false;
  private drained: Array<() => void> = [];

  private whenDrained(fn: () => void): void {
    if (!this.isDraining) fn();
    else this.drained.push(fn);
  }

  /** Whether a report of this sender is queued or being merged. */
  private hasQueued(key: string): boolean {
    return this.current?.item.from === key || this.queue.some((q) => q.from === key);
  }

  // Reports are merged in slices of at most SLICE_MS, one report after the other: eight workers answering at once
  // with thousands of changed series each never block the loop for more than a slice.
  private readonly drain = (): void => {
    const until = performance.now() + SLICE_MS;
    while (!this.isClosed) {
      if (!this.current) {
        const item = this.queue.shift();
        if (!item) break;
        // A sender becomes a source once it said hello or sent a report that could be merged.
        const source = this.sources.get(item.from) ?? this.newSource(item.peer, item.from, item.msg.label);
        this.current = { item, source, steps: this.merger.steps(source.state, item.msg.report as WireReport) };
      }
      const current = this.current;
      let outcome: boolean | Error | undefined;
      try {
        const step = current.steps.next();
        if (step.done) outcome = step.value;
      } catch (err) {
        outcome = err as Error;
      }
      if (outcome !== undefined) {
        this.current = undefined;
        this.merged(current.item, current.source, outcome);
      }
      if (performance.now() >= until) break;
    }
    if ((this.current || this.queue.length) && !this.isClosed) setImmediate(this.drain);
    else {
      this.isDraining = false;
      const waiting = this.drained;
      this.drained = [];
      for (const fn of waiting) fn();
    }
  };

  /** A report was merged (true), referred to announcements we lack (false), or was refused (an error). */
  private merged({ peer, from, msg }: Queued, source: Source, outcome: boolean | Error): void {
    try {
      if (outcome instanceof Error) {
        this.warnOnce(`garbage:${safeString(from)}`, `ignored a malformed perfkit message from ${describePeer(peer, from)}: ${outcome.message}`);
        return;
      }
      source.sdk = checkSdk(msg.report.sdk);
      source.lastSeen = Date.now();
      source.isSilent = false;
      this.sources.set(from, source);
      if (outcome) peer.send({ perfkit: 1, kind: 'ack', from: this.options.id, to: from, seq: msg.report.seq });
    } finally {
      if (typeof msg.id === 'number') this.answered(msg.id, from);
      if (msg.kind === 'bye') this.depart(source, 'stopped');
      else if (source.departing && !this.hasQueued(from)) this.depart(source, source.departing);
    }
  }

  private answered(id: number, key: string): void {
    const w = id >= 0 ? this.waiting.get(id) : undefined;
    if (!w) return;
    w.keys.delete(key);
    if (w.keys.size === 0) w.done();
  }

  private sourceFor(peer: Peer, key: string, label: unknown): Source {
    let s = this.sources.get(key);
    if (!s) this.sources.set(key, (s = this.newSource(peer, key, label)));
    return s;
  }

  private newSource(peer: Peer, key: string, label: unknown): Source {
    const name = typeof label === 'string' ? label.slice(0, 100) : key.slice(0, 100);
    const workerLabel = peer.via === 'cluster' ? String(peer.workerId) : name.replace(/^worker thread /, 'thread-');
    return { key, peer, state: new SourceState(name), label: name, workerLabel, lastSeen: Date.now(), isSilent: false, sdk: [] };
  }

  onWorkerExit(workerId: number, code: number | null, signal: string | null): void {
    for (const s of this.sources.values()) {
      if (s.peer.via !== 'cluster' || s.peer.workerId !== workerId) continue;
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      const wasAwaited = [...this.waiting.values()].some((w) => w.keys.has(s.key));
      const why = `${how}${wasAwaited ? ' during a collection' : ''}`;
      // Reports it sent before it went are merged first.
      if (this.hasQueued(s.key)) s.departing = why;
      else this.depart(s, why);
    }
  }

  private depart(s: Source, how: string): void {
    if (!this.sources.has(s.key)) return;
    const running = this.merger.depart(s.state);
    this.sources.delete(s.key);
    s.peer.close?.();
    for (const [id] of this.waiting) this.answered(id, s.key);
    const inFlight = running > 0 ? `; ${running} operation(s) it was running are no longer counted as active (no outcome is recorded for them)` : '';
    this.options.diag.info(`${s.label} ${how}: what it counted until its last report is kept${inFlight}`);
  }

  private silence(s: Source, why: string): void {
    s.isSilent = true;
    const running = this.merger.depart(s.state);
    if (running > 0) this.options.diag.warn(`${s.label} ${why}: its ${running} running operation(s) are no longer counted as active; its counts are kept`);
  }

  /**
   * Says in one line what differs between a worker's configuration and ours, and what it means: merged series
   * follow this perfkit's configuration. Buckets: counts move up to the next bucket here (sum and count exact).
   * Limits: this perfkit's limits cap the merged series (beyond them, its overflow series). Views, exemplars: the
   * series are shaped as this perfkit's views say. Resource: /metrics and OTLP carry this perfkit's resource only.
   */
  private compareConfig(source: Source, theirs: unknown): void {
    const differences = configDifferences(theirs, this.options.config);
    const others: string[] = [];
    for (const d of differences) {
      if (d.kind === 'buckets') this.merger.saidOtherBuckets(source.label, d.key, d.bounds!.theirs, d.bounds!.ours);
      else others.push(`${d.kind === 'shape' ? '' : `${d.kind}.`}${d.key} ${d.theirs} vs ${d.ours}`);
    }
    if (!others.length) return;
    const listed = others.length > 6 ? [...others.slice(0, 6), `${others.length - 6} more`] : others;
    this.warnOnce(
      `config:${source.label}`,
      `${source.label} runs perfkit configured otherwise than this perfkit (${listed.join('; ')}): its operations are merged here under this perfkit's limits, views and resource`,
    );
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key) || this.warned.size > 1000) return;
    this.warned.add(key);
    this.options.diag.warn(message);
  }

  /** Stops listening; what was merged stays in the store. */
  close(): void {
    this.isClosed = true;
    unlisten(this.options.id);
    this.merger.release();
    for (const w of [...this.waiting.values()]) w.done();
    this.isDraining = false;
    for (const fn of this.drained.splice(0)) fn();
  }
}

function describePeer(peer: Peer, from: unknown): string {
  const sender = typeof from === 'string' ? `"${from.slice(0, 64)}"` : 'no sender id';
  return peer.via === 'cluster' && peer.workerId !== undefined ? `cluster worker ${peer.workerId} (${sender})` : `a worker thread (${sender})`;
}

function checkSdk(sdk: unknown): readonly WireSdkMetric[] {
  if (!Array.isArray(sdk)) return [];
  return sdk.filter(
    (m: WireSdkMetric) =>
      typeof m === 'object' && m !== null && typeof m.name === 'string' && typeof m.unit === 'string' && ['gauge', 'counter', 'updowncounter'].includes(m.kind) && Array.isArray(m.points),
  );
}
