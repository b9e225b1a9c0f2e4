// A probe for issue 12's large-scrape target (not part of the bench's suites): the longest event-loop turn while
// 100,000 operation series are scraped, for several slice budgets in interleaved rounds (A B C A B C ...), through
// perf.metrics() and through a real HTTP scrape with gzip; each budget's total scrape time against the unsliced
// serializer's; and the garbage collections that fall inside each round's longest turn.
//
//   node bench/dist/scrapeBlockProbe.js [--series 100000] [--rounds 8] [--budgets 2,1,0.5] [--skip-http] [--skip-metrics]
//     [--replay-bytes N] [--turns: every turn over 2 ms of CPU] [--gc-count: the GCs of each scrape] [--others: the other threads' run
//     delay in the longest turn] [--wchan: what the main thread slept in then] (run it alone: setsid flock ...)

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { fullGc } from './measure';
import { perfkitScrape } from './peers/PerfkitPeer';
import { countOperationSeries, operationNames } from './peers/work';
import { HttpScraper } from './suites/httpScraper';
import { runDelayClock, threadCpuClock, type RunDelayClock } from './suites/threadCpu';

const now = performance.now.bind(performance);

/** One turn of the event loop, read three ways, with when it ran. */
interface Turn {
  start: number;
  end: number;
  wallMs: number;
  cpuMs: number;
  selfMs: number;
  /** Times the main thread was switched onto a CPU in the turn (0: it never left it, neither slept nor was preempted). */
  switches: number;
  /**
   * Wall minus run delay, except in a turn the thread never left the CPU: there its CPU time, the rest of the wall time
   * being time the hypervisor ran another vCPU (steal) or interrupts, which neither the thread's CPU clock nor its run
   * delay counts. A turn in which the thread slept keeps wall minus run delay (steal not separable): an upper bound.
   */
  ownMs: number;
  /** Run delay of the process's other threads (GC helpers among them) in the turn; NaN unless --others. */
  othersDelayMs: number;
  /** Which turn of the scrape it was (0: the first), and of how many. */
  index: number;
}

/** A round's longest turns (by CPU and by wall minus run delay), and the whole scrape's wall time. */
interface Round {
  totalMs: number;
  byCpu: Turn;
  bySelf: Turn;
  byOwn: Turn;
  /** The turns over 2 ms of CPU, longest first (with --turns). */
  long: Turn[];
  turns: number;
  /** Steal time of all CPUs in the round (ms, /proc/stat, 10 ms resolution): time the hypervisor ran something else. */
  stealMs: number;
  load: number;
}

// perf_hooks.constants.NODE_PERFORMANCE_GC_*.
const KIND: Record<number, string> = { 1: 'scavenge', 4: 'mark-compact', 8: 'incremental', 16: 'weakcb' };
const gcs: Array<{ start: number; ms: number; kind: string }> = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) {
    gcs.push({ start: e.startTime, ms: e.duration, kind: KIND[e.detail?.kind ?? 0] ?? String(e.detail?.kind) });
  }
}).observe({ entryTypes: ['gc'] });

/** The garbage collections (V8's own timing of each pause) that lie inside a turn. */
function gcsIn(turn: Turn): string {
  const inside = gcs.filter((g) => g.start >= turn.start - 0.05 && g.start + g.ms <= turn.end + 0.05);
  if (inside.length === 0) return 'no GC';
  return inside.map((g) => `${g.kind} ${g.ms.toFixed(2)}`).join(', ');
}

// With --wchan, a worker thread reads the main thread's wait channel (/proc/self/task/<tid>/wchan: the kernel function
// it sleeps in; 0 while it runs or waits for a CPU) every ~0.2 ms, to say what the main thread waited on in a turn that
// held the loop without using the CPU (GC helpers: futex; the mmap lock: rwsem; a page: folio).
const WCHAN_SAMPLER = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const fd = fs.openSync('/proc/self/task/' + workerData.tid + '/wchan', 'r');
const buf = Buffer.alloc(128);
const flag = new Int32Array(workerData.flag);
let samples = [];
parentPort.on('message', () => { parentPort.postMessage(samples); samples = []; });
function loop() {
  const until = performance.now() + 50;
  while (performance.now() < until) {
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const w = buf.toString('latin1', 0, n);
    samples.push([performance.timeOrigin + performance.now(), w === '0' ? 'on a CPU or runnable' : w]);
    Atomics.wait(flag, 0, 0, 0.2);
  }
  setImmediate(loop);
}
loop();
`;

class WchanSampler {
  private readonly worker: Worker;
  constructor() {
    const tid = Number(readFileSync('/proc/thread-self/stat', 'latin1').split(' ')[0]);
    this.worker = new Worker(WCHAN_SAMPLER, { eval: true, workerData: { tid, flag: new SharedArrayBuffer(4) } });
    this.worker.unref();
  }
  /** The samples taken since the last call: [ms since epoch, wait channel]. */
  take(): Promise<Array<[number, string]>> {
    return new Promise((resolve) => {
      this.worker.once('message', resolve);
      this.worker.postMessage('take');
    });
  }
  /** What the main thread slept in during `turn`, as counts of ~0.2 ms samples. */
  static during(samples: Array<[number, string]>, turn: Turn): string {
    const from = performance.timeOrigin + turn.start;
    const to = performance.timeOrigin + turn.end;
    const counts = new Map<string, number>();
    for (const [t, w] of samples) if (t >= from && t <= to) counts.set(w, (counts.get(w) ?? 0) + 1);
    // No sample at all: the sampler did not run either (the whole process held up).
    return counts.size ? [...counts].sort((a, b) => b[1] - a[1]).map(([w, n]) => `${w} x${n}`).join(', ') : 'no sample (the sampler held up too)';
  }
}

/** All CPUs' steal time so far (ms), from /proc/stat's first line. */
function stealMs(): number {
  try {
    return Number(readFileSync('/proc/stat', 'latin1').split('\n', 1)[0]!.trim().split(/\s+/)[8]) * 10;
  } catch {
    return NaN;
  }
}

async function measure(scrape: () => Promise<unknown>, cpu: () => number, sched: RunDelayClock['sample'], others?: () => number): Promise<Round> {
  const blank = (): Turn => ({ start: 0, end: 0, wallMs: 0, cpuMs: 0, selfMs: 0, switches: 0, ownMs: 0, othersDelayMs: NaN, index: -1 });
  let byCpu = blank();
  let bySelf = blank();
  let byOwn = blank();
  let last = now();
  let lastCpu = cpu();
  let { runDelayMs: lastDelay, switches: lastSwitches } = sched();
  let lastOthers = others ? others() : NaN;
  let running = true;
  const long: Turn[] = [];
  let turns = 0;
  const tick = (): void => {
    if (!running) return;
    const t = now();
    const c = cpu();
    const { runDelayMs: d, switches } = sched();
    const o = others ? others() : NaN;
    const selfMs = t - last - (d - lastDelay);
    const cpuMs = c - lastCpu;
    const ownMs = switches === lastSwitches ? cpuMs : selfMs;
    // A turn object only for a turn that is kept (a new longest, or a long one): the measurement allocates next to
    // nothing at its 150,000 ticks of a streamed scrape, so the GCs it sees are the scrape's own.
    if (cpuMs > byCpu.cpuMs || selfMs > bySelf.selfMs || ownMs > byOwn.ownMs || cpuMs > 2) {
      const turn: Turn = {
        start: last,
        end: t,
        wallMs: t - last,
        cpuMs,
        selfMs,
        switches: switches - lastSwitches,
        ownMs,
        othersDelayMs: o - lastOthers,
        index: turns,
      };
      if (turn.cpuMs > byCpu.cpuMs) byCpu = turn;
      if (turn.selfMs > bySelf.selfMs) bySelf = turn;
      if (turn.ownMs > byOwn.ownMs) byOwn = turn;
      if (turn.cpuMs > 2) long.push(turn);
    }
    turns++;
    last = t;
    lastCpu = c;
    lastDelay = d;
    lastSwitches = switches;
    lastOthers = o;
    setImmediate(tick);
  };
  setImmediate(tick);
  const steal0 = stealMs();
  const t0 = now();
  await scrape();
  const totalMs = now() - t0;
  await new Promise((resolve) => setImmediate(resolve));
  running = false;
  // GC entries reach the observer on a later turn.
  await new Promise((resolve) => setTimeout(resolve, 5));
  if (process.argv.includes('--gc-count')) {
    const during = gcs.filter((g) => g.start >= t0 && g.start <= t0 + totalMs);
    const counts: Record<string, number> = {};
    for (const g of during) counts[g.kind] = (counts[g.kind] ?? 0) + 1;
    console.log(`  GCs during the scrape: ${JSON.stringify(counts)}, longest ${Math.max(0, ...during.map((g) => g.ms)).toFixed(2)} ms`);
  }
  long.sort((a, b) => b.cpuMs - a.cpuMs);
  return { totalMs, byCpu, bySelf, byOwn, long, turns, stealMs: stealMs() - steal0, load: loadavg()[0]! };
}

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]! : fallback;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (xs: number[]): string => `median ${median(xs).toFixed(2)} max ${Math.max(...xs).toFixed(2)} [${xs.map((x) => x.toFixed(1)).join(' ')}]`;

async function main(): Promise<void> {
  const series = Number(arg('series', '100000'));
  const rounds = Number(arg('rounds', '8'));
  // A variant is a slice budget, or budget+ms: the budget, with that long a pause after the forced full GC before the
  // scrape (V8's helper threads sweep and unmap the freed heap after it; without the pause that runs into the scrape).
  const budgets = arg('budgets', '2,1,0.5').split(',');
  const cpuClock = threadCpuClock(path.resolve(__dirname, '..', '..'));
  const delayClock = runDelayClock();
  if (!delayClock) throw new Error('no /proc/thread-self/schedstat');
  console.log(`node ${process.versions.node}; ${series} series; ${rounds} rounds; budgets ${budgets.join(', ')} (ms[+pause after GC]); cpu: ${cpuClock.what}`);

  const subject = perfkitScrape();
  const exposition = (subject.perf as unknown as { exposition: { sliceMs: number; replayBytes: number; lastSlices?: { slices: number } } })
    .exposition;
  // --replay-bytes N: bytes a rendering keeps for scrapers that join it late (the renderer's REPLAY_BYTES).
  if (process.argv.includes('--replay-bytes')) exposition.replayBytes = Number(arg('replay-bytes', ''));
  subject.populate(operationNames(series));
  const found = countOperationSeries(await subject.perf.metrics());
  if (found !== series) throw new Error(`exposed ${found} series, expected ${series}`);

  const report = (label: string, results: Map<string, Round[]>, unsliced?: number[]): void => {
    console.log(`\n== ${label}`);
    for (const [budget, list] of results) {
      console.log(`budget ${budget} ms:`);
      console.log(`  longest turn, main-thread CPU:       ${fmt(list.map((r) => r.byCpu.cpuMs))}`);
      console.log(`  longest turn, wall minus run delay:  ${fmt(list.map((r) => r.bySelf.selfMs))}`);
      console.log(`  the same, steal out where no switch: ${fmt(list.map((r) => r.byOwn.ownMs))}`);
      console.log(`  total scrape wall ms:                ${fmt(list.map((r) => r.totalMs))}`);
      if (unsliced) console.log(`  total / unsliced (same round):       ${fmt(list.map((r, i) => r.totalMs / unsliced[i]!))}`);
      console.log(`  load 1-min:                          ${list.map((r) => r.load.toFixed(1)).join(' ')}`);
    }
    if (unsliced) console.log(`unsliced total wall ms: ${fmt(unsliced)}`);
  };

  const cpu = cpuClock.now;
  const sched = delayClock.sample;
  // Reading every thread's schedstat at each tick costs about 10 µs a thread: only when asked.
  const showTurns = process.argv.includes('--turns');
  const sampler = process.argv.includes('--wchan') ? new WchanSampler() : undefined;
  let wchan: Array<[number, string]> = [];
  const others = process.argv.includes('--others') ? delayClock.othersRunDelayMs : undefined;
  const describe = (r: Round): string =>
    `cpu ${r.byCpu.cpuMs.toFixed(2)} (turn ${r.byCpu.index}/${r.turns}, ${gcsIn(r.byCpu)}); self ${r.bySelf.selfMs.toFixed(2)} (turn ${r.bySelf.index}/${r.turns}, wall ${r.bySelf.wallMs.toFixed(2)}, cpu ${r.bySelf.cpuMs.toFixed(2)}` +
    `${others ? `, other threads' run delay ${r.bySelf.othersDelayMs.toFixed(2)}` : ''}; ${gcsIn(r.bySelf)}` +
    `${sampler ? `; main thread slept in: ${WchanSampler.during(wchan, r.bySelf)}` : ''}, switched onto a CPU ${r.bySelf.switches} times); ` +
    `own ${r.byOwn.ownMs.toFixed(2)} (turn ${r.byOwn.index}, wall ${r.byOwn.wallMs.toFixed(2)}, cpu ${r.byOwn.cpuMs.toFixed(2)}, switches ${r.byOwn.switches}; ${gcsIn(r.byOwn)}); total ${r.totalMs.toFixed(0)} ms; steal ${r.stealMs} ms` +
    (showTurns ? `\n    turns over 2 ms CPU: ${r.long.length}: ${r.long.slice(0, 6).map((t) => `${t.cpuMs.toFixed(2)} (${gcsIn(t)})`).join('; ')}` : '');
  /** `rounds` rounds of one scrape per budget (the order rotating each round), each round followed by `afterRound`. */
  const interleaved = async (label: string, scrape: () => Promise<unknown>, afterRound?: () => Promise<void>) => {
    const results = new Map<string, Round[]>(budgets.map((b) => [b, []]));
    const slices = new Map<string, number[]>(budgets.map((b) => [b, []]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < budgets.length; i++) {
        const budget = budgets[(i + round) % budgets.length]!;
        const [sliceMs, pauseMs = 0] = budget.split('+').map(Number);
        exposition.sliceMs = sliceMs!;
        fullGc();
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
        const r = await measure(scrape, cpu, sched, others);
        if (sampler) wchan = await sampler.take();
        results.get(budget)!.push(r);
        slices.get(budget)!.push(exposition.lastSlices!.slices);
        console.log(`${label} round ${round} budget ${budget}: ${describe(r)}; slices ${exposition.lastSlices!.slices}; load ${r.load.toFixed(1)}`);
      }
      await afterRound?.();
    }
    return { results, slices };
  };

  if (!process.argv.includes('--skip-metrics')) {
    const unsliced: number[] = [];
    const { results, slices } = await interleaved('metrics', () => subject.perf.metrics(), async () => {
      exposition.sliceMs = Infinity;
      fullGc();
      const t0 = now();
      await subject.perf.metrics();
      unsliced.push(now() - t0);
    });
    report('perf.metrics()', results, unsliced);
    for (const [b, s] of slices) console.log(`  slices at ${b} ms: ${fmt(s)}`);
  }

  if (!process.argv.includes('--skip-http')) {
    const http = await HttpScraper.start(subject.perf.metricsHandler);
    try {
      if ((await http.scrape()) < series * 100) throw new Error('HTTP scrape came back short');
      const { results } = await interleaved('http', () => http.scrape());
      report('HTTP GET /metrics, gzip (total includes the child client receiving it)', results);
    } finally {
      await http.close();
    }
  }
  await subject.shutdown();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
