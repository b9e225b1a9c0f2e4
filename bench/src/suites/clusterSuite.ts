import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Figure } from '../results';
import { makeFigure } from '../stats';
import type { Suite, SuiteContext } from './suite';

// Many processes, one truth (issue 13). A node:cluster primary aggregating 8 workers x 2,000 series against one
// process serving 2,000 series, perfkit and @prometheus-io/client (ClusterRegistry, prom-client's successor, Node 22
// or later: run with tools/node26) in the same run; and track() in a worker thread against the main thread.

const WORKERS = 8;
const SERIES = 2000;
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** One child: `node script mode`; prints one JSON line `{ times, maxBlock, bytes }` of the primary's scrapes. */
const PERFKIT_CHILD = `
'use strict';
const cluster = require('node:cluster');
const { createPerfkit } = require(process.env.BENCH_CORE);
const WORKERS = Number(process.env.BENCH_WORKERS), SERIES = Number(process.env.BENCH_SERIES), SCRAPES = Number(process.env.BENCH_SCRAPES);
const perf = createPerfkit({ serviceName: 'bench', prometheus: { port: 0, serve: false }, limits: { maxSeriesPerMetric: SERIES + 100 }, logLevel: 'error',
  operationTypes: { model_operation: { buckets: ${JSON.stringify(BUCKETS)} } } });
const populate = () => {
  const ops = [];
  for (let i = 0; i < SERIES; i++) { const op = perf.operation('model_operation', 'op-' + i); op.record(0.001 * (i % 100)); ops.push(op); }
  // Every series keeps changing between scrapes: the worst case for the primary's merge.
  setInterval(() => { for (const op of ops) op.record(0.02); }, 250).unref();
};
${measureSource()}
if (cluster.isWorker) {
  populate();
  setInterval(() => {}, 1 << 30);
  process.send({ ready: true });
} else if (WORKERS === 0) {
  populate();
  measure(() => perf.metrics());
} else {
  let ready = 0;
  for (let i = 0; i < WORKERS; i++) cluster.fork().on('message', (m) => { if (m && m.ready && ++ready === WORKERS) measure(() => perf.metrics()); });
}
`;

const PROM_CHILD = `
'use strict';
const cluster = require('node:cluster');
const client = require(process.env.BENCH_PROM);
const WORKERS = Number(process.env.BENCH_WORKERS), SERIES = Number(process.env.BENCH_SERIES), SCRAPES = Number(process.env.BENCH_SCRAPES);
const registry = new client.ClusterRegistry();
const populate = () => {
  const h = new client.Histogram({ name: 'perfkit_operation_duration_seconds', help: 'Duration', labelNames: ['operation_type', 'operation_name', 'operation_outcome'], buckets: ${JSON.stringify(BUCKETS)} });
  const children = [];
  for (let i = 0; i < SERIES; i++) { const c = h.labels('model_operation', 'op-' + i, 'success'); c.observe(0.001 * (i % 100)); children.push(c); }
  setInterval(() => { for (const c of children) c.observe(0.02); }, 250).unref();
};
${measureSource()}
if (cluster.isWorker) {
  populate();
  setInterval(() => {}, 1 << 30);
  process.send({ ready: true });
} else if (WORKERS === 0) {
  populate();
  measure(() => client.register.metrics());
} else {
  let ready = 0;
  for (let i = 0; i < WORKERS; i++) cluster.fork().on('message', (m) => { if (m && m.ready && ++ready === WORKERS) measure(() => registry.clusterMetrics()); });
}
`;

function measureSource(): string {
  return `
async function measure(scrape) {
  const now = performance.now.bind(performance);
  for (let i = 0; i < 3; i++) await Promise.resolve(scrape()).catch(() => undefined);
  let last = now(), maxBlock = 0, running = true;
  const tick = () => { const t = now(); if (t - last > maxBlock) maxBlock = t - last; last = t; if (running) setImmediate(tick); };
  const times = [];
  let bytes = 0, failures = 0, lastError = '';
  for (let i = 0; i < SCRAPES; i++) {
    await new Promise((r) => setTimeout(r, 30));
    last = now(); maxBlock = Math.max(maxBlock, 0); setImmediate(tick);
    const t0 = now();
    let text = '';
    try { text = await scrape(); times.push(now() - t0); } catch (err) { failures++; lastError = String(err && err.message || err); }
    bytes = text.length;
    running = false; await new Promise((r) => setImmediate(r)); running = true;
  }
  const sample = /perfkit_operation_duration_seconds_count\\{[^}]*operation_name="op-7"[^}]*\\} (\\d+)/.exec(String(await scrape().catch(() => '')));
  process.stdout.write(JSON.stringify({ times, maxBlock, bytes, failures, lastError, op7: sample ? Number(sample[1]) : null }) + '\\n');
  process.exit(0);
}`;
}

interface ChildResult {
  failures: number;
  lastError: string;
  times: number[];
  maxBlock: number;
  bytes: number;
  op7: number | null;
}

function runChild(node: string, script: string, env: Record<string, string>, timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [script], { env: { ...process.env, PERFKIT_AGGREGATOR: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', () => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('{"times"'));
      if (line) resolve(JSON.parse(line) as ChildResult);
      else reject(new Error(`bench child failed:\n${out.slice(-2000)}`));
    });
  });
}

const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/** track() on a bound handle, ns/op, in a worker thread whose perfkit records into the main thread's, and on the main thread. */
async function trackRounds(core: string, rounds: number, batch: number): Promise<{ main: number[]; thread: number[] }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createPerfkit } = require(core) as typeof import('@perfkit/core');
  const perf = createPerfkit({ serviceName: 'bench', prometheus: false, logLevel: 'error' });
  const loop = `(op, n) => { const f = () => 1; const t0 = performance.now(); for (let i = 0; i < n; i++) op.track(f); return ((performance.now() - t0) * 1e6) / n; }`;
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const perf = require(${JSON.stringify(core)}).createPerfkit({ serviceName: 'bench', prometheus: false, logLevel: 'error' });
     const op = perf.operation('model_operation', 'in-thread');
     const run = ${loop};
     parentPort.on('message', (n) => parentPort.postMessage(run(op, n)));`,
    { eval: true },
  );
  const ask = (n: number) => new Promise<number>((resolve) => worker.once('message', resolve).postMessage(n));
  const op = perf.operation('model_operation', 'on-main');
  const run = eval(loop) as (op: unknown, n: number) => number;
  const main: number[] = [];
  const thread: number[] = [];
  await ask(batch);
  run(op, batch);
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      main.push(run(op, batch));
      thread.push(await ask(batch));
    } else {
      thread.push(await ask(batch));
      main.push(run(op, batch));
    }
  }
  const text = await perf.metrics();
  const counted = /operation_name="in-thread",operation_outcome="success"\} (\d+)/.exec(text.replace(/_count\{[^}]*?operation_name/g, '_count{operation_name'));
  await worker.terminate();
  await perf.shutdown();
  if (!counted && !text.includes('in-thread')) throw new Error('cluster.thread: the thread operations did not reach the main thread');
  return { main, thread };
}

/** Cluster suite: aggregation cost in a node:cluster primary, and track() in a worker thread. */
export const clusterSuite: Suite = {
  name: 'cluster',
  title: 'Many processes (node:cluster primary aggregating workers; track() in a worker thread)',
  async run({ profile, progress, root }: SuiteContext) {
    const figures: Figure[] = [];
    const notes: string[] = [];
    const core = path.join(root, 'packages', 'core', 'dist', 'index.js');
    const node26 = path.join(root, 'tools', 'node26', 'node_modules', 'node', 'bin', 'node');
    const prom = path.join(root, 'tools', 'node26', 'node_modules', '@prometheus-io', 'client', 'index.js');
    const tiny = profile.name === 'tiny';
    const workers = tiny ? 2 : WORKERS;
    const series = tiny ? 200 : SERIES;
    const scrapes = tiny ? 5 : 30;
    const rounds = tiny ? 1 : 2;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-bench-cluster-'));
    const perfkitScript = path.join(dir, 'perfkit-cluster.js');
    const promScript = path.join(dir, 'prom-cluster.js');
    fs.writeFileSync(perfkitScript, PERFKIT_CHILD);
    fs.writeFileSync(promScript, PROM_CHILD);
    const hasProm = fs.existsSync(node26) && fs.existsSync(prom);
    if (!hasProm) notes.push('@prometheus-io/client under Node 26 (tools/node26) is not installed: its columns are missing.');
    try {
      const single: Record<string, number[]> = { perfkit: [], 'prom-client': [] };
      const agg: Record<string, number[]> = { perfkit: [], 'prom-client': [] };
      const block: Record<string, number[]> = { perfkit: [], 'prom-client': [] };
      const promFailures: string[] = [];
      const base = { BENCH_CORE: core, BENCH_PROM: prom, BENCH_SERIES: String(series), BENCH_SCRAPES: String(scrapes) };
      for (let r = 0; r < rounds; r++) {
        progress(`  cluster.scrape: round ${r + 1}/${rounds}`);
        const one = await runChild(process.execPath, perfkitScript, { ...base, BENCH_WORKERS: '0' }, 120_000);
        const many = await runChild(process.execPath, perfkitScript, { ...base, BENCH_WORKERS: String(workers) }, 300_000);
        if (many.op7 === null || many.op7 < workers * 2) throw new Error(`cluster.scrape: the primary served op-7 with count ${many.op7}, expected at least ${workers * 2}`);
        single.perfkit!.push(median(one.times));
        agg.perfkit!.push(median(many.times));
        block.perfkit!.push(many.maxBlock);
        if (hasProm) {
          const pOne = await runChild(node26, promScript, { ...base, BENCH_WORKERS: '0' }, 120_000);
          // Fewer scrapes: a ClusterRegistry scrape that chokes costs its 5 s timeout.
          const pMany = await runChild(node26, promScript, { ...base, BENCH_SCRAPES: String(Math.min(scrapes, 8)), BENCH_WORKERS: String(workers) }, 300_000);
          single['prom-client']!.push(median(pOne.times));
          if (pMany.times.length) agg['prom-client']!.push(median(pMany.times));
          block['prom-client']!.push(pMany.maxBlock);
          if (pMany.failures) promFailures.push(`${pMany.failures}/${Math.min(scrapes, 8)} (${pMany.lastError})`);
        }
      }
      if (promFailures.length) notes.push(`@prometheus-io/client ClusterRegistry: clusterMetrics() failed in ${promFailures.join('; ')} scrapes (per round).`);
      const pick = (o: Record<string, number[]>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v.length > 0));
      figures.push(makeFigure({ id: `cluster.scrape.single.${series}`, label: `one process serving ${series} series`, unit: 'ms/scrape', better: 'lower' }, pick(single)));
      figures.push(
        makeFigure(
          { id: `cluster.scrape.${workers}x${series}`, label: `primary aggregating ${workers} workers x ${series} series`, unit: 'ms/scrape', better: 'lower', note: 'prom-client: ClusterRegistry.clusterMetrics() under Node 26' },
          pick(agg),
        ),
      );
      figures.push(
        makeFigure({ id: `cluster.blocking.${workers}x${series}`, label: `longest event-loop block of the primary while aggregating ${workers}x${series}`, unit: 'ms', better: 'lower' }, pick(block)),
      );
      const ratio = median(agg.perfkit!) / median(single.perfkit!);
      notes.push(`perfkit: a primary aggregating ${workers} x ${series} series answers in ${ratio.toFixed(2)}x the time of one process with ${series} series (target <= 5x); longest block ${median(block.perfkit!).toFixed(1)} ms (target <= 5 ms).`);
      if (agg['prom-client']!.length && single['prom-client']!.length) notes.push(`@prometheus-io/client: ClusterRegistry ${(median(agg['prom-client']!) / median(single['prom-client']!)).toFixed(2)}x its single process.`);

      progress('  cluster.thread.track');
      const batch = tiny ? 20_000 : 1_000_000;
      const t = await trackRounds(core, tiny ? 2 : profile.rounds, batch);
      figures.push(makeFigure({ id: 'cluster.thread.track.main', label: 'track() (sync, bound) on the main thread', unit: 'ns/op', better: 'lower' }, { perfkit: t.main }));
      figures.push(makeFigure({ id: 'cluster.thread.track.worker', label: 'track() (sync, bound) in a worker thread recording into the main thread', unit: 'ns/op', better: 'lower' }, { perfkit: t.thread }));
      notes.push(`track() in a worker thread: ${(median(t.thread) / median(t.main)).toFixed(2)}x the main thread (target <= 1.2x).`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return { figures, notes };
  },
};
