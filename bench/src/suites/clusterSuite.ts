import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Figure } from '../results';
import { makeFigure, summarize } from '../stats';
import type { Suite, SuiteContext } from './suite';
import { threadCpuClock } from './threadCpu';

// Many processes, one truth (issue 13). A node:cluster primary aggregating 8 workers x 2,000 series against one
// process serving 2,000 series, perfkit and @prometheus-io/client (ClusterRegistry, prom-client's successor, Node 22
// or later: run with tools/node26) in the same run; and track() in a worker thread against the main thread.

const WORKERS = 8;
const SERIES = 2000;
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** How each peer makes its series, records into them, and is scraped (alone, and as a cluster primary). */
interface PeerScript {
  /** Runs once in every process (primary and workers): loads the library, defines `series(i)` and `observe(h, v)`. */
  readonly setup: string;
  /** Expression scraping one process's own series. */
  readonly scrapeOwn: string;
  /** Expression scraping the primary's aggregate of its workers. */
  readonly scrapeCluster: string;
  /** Expression that only aggregates (collects the workers' reports and merges them), without rendering. */
  readonly collectOnly?: string;
  /**
   * Expression serving one scrape as the /metrics handler serves it: the text streamed to a consumer that lets each
   * chunk go once it has it (the handler hands it to gzip and the socket, which take it off the main thread), rather
   * than kept whole as a string. Used for the single process and the primary alike (BENCH_SERVED).
   */
  readonly scrapeServed?: string;
}

const PEERS: Readonly<Record<'perfkit' | 'prom-client', PeerScript>> = {
  perfkit: {
    setup: `const { createPerfkit } = require(process.env.BENCH_CORE);
const perf = createPerfkit({ serviceName: 'bench', prometheus: { port: 0, serve: false }, limits: { maxSeriesPerMetric: SERIES + 100 }, logLevel: 'error',
  operationTypes: { model_operation: { buckets: ${JSON.stringify(BUCKETS)} } } });
const series = (i) => perf.operation('model_operation', 'op-' + i);
const observe = (h, v) => h.record(v);`,
    scrapeOwn: 'perf.metrics()',
    scrapeCluster: 'perf.metrics()',
    // The renderer (a TypeScript-private field), as the handler reaches it.
    scrapeServed: "perf.exposition.stream(false, (chunk, done) => done()).then(() => '')",
    // The instance's cluster link (a TypeScript-private field): the aggregation's own cost, apart from rendering.
    collectOnly: "perf.cluster.refresh().then(() => '')",
  },
  'prom-client': {
    setup: `const client = require(process.env.BENCH_PROM);
const registry = new client.ClusterRegistry();
let histogram;
const series = (i) => (histogram ??= new client.Histogram({ name: 'perfkit_operation_duration_seconds', help: 'Duration', labelNames: ['operation_type', 'operation_name', 'operation_outcome'], buckets: ${JSON.stringify(BUCKETS)} })).labels('model_operation', 'op-' + i, 'success');
const observe = (h, v) => h.observe(v);`,
    scrapeOwn: 'client.register.metrics()',
    scrapeCluster: 'registry.clusterMetrics()',
  },
};

/** What each run of one process and its primary records (and, prefixed `served`, the same served as a scrape). */
const RUN_KEYS = ['single', 'singleCpu', 'singleBlockCpu', 'singleBlockOwn', 'singleBlockSteal', 'aggregate', 'aggregateCpu', 'ratio', 'block', 'blockCpu', 'blockOwn', 'blockAll', 'blockSteal', 'blockSlept', 'eldMax'] as const;
type RunKey = (typeof RUN_KEYS)[number];
const servedKey = (key: RunKey) => `served${key[0]!.toUpperCase()}${key.slice(1)}` as `served${Capitalize<RunKey>}`;
/**
 * The served runs again with one V8 helper thread in the primary and its workers (`--v8-pool-size=1`), the remedy
 * docs/scale-out.md gives for a host with fewer cores than busy processes: its main thread then waits less on helper
 * threads the workers keep from a CPU. Shown next to the judged figure, which stays at Node's defaults.
 */
const tunedKey = (key: RunKey) => `tuned${key[0]!.toUpperCase()}${key.slice(1)}` as `tuned${Capitalize<RunKey>}`;
const TUNED_NODE_OPTIONS = '--v8-pool-size=1';
/**
 * The served runs again with the primary (every thread of it) on a CPU of its own and its workers on the others
 * (taskset), as on a host with a core for the primary: other processes then cannot hold the threads the primary's
 * main thread waits for. Unpinned, on 2 vCPUs with 9 busy processes, kernel traces of the primary's main thread
 * (perf sched_switch, 2026-12-03) showed it asleep inside turns for 2-8 ms at a time on futexes: joining V8's
 * scavenge job (ScavengerCollector, DefaultJobHandle::Join) and in pthread_cond_signal posting work to V8's helper
 * threads while the workers held both CPUs; its CPU time in those turns was 1-2 ms. With --single-threaded-gc the
 * longest block was still 11-14 ms. Pinned, three probe runs read 2.9-4.9 ms, the suite's first run 6.7 ms (median of
 * 5 rounds, 3.2-6.7; 3.0 ms of CPU): the primary's own helper threads then share its one CPU. Shown, not judged.
 */
const pinnedKey = (key: RunKey) => `pinned${key[0]!.toUpperCase()}${key.slice(1)}` as `pinned${Capitalize<RunKey>}`;

/** Throws unless a pinned run's primary and every one of its workers ran on the CPUs asked for (as /proc says). */
export function checkPinned(label: string, affinity: { primary: string | null; workers: Array<string | null> }, primary: string, workers: string, count: number): void {
  const wrong = [];
  if (affinity.primary !== primary) wrong.push(`the primary on CPUs ${affinity.primary}, not ${primary}`);
  if (affinity.workers.length !== count) wrong.push(`${affinity.workers.length} workers, not ${count}`);
  affinity.workers.forEach((w, i) => w !== workers && wrong.push(`worker ${i + 1} on CPUs ${w}, not ${workers}`));
  if (wrong.length) throw new Error(`${label}: not pinned as asked: ${wrong.join('; ')}`);
}

/** CPUs for a pinned run: the last for the primary, the others for the workers; undefined with one CPU or no taskset. */
export function pinnedCpus(cpus: number, hasTaskset: boolean): { primary: string; workers: string } | undefined {
  if (cpus < 2 || !hasTaskset) return undefined;
  return { primary: String(cpus - 1), workers: cpus === 2 ? '0' : `0-${cpus - 2}` };
}

/** Which of the three block figures judges issue 13's 5 ms bound, and why (a note under the table). */
const BLOCK_FIGURES =
  'Which block figure judges the 5 ms bound: wall clock minus run delay, with steal out where the main thread never left its CPU ' +
  '(the served rows). The primary measures, on its own main thread, ' +
  'the wall-clock gap between two event-loop ticks and the time the thread waited on a run queue within it ' +
  '(/proc/thread-self/schedstat): the difference is how long its own turn held the loop, on-CPU time plus the waits it ' +
  'causes itself (GC helper threads, page faults), whatever else runs. The wall gap alone also counts the time the ' +
  "primary was ready to run while its 8 workers (this bench's own processes, computing every 250 ms) or anything else " +
  'held the cores: on 2 cores with 9 busy processes that is most of a wall figure, and it is the machine, not the ' +
  "primary (with a core per process it is 0). CPU time alone leaves out the primary's own waits, so it can read low. " +
  "On a saturated machine, wall minus run delay is still an upper bound: a young-generation GC makes the main thread " +
  "wait for V8's helper threads, which then wait for a CPU themselves (their run delay is not the main thread's). " +
  "The next figure also takes out the helpers' run delay within the gap (summed over helpers, so it may take out too " +
  'much; never below the CPU time): an estimate of the block on a machine with a core for every thread. ' +
  "The 'never slept' rows take steal out of every gap without a voluntary context switch (getrusage RUSAGE_THREAD's " +
  "ru_nvcsw): a preempted thread's wait is run delay already, so there wall minus run delay beyond the CPU time is " +
  'steal; gaps it slept in (GC helpers, page faults on a lock) stay wall minus run delay. They are read next to the ' +
  'judged figure, not instead of it.';

/** One child: a process serving SERIES series (BENCH_WORKERS=0) or a primary aggregating its workers; prints one JSON line. */
function childScript(peer: PeerScript): string {
  return `
'use strict';
const cluster = require('node:cluster');
const WORKERS = Number(process.env.BENCH_WORKERS), SERIES = Number(process.env.BENCH_SERIES), SCRAPES = Number(process.env.BENCH_SCRAPES);
// Pause between scrapes (ms): 30 unless BENCH_GAP_MS says otherwise (see the suite's notes).
const GAP_MS = Number(process.env.BENCH_GAP_MS || 30);
${peer.setup}
const populate = () => {
  const handles = [];
  for (let i = 0; i < SERIES; i++) { const h = series(i); observe(h, 0.001 * (i % 100)); handles.push(h); }
  // Every series keeps changing between scrapes: the worst case for the primary's merge.
  setInterval(() => { for (const h of handles) observe(h, 0.02); }, 250).unref();
};
${measureSource()}
if (cluster.isWorker) {
  populate();
  setInterval(() => {}, 1 << 30);
  process.send({ ready: true });
} else if (WORKERS === 0) {
  populate();
  measure(process.env.BENCH_SERVED ? () => ${peer.scrapeServed ?? 'undefined'} : () => ${peer.scrapeOwn}, () => ${peer.scrapeOwn});
} else {
  let ready = 0;
  const scrape = process.env.BENCH_COLLECT_ONLY ? () => ${peer.collectOnly ?? 'undefined'} : process.env.BENCH_SERVED ? () => ${peer.scrapeServed ?? 'undefined'} : () => ${peer.scrapeCluster};
  // A pinned run (BENCH_PIN_WORKERS: a CPU list) moves each worker and its threads to those CPUs as it is forked.
  const pin = (w) => { if (process.env.BENCH_PIN_WORKERS) require('node:child_process').execFileSync('taskset', ['-a', '-p', '-c', process.env.BENCH_PIN_WORKERS, String(w.process.pid)], { stdio: 'ignore' }); return w; };
  for (let i = 0; i < WORKERS; i++) pin(cluster.fork()).on('message', (m) => { if (m && m.ready && ++ready === WORKERS) measure(scrape, () => ${peer.scrapeCluster}); });
}
`;
}

/**
 * The scrape loop of a child: wall time per scrape, the main thread's CPU time per scrape (clock_gettime's
 * CLOCK_THREAD_CPUTIME_ID through koffi, see threadCpu.ts: what the scrape cost, whatever the machine's load),
 * and the event loop's longest block during scrapes, read three ways: the wall-clock gap between setImmediate ticks,
 * the main thread's CPU time between two ticks (a gap that other processes' load inflates does not inflate it), and
 * the event-loop delay histogram (perf_hooks, 1 ms resolution).
 */
function measureSource(): string {
  return `
async function measure(scrape, textScrape) {
  const now = performance.now.bind(performance);
  const clocks = require(process.env.BENCH_THREAD_CPU);
  const cpuNow = clocks.threadCpuClock(process.env.BENCH_ROOT).now;
  const runDelay = clocks.runDelayClock();
  const waitedNow = runDelay ? runDelay.runDelayMs : () => NaN;
  const othersWaitedNow = runDelay ? runDelay.othersRunDelayMs : () => NaN;
  // Times the main thread has been switched onto a CPU: a gap in which it did not change is one the thread never left
  // its CPU, where wall time beyond its CPU time was steal (the hypervisor running another guest on that vCPU).
  const switchesNow = runDelay ? () => runDelay.sample().switches : () => 0;
  // Voluntary switches (getrusage(RUSAGE_THREAD)): a gap without one is one the thread never slept in, preempted or not.
  const voluntaryNow = clocks.voluntarySwitchesClock(process.env.BENCH_ROOT) ?? switchesNow;
  for (let i = 0; i < 3; i++) await Promise.resolve(scrape()).catch(() => undefined);
  const delay = require('node:perf_hooks').monitorEventLoopDelay({ resolution: 1 });
  let last = now(), lastCpu = cpuNow(), lastWaited = waitedNow(), lastOthers = othersWaitedNow(), lastSwitches = switchesNow(), lastVoluntary = voluntaryNow();
  let maxBlock = 0, maxBlockCpu = 0, maxBlockOwn = 0, maxBlockAll = 0, maxBlockSteal = 0, maxBlockSlept = 0, running = true;
  const tick = () => {
    const t = now(), c = cpuNow(), w = waitedNow(), o = othersWaitedNow(), sw = switchesNow(), v = voluntaryNow();
    // Wall minus run delay, but the CPU time in a gap the thread never left its CPU (steal out).
    const steal = sw === lastSwitches ? c - lastCpu : t - last - (w - lastWaited);
    if (steal > maxBlockSteal) maxBlockSteal = steal;
    // The same, but the CPU time in every gap the thread never slept in (preempted only: its waits are run delay).
    const slept = v === lastVoluntary ? c - lastCpu : t - last - (w - lastWaited);
    if (slept > maxBlockSlept) maxBlockSlept = slept;
    if (t - last > maxBlock) maxBlock = t - last;
    if (c - lastCpu > maxBlockCpu) maxBlockCpu = c - lastCpu;
    // Wall time minus the time the thread sat runnable on a run queue while another process held the CPU.
    if (t - last - (w - lastWaited) > maxBlockOwn) maxBlockOwn = t - last - (w - lastWaited);
    // Also without the time the process's helper threads (a scavenge's) waited for a CPU; never below the CPU time.
    const all = Math.max(c - lastCpu, t - last - (w - lastWaited) - (o - lastOthers));
    if (all > maxBlockAll) maxBlockAll = all;
    last = t; lastCpu = c; lastWaited = w; lastOthers = o; lastSwitches = sw; lastVoluntary = v;
    if (running) setImmediate(tick);
  };
  const times = [], cpu = [];
  let bytes = 0, failures = 0, lastError = '';
  for (let i = 0; i < SCRAPES; i++) {
    await new Promise((r) => setTimeout(r, GAP_MS));
    last = now(); lastCpu = cpuNow(); lastWaited = waitedNow(); lastOthers = othersWaitedNow(); lastSwitches = switchesNow(); lastVoluntary = voluntaryNow(); setImmediate(tick);
    delay.enable();
    const t0 = now(), c0 = cpuNow();
    let text = '';
    try { text = await scrape(); times.push(now() - t0); cpu.push(cpuNow() - c0); } catch (err) { failures++; lastError = String(err && err.message || err); }
    bytes = text.length;
    running = false; await new Promise((r) => setImmediate(r)); running = true;
    delay.disable();
  }
  // Every worker's 250 ms updater has run at least once before this check scrape (a tiny run can end within 250 ms
  // of the workers' start: the primary then rightly served one observation per worker).
  await new Promise((r) => setTimeout(r, 600));
  const sample = /perfkit_operation_duration_seconds_count\\{[^}]*operation_name="op-7"[^}]*\\} (\\d+)/.exec(String(await textScrape().catch(() => '')));
  const eld = { max: delay.max / 1e6, p99: delay.percentile(99) / 1e6 };
  // The CPUs each process may run on (a pinned run checks them), from the kernel's own account.
  const cpusOf = (pid) => { try { return /Cpus_allowed_list:\\s*(\\S+)/.exec(require('node:fs').readFileSync('/proc/' + pid + '/status', 'utf8'))?.[1] ?? null; } catch { return null; } };
  const affinity = { primary: cpusOf(process.pid), workers: Object.values(cluster.workers ?? {}).map((w) => cpusOf(w.process.pid)) };
  process.stdout.write(JSON.stringify({ times, cpu, maxBlock, maxBlockCpu, maxBlockOwn: runDelay ? maxBlockOwn : null, maxBlockAll: runDelay ? maxBlockAll : null, maxBlockSteal: runDelay ? maxBlockSteal : null, maxBlockSlept: runDelay ? maxBlockSlept : null, eld, bytes, failures, lastError, op7: sample ? Number(sample[1]) : null, affinity }) + '\\n');
  process.exit(0);
}`;
}

interface ChildResult {
  failures: number;
  lastError: string;
  times: number[];
  cpu: number[];
  maxBlock: number;
  maxBlockCpu: number;
  /** Longest gap minus the run delay within it (null without /proc/thread-self/schedstat). */
  maxBlockOwn: number | null;
  /** Longest gap minus the run delay of every thread of the process within it, at least its CPU time. */
  maxBlockAll: number | null;
  /** Longest gap minus the run delay within it, or its CPU time where the thread never left its CPU (steal out). */
  maxBlockSteal: number | null;
  /** Longest gap minus the run delay within it, or its CPU time where the thread never slept (no voluntary switch). */
  maxBlockSlept: number | null;
  eld: { max: number; p99: number };
  bytes: number;
  op7: number | null;
  /** Cpus_allowed_list of the primary and of each worker, from /proc (null where unreadable). */
  affinity: { primary: string | null; workers: Array<string | null> };
}

function runChild(node: string, script: string, env: Record<string, string>, timeoutMs: number, primaryCpu?: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const [command, args] = primaryCpu === undefined ? [node, [script]] : ['taskset', ['-c', primaryCpu, node, script]];
    const child = spawn(command, args, { env: { ...process.env, PERFKIT_AGGREGATOR: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    const rounds = tiny ? 1 : 5;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-bench-cluster-'));
    const hasNode26 = fs.existsSync(node26);
    const hasProm = hasNode26 && fs.existsSync(prom);
    if (!hasProm) notes.push('@prometheus-io/client under Node 26 (tools/node26) is not installed: its columns are missing.');
    notes.push(
      `Scrapes ${Number(process.env.BENCH_GAP_MS || 30)} ms apart (BENCH_GAP_MS; 30 unless set). At 1,000 ms (2026-12-02) the judged block read 15.7 ms and the ` +
        'primary\'s longest turn 6.0 ms of main-thread CPU against 9.5 and 2.0 at 30 ms: idle workers answer a collection together, and their reports land in one turn (docs/scale-out.md).',
    );
    notes.push(`CPU figures: ${threadCpuClock(root).what}; process.threadCpuUsage() advances in steps of up to 4 ms on this kernel (scheduler ticks), too coarse for gaps of a few ms.`);
    const load = () => os.loadavg()[0]!.toFixed(1);
    const loadBefore = load();
    try {
      const peers: Array<{ name: 'perfkit' | 'prom-client'; node: string; script: string; clusterScrapes: number }> = [
        // Both peers on Node 26 when it is there: the same runtime for both.
        { name: 'perfkit', node: hasNode26 ? node26 : process.execPath, script: path.join(dir, 'perfkit-cluster.js'), clusterScrapes: scrapes },
        // Fewer scrapes: a ClusterRegistry scrape that chokes costs its 5 s timeout.
        ...(hasProm ? [{ name: 'prom-client' as const, node: node26, script: path.join(dir, 'prom-cluster.js'), clusterScrapes: Math.min(scrapes, 8) }] : []),
      ];
      for (const peer of peers) fs.writeFileSync(peer.script, childScript(PEERS[peer.name]));
      const pinned = pinnedCpus(os.cpus().length, spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0);
      if (!pinned) notes.push('No pinned runs: they need 2 CPUs or more and taskset (util-linux).');
      const keys = [...RUN_KEYS, ...RUN_KEYS.map(servedKey), ...RUN_KEYS.map(tunedKey), ...RUN_KEYS.map(pinnedKey), 'collectCpu', 'collectBlockCpu', 'collectBlockOwn'] as const;
      const rows = Object.fromEntries(keys.map((k) => [k, { perfkit: [] as number[], 'prom-client': [] as number[] }])) as unknown as Record<(typeof keys)[number], Record<string, number[]>>;
      const failures: string[] = [];
      const base = { BENCH_CORE: core, BENCH_PROM: prom, BENCH_SERIES: String(series), BENCH_SCRAPES: String(scrapes), BENCH_THREAD_CPU: path.join(__dirname, 'threadCpu.js'), BENCH_ROOT: root };
      for (let r = 0; r < rounds; r++) {
        progress(`  cluster.scrape: round ${r + 1}/${rounds}`);
        for (const peer of peers) {
          const add = (key: (typeof keys)[number], value: number | undefined) => value !== undefined && Number.isFinite(value) && rows[key][peer.name]!.push(value);
          /** One process and the primary, run with `env` on top of the base; their figures under `key(...)`. */
          const run = async (label: string, env: Record<string, string>, key: (k: RunKey) => (typeof keys)[number], primaryCpu?: string) => {
            const one = await runChild(peer.node, peer.script, { ...base, ...env, BENCH_WORKERS: '0' }, 120_000, primaryCpu);
            const many = await runChild(peer.node, peer.script, { ...base, ...env, BENCH_SCRAPES: String(peer.clusterScrapes), BENCH_WORKERS: String(workers) }, 300_000, primaryCpu);
            if (primaryCpu !== undefined) checkPinned(label, many.affinity, primaryCpu, env.BENCH_PIN_WORKERS!, workers);
            if (peer.name === 'perfkit' && (many.op7 === null || many.op7 < workers * 2)) throw new Error(`${label}: the primary served op-7 with count ${many.op7}, expected at least ${workers * 2}`);
            add(key('single'), median(one.times));
            add(key('singleCpu'), median(one.cpu));
            add(key('singleBlockCpu'), one.maxBlockCpu);
            add(key('singleBlockOwn'), one.maxBlockOwn ?? undefined);
            add(key('singleBlockSteal'), one.maxBlockSteal ?? undefined);
            if (many.times.length) {
              add(key('aggregate'), median(many.times));
              add(key('aggregateCpu'), median(many.cpu));
              add(key('ratio'), median(many.times) / median(one.times));
            }
            add(key('block'), many.maxBlock);
            add(key('blockCpu'), many.maxBlockCpu);
            add(key('blockOwn'), many.maxBlockOwn ?? undefined);
            add(key('blockAll'), many.maxBlockAll ?? undefined);
            add(key('blockSteal'), many.maxBlockSteal ?? undefined);
            add(key('blockSlept'), many.maxBlockSlept ?? undefined);
            add(key('eldMax'), many.eld.max);
            if (many.failures) failures.push(`${peer.name} (${label}): ${many.failures}/${peer.clusterScrapes} (${many.lastError})`);
          };
          await run('cluster.scrape', {}, (k) => k);
          if (PEERS[peer.name].collectOnly) {
            const collect = await runChild(peer.node, peer.script, { ...base, BENCH_WORKERS: String(workers), BENCH_COLLECT_ONLY: '1' }, 300_000);
            add('collectCpu', median(collect.cpu));
            add('collectBlockCpu', collect.maxBlockCpu);
            add('collectBlockOwn', collect.maxBlockOwn ?? undefined);
          }
          if (PEERS[peer.name].scrapeServed) {
            await run('cluster.served', { BENCH_SERVED: '1' }, servedKey);
            const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} ${TUNED_NODE_OPTIONS}`.trim();
            await run('cluster.tuned', { BENCH_SERVED: '1', NODE_OPTIONS: nodeOptions }, tunedKey);
            if (pinned) await run('cluster.pinned', { BENCH_SERVED: '1', BENCH_PIN_WORKERS: pinned.workers }, pinnedKey, pinned.primary);
          }
        }
      }
      if (failures.length) notes.push(`scrapes that failed (per round): ${failures.join('; ')}.`);
      const pick = (o: Record<string, number[]>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v.length > 0));
      const figure = (id: string, label: string, unit: string, key: (typeof keys)[number], note?: string) =>
        figures.push(makeFigure({ id, label, unit, better: 'lower', ...(note ? { note } : {}) }, pick(rows[key])));
      const shape = `${workers}x${series}`;
      figure(`cluster.scrape.single.${series}`, `one process serving ${series} series`, 'ms/scrape', 'single');
      figure(`cluster.scrape.${shape}`, `primary aggregating ${workers} workers x ${series} series`, 'ms/scrape', 'aggregate', 'prom-client: ClusterRegistry.clusterMetrics() under Node 26');
      figure(`cluster.scrape.cpu.single.${series}`, `main-thread CPU time of one process serving ${series} series, per scrape`, 'ms/scrape', 'singleCpu');
      figure(`cluster.scrape.cpu.${shape}`, `main-thread CPU time of the primary aggregating ${shape}, per scrape`, 'ms/scrape', 'aggregateCpu');
      figure(`cluster.blocking.cpu.single.${series}`, `longest event-loop block of one process serving ${series} series (main-thread CPU time between ticks)`, 'ms', 'singleBlockCpu');
      figure(`cluster.blocking.own.single.${series}`, `longest event-loop block of one process serving ${series} series (wall clock minus run delay between ticks)`, 'ms', 'singleBlockOwn');
      figure(
        `cluster.blocking.steal.single.${series}`,
        `longest event-loop block of one process serving ${series} series (wall clock minus run delay, steal out where the thread never left its CPU)`,
        'ms',
        'singleBlockSteal',
      );
      figure(`cluster.collect.cpu.${shape}`, `main-thread CPU time of the primary's aggregation alone (collect and merge, no rendering), per scrape`, 'ms/scrape', 'collectCpu');
      figure(`cluster.collect.blocking.cpu.${shape}`, `longest event-loop block of the primary's aggregation alone (main-thread CPU time between ticks)`, 'ms', 'collectBlockCpu');
      figure(`cluster.collect.blocking.own.${shape}`, `longest event-loop block of the primary's aggregation alone (wall clock minus run delay between ticks)`, 'ms', 'collectBlockOwn');
      figure(`cluster.blocking.${shape}`, `longest event-loop block of the primary while aggregating ${shape} (wall clock between ticks)`, 'ms', 'block');
      figure(`cluster.blocking.cpu.${shape}`, `longest event-loop block of the primary while aggregating ${shape} (main-thread CPU time between ticks)`, 'ms', 'blockCpu');
      figure(
        `cluster.blocking.own.${shape}`,
        `longest event-loop block of the primary while aggregating ${shape} (wall clock minus run delay between ticks)`,
        'ms',
        'blockOwn',
      );
      figure(
        `cluster.blocking.all.${shape}`,
        `longest event-loop block of the primary while aggregating ${shape} (wall clock minus the run delay of every thread of the primary, at least its CPU time)`,
        'ms',
        'blockAll',
      );
      figure(
        `cluster.blocking.steal.${shape}`,
        `longest event-loop block of the primary while aggregating ${shape} (wall clock minus run delay, steal out where the thread never left its CPU)`,
        'ms',
        'blockSteal',
      );
      figure(
        `cluster.blocking.slept.${shape}`,
        `longest event-loop block of the primary while aggregating ${shape} (wall clock minus run delay, steal out where the thread never slept)`,
        'ms',
        'blockSlept',
      );
      figure(`cluster.eld.max.${shape}`, `event-loop delay histogram max of the primary during scrapes (${shape})`, 'ms', 'eldMax');
      figure(`cluster.scrape.ratio.${shape}`, `primary aggregating ${shape} ÷ one process serving ${series} series, wall time per scrape (perf.metrics()), per round`, 'x', 'ratio');
      // Served as the /metrics handler serves a scrape (see PeerScript.scrapeServed): what Prometheus's scrape costs.
      figure(`cluster.served.single.${series}`, `one process serving ${series} series, served as a scrape (streamed)`, 'ms/scrape', 'servedSingle');
      figure(`cluster.served.${shape}`, `primary aggregating ${shape}, served as a scrape (streamed)`, 'ms/scrape', 'servedAggregate');
      figure(`cluster.served.cpu.single.${series}`, `main-thread CPU time of one process serving ${series} series, served as a scrape, per scrape`, 'ms/scrape', 'servedSingleCpu');
      figure(`cluster.served.cpu.${shape}`, `main-thread CPU time of the primary aggregating ${shape}, served as a scrape, per scrape`, 'ms/scrape', 'servedAggregateCpu');
      figure(
        `cluster.served.ratio.${shape}`,
        `primary aggregating ${shape} ÷ one process serving ${series} series, wall time per scrape served as a scrape, per round (judges the 5x bound)`,
        'x',
        'servedRatio',
      );
      figure(`cluster.served.blocking.own.single.${series}`, `longest event-loop block of one process serving ${series} series, served as a scrape (wall clock minus run delay)`, 'ms', 'servedSingleBlockOwn');
      figure(`cluster.served.blocking.${shape}`, `longest event-loop block of the primary aggregating ${shape}, served as a scrape (wall clock between ticks)`, 'ms', 'servedBlock');
      figure(`cluster.served.blocking.cpu.${shape}`, `longest event-loop block of the primary aggregating ${shape}, served as a scrape (main-thread CPU time between ticks)`, 'ms', 'servedBlockCpu');
      figure(
        `cluster.served.blocking.own.${shape}`,
        `longest event-loop block of the primary aggregating ${shape}, served as a scrape (wall clock minus run delay between ticks)`,
        'ms',
        'servedBlockOwn',
      );
      figure(
        `cluster.served.blocking.steal.${shape}`,
        `longest event-loop block of the primary aggregating ${shape}, served as a scrape (wall clock minus run delay, steal out where the thread never left its CPU: judges the 5 ms bound)`,
        'ms',
        'servedBlockSteal',
      );
      figure(
        `cluster.served.blocking.slept.${shape}`,
        `longest event-loop block of the primary aggregating ${shape}, served as a scrape (wall clock minus run delay, steal out where the thread never slept)`,
        'ms',
        'servedBlockSlept',
      );
      // The served runs with one V8 helper thread (not judged: the bound is judged at Node's defaults).
      figure(`cluster.tuned.cpu.${shape}`, `main-thread CPU time of the primary aggregating ${shape}, served as a scrape, per scrape, ${TUNED_NODE_OPTIONS}`, 'ms/scrape', 'tunedAggregateCpu');
      figure(`cluster.tuned.ratio.${shape}`, `primary aggregating ${shape} ÷ one process serving ${series} series, wall time per scrape served as a scrape, per round, ${TUNED_NODE_OPTIONS}`, 'x', 'tunedRatio');
      figure(`cluster.tuned.blocking.cpu.${shape}`, `longest event-loop block of the primary aggregating ${shape}, served as a scrape (main-thread CPU time between ticks), ${TUNED_NODE_OPTIONS}`, 'ms', 'tunedBlockCpu');
      figure(
        `cluster.tuned.blocking.steal.${shape}`,
        `longest event-loop block of the primary aggregating ${shape}, served as a scrape (wall clock minus run delay, steal out where the thread never left its CPU), ${TUNED_NODE_OPTIONS}`,
        'ms',
        'tunedBlockSteal',
      );
      // The served runs with the primary on a CPU of its own (not judged, see pinnedKey).
      figure(`cluster.pinned.ratio.${shape}`, `primary aggregating ${shape} ÷ one process serving ${series} series, wall time per scrape served as a scrape, per round, primary on a CPU of its own`, 'x', 'pinnedRatio');
      figure(`cluster.pinned.cpu.${shape}`, `main-thread CPU time of the primary aggregating ${shape}, served as a scrape, per scrape, primary on a CPU of its own`, 'ms/scrape', 'pinnedAggregateCpu');
      figure(`cluster.pinned.blocking.cpu.${shape}`, `longest event-loop block of the primary aggregating ${shape}, served as a scrape (main-thread CPU time between ticks), primary on a CPU of its own`, 'ms', 'pinnedBlockCpu');
      figure(`cluster.pinned.blocking.${shape}`, `longest event-loop block of the primary aggregating ${shape}, served as a scrape (wall clock between ticks), primary on a CPU of its own`, 'ms', 'pinnedBlock');
      figure(
        `cluster.pinned.blocking.steal.${shape}`,
        `longest event-loop block of the primary aggregating ${shape}, served as a scrape (wall clock minus run delay, steal out where the thread never left its CPU), primary on a CPU of its own`,
        'ms',
        'pinnedBlockSteal',
      );
      // The tables' median (the mean of the middle two of an even count), so that a note and its row agree.
      const m = (key: (typeof keys)[number], peer = 'perfkit') => summarize(rows[key][peer]!).median;
      notes.push(
        `perfkit: a primary aggregating ${workers} x ${series} series answers in ${(m('aggregate') / m('single')).toFixed(2)}x the wall time of one process with ${series} series ` +
          `(${(m('aggregateCpu') / m('singleCpu')).toFixed(2)}x its CPU time; target <= 5x); longest block ${m('blockOwn').toFixed(1)} ms wall minus run delay (${m('blockAll').toFixed(1)} ms less its helper threads' run delay, ${m('blockSteal').toFixed(1)} ms with steal out), ${m('blockCpu').toFixed(1)} ms CPU, ${m('block').toFixed(1)} ms wall (target <= 5 ms; one process alone: ${m('singleBlockOwn').toFixed(1)} ms wall minus run delay, ${m('singleBlockSteal').toFixed(1)} with steal out, ${m('singleBlockCpu').toFixed(1)} ms CPU; the aggregation alone: ${m('collectBlockOwn').toFixed(1)} ms wall minus run delay, ${m('collectBlockCpu').toFixed(1)} ms CPU, ${m('collectCpu').toFixed(1)} ms CPU per scrape); ` +
          `load average ${loadBefore} -> ${load()} on ${os.cpus().length} cores.`,
      );
      if (rows.servedAggregate.perfkit!.length) {
        notes.push(
          `perfkit, served as a scrape (the text streamed to a consumer that lets each chunk go, as the /metrics handler hands it to gzip and the socket; ` +
            `the rows above keep it whole through perf.metrics()): the primary answers in ${m('servedRatio').toFixed(2)}x the wall time of one process ` +
            `(median of per-round ratios; ${(m('servedAggregateCpu') / m('servedSingleCpu')).toFixed(2)}x its CPU time; target <= 5x); longest block ` +
            `${m('servedBlockOwn').toFixed(1)} ms wall minus run delay (${m('servedBlockSteal').toFixed(1)} ms with steal out), ${m('servedBlockCpu').toFixed(1)} ms CPU ` +
            `(target <= 5 ms, judged with steal out; one process alone ${m('servedSingleBlockOwn').toFixed(1)} ms). Issue 13's bounds are judged here: a scrape is what Prometheus makes. ` +
            'With 9 busy processes on 2 virtual CPUs the hypervisor takes the CPU from the primary mid-turn (steal): in a turn the thread never left, the wall ' +
            'time beyond its CPU time is that, not the primary; in a turn it slept in, steal cannot be told apart and the figure stays wall minus run delay (an upper bound). ' +
            'perf.metrics() of the primary keeps the text as a string until it returns: at 2,000 series that is concatenated text the young generation copies while it lives.',
        );
      }
      if (rows.tunedAggregate.perfkit!.length) {
        notes.push(
          `perfkit, served, primary and workers started with ${TUNED_NODE_OPTIONS} (one V8 helper thread instead of four; the remedy docs/scale-out.md gives for a host ` +
            `with fewer cores than busy processes; not judged): longest block ${m('tunedBlockSteal').toFixed(1)} ms with steal out (at Node's defaults ${m('servedBlockSteal').toFixed(1)}), ` +
            `${m('tunedBlockCpu').toFixed(1)} ms CPU, ${m('tunedAggregateCpu').toFixed(1)} ms of main-thread CPU per scrape (at the defaults ${m('servedAggregateCpu').toFixed(1)}), ${m('tunedRatio').toFixed(2)}x one process.`,
        );
      }
      if (rows.pinnedAggregate.perfkit!.length && pinned) {
        notes.push(
          `perfkit, served, the primary and its threads on CPU ${pinned.primary} and its ${workers} workers on CPU ${pinned.workers} (taskset; not judged): longest block ` +
            `${m('pinnedBlockSteal').toFixed(1)} ms wall minus run delay with steal out (unpinned ${m('servedBlockSteal').toFixed(1)}), ${m('pinnedBlockCpu').toFixed(1)} ms CPU, ` +
            `${m('pinnedBlock').toFixed(1)} ms wall; ${m('pinnedAggregateCpu').toFixed(1)} ms of main-thread CPU per scrape (unpinned ${m('servedAggregateCpu').toFixed(1)}), ` +
            `${m('pinnedRatio').toFixed(2)}x one process pinned the same way. Why this run: unpinned, with 9 busy processes on ${os.cpus().length} vCPUs, ` +
            "kernel traces of the primary's main thread (perf, sched_switch with stacks, 2026-12-03) show it asleep inside turns for 2-8 ms at a time on futexes " +
            "(joining V8's scavenge job; in pthread_cond_signal handing work to V8's helper threads) while the workers held both CPUs, with 1-2 ms of CPU in " +
            'those turns (with --single-threaded-gc the longest block still read 11-14 ms). Pinned, the workers cannot hold those threads, but the ' +
            "primary's own helper threads share its one CPU: its GC work is then serial, and its longest turn is what is left of the primary's own.",
        );
      }
      notes.push(BLOCK_FIGURES);
      if (hasProm) notes.push(`@prometheus-io/client: ClusterRegistry ${(m('aggregate', 'prom-client') / m('single', 'prom-client')).toFixed(2)}x its single process (wall), ${(m('aggregateCpu', 'prom-client') / m('singleCpu', 'prom-client')).toFixed(2)}x (CPU).`);

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
