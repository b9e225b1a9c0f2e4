import type { Perfkit } from '@perfkit/core';
import { fullGc, runRounds, type Contender } from '../measure';
import type { Figure, PeerName } from '../results';
import { makeFigure } from '../stats';
import { otelScrape } from '../peers/OtelPeer';
import { perfkitScrape, setUnsliced } from '../peers/PerfkitPeer';
import { promClientScrape } from '../peers/PromClientPeer';
import { countOperationSeries, operationNames, type ScrapeSubject } from '../peers/work';
import type { Suite } from './suite';
import { threadCpuClock } from './threadCpu';

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

/**
 * The longest stretch between two setImmediate callbacks while `scrape` ran `times` times, in wall time (what a
 * request waited, descheduling of this process by others included) and, with `cpu`, in main-thread CPU time (what
 * the scrape itself held the loop for, whatever the machine's load).
 */
export async function maxEventLoopBlock(scrape: () => Promise<unknown>, times: number, cpu?: () => number): Promise<{ wallMs: number; cpuMs: number }> {
  let last = now();
  let lastCpu = cpu ? cpu() : 0;
  let wallMs = 0;
  let cpuMs = 0;
  let running = true;
  const tick = (): void => {
    const t = now();
    if (t - last > wallMs) wallMs = t - last;
    last = t;
    if (cpu) {
      const c = cpu();
      if (c - lastCpu > cpuMs) cpuMs = c - lastCpu;
      lastCpu = c;
    }
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  for (let i = 0; i < times; i++) await scrape();
  await new Promise((resolve) => setImmediate(resolve));
  running = false;
  return { wallMs, cpuMs };
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
    const notes: string[] = [
      'perfkit: perf.metrics(); otel: MetricReader.collect() + @opentelemetry/exporter-prometheus PrometheusSerializer; prom-client: registry.metrics().',
    ];
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
        const blocking: Partial<Record<PeerName, number[]>> = {};
        for (let round = 0; round < blockingRounds; round++) {
          for (let i = 0; i < subjects.length; i++) {
            const [peer, subject] = subjects[(i + round) % subjects.length]!;
            fullGc();
            (blocking[peer] ??= []).push(await maxEventLoopBlockMs(() => subject.scrape(), 1));
          }
        }
        figures.push(
          makeFigure(
            { id: `scrape.blocking.${size}`, label: `longest event-loop block while scraping ${size} series`, unit: 'ms', better: 'lower' },
            blocking,
          ),
        );
      } finally {
        for (const [, subject] of subjects) await subject.shutdown();
      }
    }
    if (Math.max(...profile.scrapeSeries) >= 10_000) {
      const clock = threadCpuClock(root);
      figures.push(...(await largeScrape(LARGE_SCRAPE_SERIES, profile.scrapeRounds, progress, clock.now)));
      notes.push(`100,000-series CPU figures: ${clock.what}.`);
    }
    return { figures, notes };
  },
};

/** How the last sliced scrape of `perf` went (the renderer is internal; the bench reaches it, as `setUnsliced` does). */
function lastSlices(perf: Perfkit): { longestMs: number; longestCpuMs: number } {
  return (perf as unknown as { exposition: { lastSlices: { longestMs: number; longestCpuMs: number } } }).exposition.lastSlices;
}

/** The large case: perfkit alone (the peers take seconds per scrape there), sliced against its own unsliced serializer. */
export const LARGE_SCRAPE_SERIES = 100_000;

export async function largeScrape(size: number, rounds: number, progress: (line: string) => void, cpu?: () => number): Promise<Figure[]> {
  const subject = perfkitScrape();
  try {
    subject.populate(operationNames(size));
    const found = countOperationSeries(await subject.scrape());
    if (found !== size) throw new Error(`scrape ${size}: perfkit exposed ${found} operation series, expected ${size}`);
    progress(`  scrape.${size}: ${rounds} rounds (perfkit sliced and unsliced)`);
    const blocking: number[] = [];
    const blockingCpu: number[] = [];
    const sliced: number[] = [];
    const ratio: number[] = [];
    const longestSlice: number[] = [];
    const longestSliceCpu: number[] = [];
    for (let round = 0; round < rounds; round++) {
      fullGc();
      setUnsliced(subject.perf, false);
      let t0 = now();
      const block = await maxEventLoopBlock(() => subject.scrape(), 1, cpu);
      blocking.push(block.wallMs);
      if (cpu) blockingCpu.push(block.cpuMs);
      const slicedMs = now() - t0;
      const slices = lastSlices(subject.perf);
      longestSlice.push(slices.longestMs);
      if (!Number.isNaN(slices.longestCpuMs)) longestSliceCpu.push(slices.longestCpuMs);
      fullGc();
      setUnsliced(subject.perf, true);
      t0 = now();
      await subject.scrape();
      const unslicedMs = now() - t0;
      sliced.push(slicedMs);
      ratio.push(slicedMs / unslicedMs);
    }
    setUnsliced(subject.perf, false);
    return [
      makeFigure({ id: `scrape.${size}`, label: `scrape ${size} operation series (perfkit, sliced)`, unit: 'ms/scrape', better: 'lower' }, { perfkit: sliced }),
      makeFigure({ id: `scrape.blocking.${size}`, label: `longest event-loop block while scraping ${size} series`, unit: 'ms', better: 'lower' }, { perfkit: blocking }),
      ...(blockingCpu.length
        ? [makeFigure({ id: `scrape.blocking-cpu.${size}`, label: `longest event-loop block while scraping ${size} series (main-thread CPU time between ticks)`, unit: 'ms', better: 'lower' }, { perfkit: blockingCpu })]
        : []),
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
