/**
 * Memory measurements in a clean process (run with --expose-gc): one JSON line on stdout.
 *   {"mode":"series","peer":"perfkit","count":10000}  -> bytes per operation series
 *   {"mode":"leak","operations":10000000}             -> heap after each tenth of the operations
 */
import { createPerfkit } from '@perfkit/core';
import { otelScrape } from '../peers/OtelPeer';
import { perfkitScrape } from '../peers/PerfkitPeer';
import { promClientScrape } from '../peers/PromClientPeer';
import { asyncWork, NAME, operationNames, syncWork, TYPE, type ScrapeSubject } from '../peers/work';

/** What the parent asks the child to measure. */
export type ChildRequest = { mode: 'series'; peer: string; count: number } | { mode: 'leak'; operations: number };

const WARM_SERIES = 1000;

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') throw new Error('run with --expose-gc');
  for (let i = 0; i < 4; i++) gc();
}

/** JS heap plus ArrayBuffer backing stores (typed arrays live outside the JS heap). */
function usedBytes(): number {
  collectGarbage();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function bytesPerSeries(peer: string, count: number): Promise<Record<string, number>> {
  const create: Record<string, () => ScrapeSubject> = { perfkit: perfkitScrape, otel: otelScrape, 'prom-client': promClientScrape };
  const factory = create[peer];
  if (!factory) throw new Error(`unknown peer ${peer}`);
  const subject = factory();
  // Names exist before the baseline: a service names its operations with strings it holds anyway, so only
  // what the library adds per series is counted (the same for every peer).
  const names = operationNames(WARM_SERIES + count);
  subject.populate(names.slice(0, WARM_SERIES));
  const measured = names.slice(WARM_SERIES);
  const before = usedBytes();
  subject.populate(measured);
  const after = usedBytes();
  await subject.shutdown();
  return { bytesPerSeries: (after - before) / count };
}

async function leak(operations: number): Promise<Record<string, number | number[]>> {
  const perf = createPerfkit({ serviceName: 'perfkit-bench', prometheus: { serve: false }, logLevel: 'error' });
  const handle = perf.operation(TYPE, NAME);
  const names = operationNames(10);
  const chunks = 10;
  const perChunk = Math.floor(operations / chunks / 20);
  const samples: number[] = [];
  let s = 0;
  // Each group of 20 operations: 10 sync track(), 4 start()/end(), 4 trackOperation() over 10 names,
  // 1 end({ outcome: 'timeout' }), 1 async track().
  for (let c = 0; c < chunks; c++) {
    for (let i = 0; i < perChunk; i++) {
      for (let k = 0; k < 10; k++) s += handle.track(syncWork);
      for (let k = 0; k < 4; k++) handle.start().end();
      for (let k = 0; k < 4; k++) s += perf.trackOperation(TYPE, names[(i + k) % 10]!, syncWork);
      handle.start().end({ outcome: 'timeout' });
      s += await handle.track(asyncWork);
    }
    samples.push(usedBytes());
  }
  const snapshot = perf.snapshot();
  let recorded = 0;
  for (const series of snapshot.series) recorded += series.count;
  await perf.shutdown();
  return { operations: perChunk * 20 * chunks, recorded, sink: s, samples, growth: samples[samples.length - 1]! - samples[0]! };
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as ChildRequest;
  const result = request.mode === 'series' ? await bytesPerSeries(request.peer, request.count) : await leak(request.operations);
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
