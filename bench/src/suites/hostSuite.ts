import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPerfkit, type Perfkit, type PerfkitPlugin } from '@perfkit/core';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { runRounds, type Contender } from '../measure';
import type { Figure } from '../results';
import { makeFigure } from '../stats';
import type { Suite, SuiteContext } from './suite';

/** The part of `@perfkit/host` this suite uses (loaded by name at run time; see loadHost). */
interface HostPlugin extends PerfkitPlugin {
  collectNow(): Promise<void>;
  gpuBackend(): string;
}
type HostMetrics = (options?: Record<string, unknown>) => HostPlugin;

const GROUPS = ['cpu', 'memory', 'filesystem', 'disk', 'network', 'process', 'eventLoop', 'container'] as const;
const NO_GROUPS = Object.fromEntries([...GROUPS, 'gc'].map((g) => [g, false]));

/** Whether an executable of this name is on PATH. */
function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Compiles packages/host's fake libnvidia-ml.so (2 GPUs, nvml.h types) with cc; undefined without a compiler. */
function buildFakeNvml(): string | undefined {
  const source = path.resolve(__dirname, '..', '..', '..', 'packages', 'host', 'test', 'fixtures', 'fake-nvml.c');
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'perfkit-bench-nvml-')), 'libnvidia-ml.so.1');
  try {
    execFileSync('cc', ['-shared', '-fPIC', '-O1', '-o', out, source], { stdio: 'pipe' });
    return out;
  } catch {
    return undefined;
  }
}

/**
 * CPU time of the process (µs): `process.cpuUsage()`, an upper bound for the main thread (it adds libuv pool threads'
 * statfs calls and GC helper threads). Not `process.threadCpuUsage()` (Node 23.9+): on this VM's kernel it moves in
 * 4 ms ticks, too coarse for collections of a tenth of a millisecond.
 */
const cpuClock = 'process CPU time (process.cpuUsage; an upper bound for the main thread)';
function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * CPU milliseconds per call of `fn` (minus those of `baseline` when given, called alternately with it so load shifts
 * hit both): the mean over one round of calls (at least `perRound`, and at least `roundMs` of wall-clock time, so a
 * coarse clock still sums right), one value per round; the median is over rounds.
 */
async function cpuPerCall(rounds: number, perRound: number, roundMs: number, fn: () => Promise<unknown>, baseline?: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let on = 0;
    let off = 0;
    let calls = 0;
    const until = performance.now() + roundMs;
    while (calls < perRound || performance.now() < until) {
      let before = cpuMicros();
      await fn();
      on += cpuMicros() - before;
      if (baseline) {
        before = cpuMicros();
        await baseline();
        off += cpuMicros() - before;
      }
      calls++;
    }
    out.push((on - off) / calls / 1000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Loads `@perfkit/host` by name, so the bench builds (and runs its other suites) whatever state host is in. */
async function loadHost(): Promise<HostMetrics | undefined> {
  try {
    const specifier = '@perfkit/host';
    const mod = (await import(specifier)) as Record<string, unknown>;
    return typeof mod.hostMetrics === 'function' ? (mod.hostMetrics as HostMetrics) : undefined;
  } catch {
    return undefined;
  }
}

async function withHost<T>(hostMetrics: HostMetrics, options: Record<string, unknown>, use: (perf: Perfkit, host: HostPlugin) => Promise<T>): Promise<T> {
  const perf = createPerfkit({ serviceName: 'perfkit-bench', prometheus: { serve: false }, logLevel: 'none' });
  // Long intervals: the suite triggers every collection itself.
  const host = perf.use(hostMetrics({ intervalMs: 3_600_000, ioIntervalMs: 3_600_000, gpuIntervalMs: 3_600_000, ...options }));
  try {
    await host.collectNow();
    return await use(perf, host);
  } finally {
    await shutdownWithin(perf, 10_000);
  }
}

/**
 * Shuts perfkit down but never waits longer than `ms`: a shutdown that awaits a promise nothing will settle
 * (seen with gpu: 'nvidia-smi' and no nvidia-smi installed) must not end the bench silently.
 */
async function shutdownWithin(perf: Perfkit, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const t0 = performance.now();
  const timedOut = await Promise.race([
    perf.shutdown().then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), ms))),
  ]);
  clearTimeout(timer);
  if (timedOut) shutdownStalls.push(`perfkit.shutdown() with the host plug-in did not settle within ${ms} ms`);
  else if (performance.now() - t0 > 1000) shutdownStalls.push(`perfkit.shutdown() with the host plug-in took ${Math.round(performance.now() - t0)} ms`);
}
const shutdownStalls: string[] = [];

async function timeCollection(ctx: SuiteContext, label: string, collect: () => Promise<unknown>): Promise<number[]> {
  const contenders: Contender[] = [{ peer: 'perfkit', ops: 1, fn: collect }];
  const rounds = await runRounds(contenders, { rounds: ctx.profile.scrapeRounds, timeMs: ctx.profile.scrapeMs / 2, minIterations: ctx.profile.hostCollections, label, progress: ctx.progress });
  return rounds.perfkit!.map((ns) => ns / 1e6);
}

/**
 * Host: what one collection costs, per collector group and per GPU back end, and a collection plus scrape of
 * everything against prom-client's default metrics (its process collector) on a scrape.
 */
export const hostSuite: Suite = {
  name: 'host',
  title: 'Host collection (cost of one collection per group and back end)',
  async run(ctx) {
    const hostMetrics = await loadHost();
    if (!hostMetrics) return { figures: [], notes: [], skipped: '@perfkit/host is not built or does not export hostMetrics() yet' };
    const figures: Figure[] = [];
    const notes: string[] = [
      'host.collectNow() runs the chosen collectors once (reads /proc, statfs, event-loop histogram); observable callbacks only read what it stored.',
      'The OpenTelemetry SDK has no host collector of its own (@opentelemetry/host-metrics is a contrib package, not a dependency here), so OTel has no figure in this suite.',
    ];
    const cpuRounds = Math.max(3, ctx.profile.rounds);
    const cpuCalls = Math.max(10, ctx.profile.hostCollections * 2);
    const cpuRoundMs = ctx.profile.scrapeMs / 5;
    const mainThread: string[] = [];
    for (const group of GROUPS) {
      const { ms, cpu } = await withHost(hostMetrics, { gpu: false, groups: { ...NO_GROUPS, [group]: true } }, async (_perf, host) => ({
        ms: await timeCollection(ctx, `host.collect.${group}`, () => host.collectNow()),
        cpu: await cpuPerCall(cpuRounds, cpuCalls, cpuRoundMs, () => host.collectNow()),
      }));
      figures.push(makeFigure({ id: `host.collect.${group}`, label: `one ${group} collection`, unit: 'ms', better: 'lower' }, { perfkit: ms }));
      figures.push(
        makeFigure(
          { id: `host.mainThread.${group}`, label: `one ${group} collection, main-thread CPU`, unit: 'ms', better: 'lower', note: `${cpuClock}, mean per collection in each round, median over rounds; target: at most 1 ms.` },
          { perfkit: cpu },
        ),
      );
      mainThread.push(`${group} ${median(cpu).toFixed(3)}`);
    }

    notes.push(
      'Every /proc, /sys and cgroup file is read synchronously with one pread on a descriptor kept open (small kernel files, no disk I/O), so a ' +
        'group\'s collection time is main-thread time, except filesystem statfs (thread pool, bounded by a timeout) and NVML (its own worker thread). ' +
        `Main-thread CPU per collection, median ms (${cpuClock}): ${mainThread.join(', ')}. Target: at most 1 ms each. ` +
        'Wall-clock figures (host.collect.*) include time the thread waited for a CPU on a loaded machine; the CPU figures do not.',
    );

    ctx.progress('  host.scrape: perfkit /metrics with every host group vs without the host plug-in');
    const scrapeOn = await withHost(hostMetrics, { gpu: false }, (perf) => timeCollection(ctx, 'host.scrape.on', () => perf.metrics()));
    const perfOff = createPerfkit({ serviceName: 'perfkit-bench', prometheus: { serve: false }, logLevel: 'none' });
    const scrapeOff = await timeCollection(ctx, 'host.scrape.off', () => perfOff.metrics());
    await perfOff.shutdown();
    figures.push(
      makeFigure(
        { id: 'host.scrape', label: 'one scrape with every host group (without-perfkit: no host plug-in)', unit: 'ms', better: 'lower', note: 'The callbacks only copy the last sample; target: the host groups add at most 0.5 ms.' },
        { perfkit: scrapeOn, 'without-perfkit': scrapeOff },
      ),
    );
    notes.push(`A scrape with every host group took ${median(scrapeOn).toFixed(3)} ms median, ${(median(scrapeOn) - median(scrapeOff)).toFixed(3)} ms more than without the host plug-in.`);
    const added = await withHost(hostMetrics, { gpu: false }, async (perf) => {
      const bare = createPerfkit({ serviceName: 'perfkit-bench', prometheus: { serve: false }, logLevel: 'none' });
      try {
        await perf.metrics();
        await bare.metrics();
        return await cpuPerCall(cpuRounds, cpuCalls, cpuRoundMs, () => perf.metrics(), () => bare.metrics());
      } finally {
        await bare.shutdown();
      }
    });
    figures.push(
      makeFigure(
        {
          id: 'host.scrape.added',
          label: 'CPU a scrape spends on every host group (with minus without the plug-in, paired)',
          unit: 'ms',
          better: 'lower',
          note: `${cpuClock}, mean per pair of scrapes in each round, median over rounds; target: at most 0.5 ms.`,
        },
        { perfkit: added },
      ),
    );
    notes.push(`The host groups add ${median(added).toFixed(3)} ms of CPU to a scrape (median over rounds of paired scrapes, ${cpuClock}). Target: at most 0.5 ms.`);

    const fakeNvml = buildFakeNvml();
    if (fakeNvml) {
      const ms = await withHost(hostMetrics, { gpu: 'nvml', nvmlLibrary: fakeNvml, groups: NO_GROUPS }, async (_perf, host) =>
        host.gpuBackend() === 'nvml' ? timeCollection(ctx, 'host.gpu.nvml.fake', () => host.collectNow()) : undefined,
      );
      if (ms) {
        figures.push(
          makeFigure(
            { id: 'host.gpu.nvml.fakePerGpu', label: 'one NVML sample per GPU (fake libnvidia-ml.so, 2 GPUs, worker-thread round trip)', unit: 'ms', better: 'lower', note: 'No GPU machine: the fake answers at once, so this is perfkit\'s own cost (koffi calls on the worker, message round trip), not the driver\'s.' },
            { perfkit: ms.map((v) => v / 2) },
          ),
        );
      }
    }

    ctx.progress('  host.collectAndScrape: perfkit (every group) vs prom-client collectDefaultMetrics');
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const both = await withHost(hostMetrics, { gpu: false }, async (perf, host) => {
      await perf.metrics();
      await registry.metrics();
      return runRounds(
        [
          { peer: 'perfkit', ops: 1, fn: async () => (await host.collectNow(), perf.metrics()) },
          { peer: 'prom-client', ops: 1, fn: () => registry.metrics() },
        ],
        { rounds: ctx.profile.rounds, timeMs: ctx.profile.recordMs, minIterations: ctx.profile.hostCollections, label: 'host.collectAndScrape', progress: ctx.progress },
      );
    });
    registry.clear();
    figures.push(
      makeFigure(
        {
          id: 'host.collectAndScrape',
          label: 'every group: collect + scrape (prom-client: default metrics)',
          unit: 'ms',
          better: 'lower',
          note: 'perfkit collects system-wide CPU, memory, filesystems, disks and network besides the process and event loop; prom-client default metrics cover the process only.',
        },
        Object.fromEntries(Object.entries(both).map(([p, v]) => [p, v!.map((ns) => ns / 1e6)])),
      ),
    );

    for (const backend of ['nvml', 'nvidia-smi'] as const) {
      if (backend === 'nvidia-smi' && !onPath('nvidia-smi')) {
        // Not started at all: killing a child whose spawn failed signals our own process group (see the README).
        notes.push('GPU back end nvidia-smi: nvidia-smi is not on PATH here, not measured.');
        continue;
      }
      const ms = await withHost(hostMetrics, { gpu: backend, groups: NO_GROUPS }, async (_perf, host) => {
        if (host.gpuBackend() !== backend) return undefined;
        return timeCollection(ctx, `host.gpu.${backend}`, () => host.collectNow());
      });
      if (!ms) {
        notes.push(`GPU back end ${backend}: not available on this machine (no GPU or driver), not measured.`);
        continue;
      }
      figures.push(makeFigure({ id: `host.gpu.${backend}`, label: `one GPU collection through ${backend}`, unit: 'ms', better: 'lower' }, { perfkit: ms }));
    }
    notes.push(...shutdownStalls.splice(0));
    return { figures, notes };
  },
};
