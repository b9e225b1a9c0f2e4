import { availableParallelism, loadavg } from 'node:os';
import type { Perfkit } from '@perfkit/core';
import { fullGc, runRounds, type Contender } from '../measure';
import type { Figure, PeerName } from '../results';
import { makeFigure } from '../stats';
import { otelScrape } from '../peers/OtelPeer';
import { perfkitScrape, setUnsliced } from '../peers/PerfkitPeer';
import { promClientScrape } from '../peers/PromClientPeer';
import { countOperationSeries, operationNames, type ScrapeSubject } from '../peers/work';
import type { Suite } from './suite';
import { HttpScraper } from './httpScraper';
import { runDelayClock, threadCpuClock, type RunDelayClock } from './threadCpu';

const now = performance.now.bind(performance);

/** Scrape peers: each serves the same series in the Prometheus text format. */
export const SCRAPE_PEERS: ReadonlyArray<readonly [PeerName, () => ScrapeSubject]> = [
  ['perfkit', perfkitScrape],
  ['otel', otelScrape],
  ['prom-client', promClientScrape],
];

/** The longest stretch (ms) the event loop could not run a setImmediate callback while `scrape` ran `times` times. */
export async function maxEventLoopBlockMs(scrape: () => Promise<unknown>, times: number): Promise<number> {
  return (await maxEventLoopBlock(scrape, times)).wallMs;
}

/** Clocks read at every event-loop tick besides wall time (see {@link maxEventLoopBlock}). */
export interface BlockClocks {
  /** Main-thread CPU time (ms). */
  cpu?: () => number;
  /**
   * The main thread's run delay (ms: time it was runnable but another thread held the CPU), and how many times it has
   * been switched onto a CPU (see {@link RunDelayClock.sample}).
   */
  sched?: RunDelayClock['sample'];
}

/** The longest stretch between two ticks, read three ways (NaN for a clock not given). */
export interface EventLoopBlock {
  /** Wall time: what a request waited, descheduling of this process by others included. */
  wallMs: number;
  /** Main-thread CPU time: misses the time the main thread waits for the GC's helper threads or the kernel. */
  cpuMs: number;
  /**
   * Wall time minus the main thread's run delay: what the turn held the loop for by itself (on-CPU time, its waits for
   * its own GC helpers and page faults), without the time other processes held the CPU the main thread wanted.
   */
  selfMs: number;
  /**
   * Wall minus run delay, except in a turn the main thread never left its CPU (neither slept nor was preempted): there its
   * CPU time, the rest being time the hypervisor ran another guest on that virtual CPU (steal) or interrupts took, which
   * no clock of the thread counts. A turn in which it slept keeps wall minus run delay (steal not separable there).
   */
  ownMs: number;
}

/**
 * The longest stretch between two setImmediate callbacks while `scrape` ran `times` times, in wall time and, with
 * `clocks`, in main-thread CPU time and in wall time minus run delay (each the longest of its own; they may come from
 * different turns).
 */
export async function maxEventLoopBlock(scrape: () => Promise<unknown>, times: number, clocks: BlockClocks = {}): Promise<EventLoopBlock> {
  const { cpu, sched } = clocks;
  let last = now();
  let lastCpu = cpu ? cpu() : 0;
  let { runDelayMs: lastDelay, switches: lastSwitches } = sched ? sched() : { runDelayMs: 0, switches: 0 };
  const block: EventLoopBlock = { wallMs: 0, cpuMs: cpu ? 0 : NaN, selfMs: sched ? 0 : NaN, ownMs: sched && cpu ? 0 : NaN };
  let running = true;
  const tick = (): void => {
    // The tick queued before the caller's last setImmediate outlives the measurement: it must not read the gap that
    // follows (a full GC, the next peer's scrape) into a block already returned.
    if (!running) return;
    const t = now();
    const wall = t - last;
    if (wall > block.wallMs) block.wallMs = wall;
    last = t;
    let cpuMs = NaN;
    if (cpu) {
      const c = cpu();
      cpuMs = c - lastCpu;
      if (cpuMs > block.cpuMs) block.cpuMs = cpuMs;
      lastCpu = c;
    }
    if (sched) {
      const { runDelayMs: d, switches } = sched();
      const selfMs = wall - (d - lastDelay);
      if (selfMs > block.selfMs) block.selfMs = selfMs;
      const ownMs = switches === lastSwitches ? cpuMs : selfMs;
      if (ownMs > block.ownMs) block.ownMs = ownMs;
      lastDelay = d;
      lastSwitches = switches;
    }
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  for (let i = 0; i < times; i++) await scrape();
  await new Promise((resolve) => setImmediate(resolve));
  running = false;
  return { ...block };
}

/** How long a measured scrape waits after the forced full GC before it (ms). */
const GC_SETTLE_MS = 500;

/** Blocking figures read as CPU and as wall minus run delay from this size up (the 5 ms target's sizes). */
const CLOCKED_FROM_SERIES = 10_000;

/** What judges the 5 ms target, and why (a note of the suite, so docs/benchmarks.md says it). */
export const BLOCK_FIGURE_NOTE =
  'The 5 ms target (issue 12) is judged on "wall minus run delay": the wall time between two event-loop ticks minus the time the main ' +
  'thread waited on a run queue (/proc/thread-self/schedstat) in it. Wall time alone counts the time other processes held the CPU ' +
  '(this machine has 2 cores shared with other jobs); main-thread CPU time misses the time the main thread waits for the ' +
  "garbage collector's helper threads (a parallel scavenge) and for the kernel (page faults, mmap), which a scrape causes itself. " +
  "Wall minus run delay keeps both of those but not other processes' time; on a loaded machine it still includes the time the " +
  "GC's helper threads waited for a CPU, so it reads high there, never low. On a virtual machine it also counts the time the " +
  'hypervisor gave the virtual CPU to another guest (steal: on these 2 cores, a main thread spinning alone at load 6 lost 305 ms in ' +
  '10 s that neither its CPU time nor its run delay counted, against 290 ms of steal in /proc/stat; 58 gaps over 2 ms, the longest 28.6 ms). ' +
  'The "steal out where the thread never left its CPU" figure takes the CPU time of a turn in which the main thread was never switched ' +
  'out (the schedstat count of switches onto a CPU did not move) and wall minus run delay otherwise. Each measured scrape of ' +
  `${CLOCKED_FROM_SERIES.toLocaleString('en-US')} series or more starts ${GC_SETTLE_MS} ms after the forced full GC that precedes it: V8's helpers ` +
  "sweep and unmap the freed heap after it, which ran into the scrape's first turns (8-31 ms with 0.5-2.3 ms of CPU in a probe at " +
  '100,000 series, load 4-5).';

/** A full GC, then a pause for V8's helper threads to sweep and unmap what it freed (see {@link BLOCK_FIGURE_NOTE}). */
export async function settledFullGc(): Promise<void> {
  fullGc();
  await new Promise((resolve) => setTimeout(resolve, GC_SETTLE_MS));
}

/**
 * Scrape: the time to produce the exposition text for N operation series (a duration histogram with 12
 * buckets plus an active gauge each), and how long one scrape blocks the event loop.
 */
export const scrapeSuite: Suite = {
  name: 'scrape',
  title: 'Scrape (serializing N operation series)',
  async run({ profile, progress, root }) {
    const figures: Figure[] = [];
    const loadBefore = loadavg()[0]!;
    const notes: string[] = [
      'perfkit: perf.metrics(); otel: MetricReader.collect() + @opentelemetry/exporter-prometheus PrometheusSerializer; prom-client: registry.metrics().',
    ];
    const large = Math.max(...profile.scrapeSeries) >= CLOCKED_FROM_SERIES;
    const cpuClock = large ? threadCpuClock(root) : undefined;
    const delayClock = large ? runDelayClock() : undefined;
    const clocks: BlockClocks = { cpu: cpuClock?.now, sched: delayClock?.sample };
    for (const size of profile.scrapeSeries) {
      const subjects = SCRAPE_PEERS.map(([peer, create]) => [peer, create()] as const);
      try {
        for (const [peer, subject] of subjects) {
          subject.populate(operationNames(size));
          const found = countOperationSeries(await subject.scrape());
          if (found !== size) throw new Error(`scrape ${size}: ${peer} exposed ${found} operation series, expected ${size}`);
        }
        const contenders: Contender[] = subjects.map(([peer, subject]) => ({ peer, ops: 1, fn: () => subject.scrape() }));
        const rounds = await runRounds(contenders, {
          rounds: profile.scrapeRounds,
          timeMs: profile.scrapeMs,
          minIterations: 2,
          warmupFirstRoundOnly: true,
          label: `scrape.${size}`,
          progress,
        });
        const ms = Object.fromEntries(Object.entries(rounds).map(([p, v]) => [p, v!.map((ns) => ns / 1e6)]));
        figures.push(makeFigure({ id: `scrape.${size}`, label: `scrape ${size} operation series`, unit: 'ms/scrape', better: 'lower' }, ms));

        // Short scrapes get more rounds: one descheduling of this process is as long as a whole scrape.
        const blockingRounds = size <= 1000 ? profile.rounds : profile.scrapeRounds;
        progress(`  scrape.blocking.${size}: ${blockingRounds} rounds`);
        const clocked = size >= CLOCKED_FROM_SERIES;
        const blocks: Partial<Record<PeerName, EventLoopBlock[]>> = {};
        for (let round = 0; round < blockingRounds; round++) {
          for (let i = 0; i < subjects.length; i++) {
            const [peer, subject] = subjects[(i + round) % subjects.length]!;
            if (clocked) await settledFullGc();
            else fullGc();
            (blocks[peer] ??= []).push(await maxEventLoopBlock(() => subject.scrape(), 1, clocked ? clocks : {}));
          }
        }
        figures.push(...blockFigures(size, blocks, `longest event-loop block while scraping ${size} series`));
      } finally {
        for (const [, subject] of subjects) await subject.shutdown();
      }
    }
    if (large) {
      figures.push(...(await largeScrape(LARGE_SCRAPE_SERIES, profile.scrapeRounds, progress, clocks)));
      notes.push(`CPU figures (${CLOCKED_FROM_SERIES}+ series): ${cpuClock!.what}.`);
      notes.push(delayClock ? BLOCK_FIGURE_NOTE : 'No /proc/thread-self/schedstat here: no wall-minus-run-delay figures, the 5 ms target cannot be judged.');
    }
    notes.push(`Load average ${loadBefore.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores while this suite ran (Node ${process.versions.node}).`);
    return { figures, notes };
  },
};

/** The wall figure, and (where measured) the main-thread CPU and wall-minus-run-delay figures, of one size's blocks. */
export function blockFigures(size: number, blocks: Partial<Record<PeerName, EventLoopBlock[]>>, label: string, idSuffix = '', prefix = 'scrape'): Figure[] {
  const pick = (key: keyof EventLoopBlock): Partial<Record<PeerName, number[]>> | undefined => {
    const out: Partial<Record<PeerName, number[]>> = {};
    for (const [peer, list] of Object.entries(blocks) as Array<[PeerName, EventLoopBlock[]]>) {
      const values = list.map((b) => b[key]).filter((v) => !Number.isNaN(v));
      if (values.length) out[peer] = values;
    }
    return Object.keys(out).length ? out : undefined;
  };
  const figures = [makeFigure({ id: `${prefix}.blocking${idSuffix}.${size}`, label: `${label} (wall clock between ticks)`, unit: 'ms', better: 'lower' }, pick('wallMs')!)];
  const cpu = pick('cpuMs');
  if (cpu) figures.push(makeFigure({ id: `${prefix}.blocking-cpu${idSuffix}.${size}`, label: `${label} (main-thread CPU time between ticks)`, unit: 'ms', better: 'lower' }, cpu));
  const self = pick('selfMs');
  if (self) figures.push(makeFigure({ id: `${prefix}.blocking-self${idSuffix}.${size}`, label: `${label} (wall minus run delay between ticks${prefix === 'scrape' ? ': judges the 5 ms target' : ''})`, unit: 'ms', better: 'lower' }, self));
  const own = pick('ownMs');
  if (own) figures.push(makeFigure({ id: `${prefix}.blocking-own${idSuffix}.${size}`, label: `${label} (wall minus run delay, steal out where the thread never left its CPU)`, unit: 'ms', better: 'lower' }, own));
  return figures;
}

/** How the last sliced scrape of `perf` went (the renderer is internal; the bench reaches it, as `setUnsliced` does). */
function lastSlices(perf: Perfkit): { longestMs: number; longestCpuMs: number } {
  return (perf as unknown as { exposition: { lastSlices: { longestMs: number; longestCpuMs: number } } }).exposition.lastSlices;
}

/** The large case: perfkit alone (the peers take seconds per scrape there), sliced against its own unsliced serializer. */
export const LARGE_SCRAPE_SERIES = 100_000;

export async function largeScrape(size: number, rounds: number, progress: (line: string) => void, clocks: BlockClocks = {}): Promise<Figure[]> {
  const subject = perfkitScrape();
  try {
    subject.populate(operationNames(size));
    const found = countOperationSeries(await subject.scrape());
    if (found !== size) throw new Error(`scrape ${size}: perfkit exposed ${found} operation series, expected ${size}`);
    progress(`  scrape.${size}: ${rounds} rounds (perfkit sliced and unsliced)`);
    const blocks: EventLoopBlock[] = [];
    const sliced: number[] = [];
    const ratio: number[] = [];
    const longestSlice: number[] = [];
    const longestSliceCpu: number[] = [];
    for (let round = 0; round < rounds; round++) {
      await settledFullGc();
      setUnsliced(subject.perf, false);
      let t0 = now();
      blocks.push(await maxEventLoopBlock(() => subject.scrape(), 1, clocks));
      const slicedMs = now() - t0;
      const slices = lastSlices(subject.perf);
      longestSlice.push(slices.longestMs);
      if (!Number.isNaN(slices.longestCpuMs)) longestSliceCpu.push(slices.longestCpuMs);
      await settledFullGc();
      setUnsliced(subject.perf, true);
      t0 = now();
      await subject.scrape();
      const unslicedMs = now() - t0;
      sliced.push(slicedMs);
      ratio.push(slicedMs / unslicedMs);
    }
    setUnsliced(subject.perf, false);
    // The same scrape as Prometheus makes it: GET /metrics with gzip, the text streamed into the response.
    const http = await HttpScraper.start(subject.perf.metricsHandler);
    const httpBlocks: EventLoopBlock[] = [];
    try {
      if ((await http.scrape()) < size * 100) throw new Error(`HTTP scrape of ${size} series came back short`);
      for (let round = 0; round < rounds; round++) {
        await settledFullGc();
        httpBlocks.push(await maxEventLoopBlock(() => http.scrape(), 1, clocks));
      }
    } finally {
      await http.close();
    }
    return [
      ...blockFigures(size, { perfkit: httpBlocks }, `longest event-loop block while serving ${size} series over HTTP (gzip)`, '-http'),
      makeFigure({ id: `scrape.${size}`, label: `scrape ${size} operation series (perfkit, sliced)`, unit: 'ms/scrape', better: 'lower' }, { perfkit: sliced }),
      ...blockFigures(size, { perfkit: blocks }, `longest event-loop block while scraping ${size} series (perf.metrics())`),
      makeFigure({ id: `scrape.slice.${size}`, label: `longest slice of the sliced scrape, ${size} series (wall, measured in-process)`, unit: 'ms', better: 'lower' }, { perfkit: longestSlice }),
      ...(longestSliceCpu.length
        ? [makeFigure({ id: `scrape.slice-cpu.${size}`, label: `longest slice of the sliced scrape, ${size} series (main-thread CPU)`, unit: 'ms', better: 'lower' }, { perfkit: longestSliceCpu })]
        : []),
      makeFigure({ id: `scrape.sliced-vs-unsliced.${size}`, label: `sliced scrape time / unsliced serializer time, ${size} series`, unit: 'x', better: 'lower' }, { perfkit: ratio }),
    ];
  } finally {
    await subject.shutdown();
  }
}
