/**
 * `tools/node26/node_modules/node/bin/node bench/dist/clusterTurns.js`: which event-loop turns of a node:cluster
 * primary are longest while it aggregates 8 workers x 2,000 series (the cluster suite's shape) and is scraped (env
 * SCRAPES, default 40; TOP, default 12). Each gap between two setImmediate ticks is read as wall clock minus the main
 * thread's run delay, as main-thread CPU time, and with the run delay of the primary's other threads (V8's GC helpers);
 * the timers that ran in it (the merge's `drain`, rendering slices), the workers' IPC messages that arrived in it (a
 * report's size in base64 characters) and the GCs that overlapped it (`gc1`: young generation) are listed with it.
 * Then the longest gaps without a GC, and how many full reports arrived per turn. Linux only (schedstat). NODE_ARGS:
 * flags for the primary and its workers (`--single-threaded-gc`: a GC's work is then the main thread's CPU time).
 * GAP: pause between scrapes in ms (default 30; 1000 is closer to Prometheus's cadence, see docs/scale-out.md).
 * SCRAPE=stream: each scrape streams the text to a consumer that drops it (as a response does) instead of
 * `perf.metrics()`, which keeps the whole text until it returns.
 * BYSTANDER=1: also runs a bystander, a process that only ticks setImmediate (ALLOC KB of short-lived garbage per ms,
 * default 0), read as the cluster suite judges the primary, from 8 s after the start for 15 s (give the probe that
 * long: SCRAPES=600), and prints its longest turn per 1.5 s window: what the machine alone does to a small process.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './cli';

const PROBE = `'use strict';
// Attributes the primary's longest event-loop turns during cluster scrapes (8 workers x 2000 series, as the bench).
const cluster = require('node:cluster');
const WORKERS = Number(process.env.W ?? 8), SERIES = 2000, SCRAPES = Number(process.env.SCRAPES ?? 40);
const CORE = process.env.BENCH_CORE;
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const { createPerfkit } = require(CORE);
const perf = createPerfkit({ serviceName: 'bench', prometheus: { port: 0, serve: false }, limits: { maxSeriesPerMetric: SERIES + 100 }, logLevel: 'error', operationTypes: { model_operation: { buckets: BUCKETS } } });
if (cluster.isWorker) {
  const handles = [];
  for (let i = 0; i < SERIES; i++) { const h = perf.operation('model_operation', 'op-' + i); h.record(0.001 * (i % 100)); handles.push(h); }
  setInterval(() => { for (const h of handles) h.record(0.02); }, 250).unref();
  setInterval(() => {}, 1 << 30);
  process.send({ ready: true });
  return;
}
const clocks = require(process.env.BENCH_THREAD_CPU);
const cpuNow = clocks.threadCpuClock(process.env.BENCH_ROOT).now;
const rd = clocks.runDelayClock();
const now = () => performance.now();
const fs = require('node:fs');
const selfTid = fs.readFileSync('/proc/thread-self/stat', 'latin1').split(' ')[0];
const othersDelay = () => { let sum = 0; for (const tid of fs.readdirSync('/proc/self/task')) { if (tid === selfTid) continue; try { sum += Number(fs.readFileSync(\`/proc/self/task/\${tid}/schedstat\`, 'latin1').split(' ')[1]) / 1e6; } catch {} } return sum; };
const events = []; // [kind, name, t0, t1, cpu]
let recording = false;
for (const api of ['setImmediate', 'setTimeout']) {
  const orig = global[api];
  global[api] = function (fn, ...rest) {
    if (typeof fn !== 'function') return orig.call(this, fn, ...rest);
    const name = fn.name || 'anon';
    return orig.call(this, function (...a) {
      if (!recording || name === 'tick') return fn.apply(this, a);
      const t0 = now(), c0 = cpuNow();
      try { return fn.apply(this, a); } finally { events.push(['timer', api + ':' + name, t0, now(), cpuNow() - c0]); }
    }, ...rest);
  };
}
const { PerformanceObserver } = require('node:perf_hooks');
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (recording) events.push(['gc', 'gc' + e.detail.kind, e.startTime, e.startTime + e.duration, 0]); }).observe({ entryTypes: ['gc'] });
const gaps = [];
let ready = 0;
for (let i = 0; i < WORKERS; i++) cluster.fork().on('message', (m) => {
  if (recording) { const r = m && m.report; events.push(['msg', 'msg:' + (m && m.kind) + ':' + (r ? r.tables.reduce((s, t) => s + t.counts.length + t.sums.length + t.index.length, 0) : 0), now(), now(), 0]); }
  if (m && m.ready && ++ready === WORKERS) run();
});
async function run() {
  for (let i = 0; i < 5; i++) await perf.metrics();
  let lastO = othersDelay(), last = now(), lastCpu = cpuNow(), lastW = rd.runDelayMs(), lastS = rd.sample().switches, running = true;
  const tick = () => {
    const t = now(), c = cpuNow(), s = rd.sample(), w = s.runDelayMs, sw = s.switches, o = othersDelay(); // the helpers' reading last: its cost is not in the gap
    // The last field: times the main thread was switched onto a CPU in the gap (0: it never left it, so wall beyond
    // its CPU time there was steal, the hypervisor running another guest on that virtual CPU).
    gaps.push([last, t, c - lastCpu, t - last - (w - lastW), o - lastO, sw - lastS]);
    lastO = othersDelay(); last = now(); lastCpu = cpuNow(); lastW = rd.runDelayMs(); lastS = rd.sample().switches;
    if (running) setImmediate(tick);
  };
  recording = true;
  const scrapeCpu = [], scrapeWall = [];
  for (let i = 0; i < SCRAPES; i++) {
    await new Promise((r) => setTimeout(r, Number(process.env.GAP ?? 30)));
    lastO = othersDelay(); last = now(); lastCpu = cpuNow(); lastW = rd.runDelayMs(); running = true; setImmediate(tick);
    const c0 = cpuNow(), t0 = now();
    // SCRAPE=stream: the text streamed to a consumer that lets each chunk go (as a response does), not kept whole.
    if (process.env.SCRAPE === 'stream') await perf.exposition.stream(false, () => undefined);
    else await perf.metrics();
    scrapeCpu.push(cpuNow() - c0);
    scrapeWall.push(now() - t0);
    events.push(['scrape', 'scrape', t0, now(), 0]);
    running = false; await new Promise((r) => setImmediate(r));
  }
  recording = false;
  await new Promise((r) => setTimeout(r, 100));
  gaps.sort((a, b) => b[3] - a[3]);
  const med = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
  console.log(\`scrapes \${SCRAPES}, median CPU/scrape \${med(scrapeCpu).toFixed(2)} ms, wall \${med(scrapeWall).toFixed(1)} ms; gaps \${gaps.length}; longest own (wall-rundelay) / cpu:\`);
  const summary = {};
  for (const [t0, t1, cpu, own, others, switches] of gaps.slice(0, Number(process.env.TOP ?? 12))) {
    const inside = events.filter((e) => e[2] < t1 && e[3] > t0 && e[0] !== 'scrape');
    const desc = inside.map((e) => e[0] === 'msg' ? e[1] : \`\${e[1]} \${(e[3] - e[2]).toFixed(2)}ms\${e[4] ? '/' + e[4].toFixed(2) + 'cpu' : ''}\`);
    const counts = {}; for (const d of desc) { const k = d.startsWith('msg') ? d : d; counts[k] = (counts[k] ?? 0) + 1; }
    console.log(\`own \${own.toFixed(2)} wall \${(t1 - t0).toFixed(2)} cpu \${cpu.toFixed(2)} helpersRD \${others.toFixed(1)} switches \${switches} :: \${Object.entries(counts).map(([k, n]) => n > 1 ? \`\${n}x \${k}\` : k).join(', ') || '(nothing recorded: I/O callbacks, render continuation)'}\`);
  }
  const noGc = gaps.filter(([t0, t1]) => !events.some((e) => e[0] === 'gc' && e[2] < t1 + 1 && e[3] > t0 - 1)).sort((a, b) => b[2] - a[2]);
  console.log('longest gaps (by CPU) without a GC in or within 1 ms of them:');
  for (const [t0, t1, cpu, own, others] of noGc.slice(0, 6)) {
    const inside = events.filter((e) => e[2] < t1 && e[3] > t0 && e[0] !== 'scrape');
    const counts = {}; for (const e of inside) { const d = e[0] === 'msg' ? e[1] : e[1] + (e[0] === 'timer' ? '' : ''); counts[d] = (counts[d] ?? 0) + 1; }
    console.log(\`  cpu \${cpu.toFixed(2)} own \${own.toFixed(2)} wall \${(t1 - t0).toFixed(2)} :: \${Object.entries(counts).map(([k, n]) => n > 1 ? \`\${n}x \${k}\` : k).join(', ') || '(no timer or message: render continuation / I/O)'}\`);
  }
  const msgTurns = gaps.filter(([t0, t1]) => events.filter((e) => e[0] === 'msg' && e[1].endsWith(':64008') && e[2] >= t0 && e[2] <= t1).length > 0);
  const perTurn = msgTurns.map(([t0, t1]) => events.filter((e) => e[0] === 'msg' && e[1].endsWith(':64008') && e[2] >= t0 && e[2] <= t1).length);
  console.log(\`turns with full reports: \${msgTurns.length}; reports per such turn: max \${Math.max(...perTurn)}, histogram \${JSON.stringify(perTurn.reduce((h, n) => ((h[n] = (h[n] ?? 0) + 1), h), {}))}\`);
  const over = (x) => gaps.filter((g) => g[3] > x).length;
  console.log(\`gaps over 3/4/5 ms (own): \${over(3)}/\${over(4)}/\${over(5)}; max own \${gaps[0][3].toFixed(2)} max cpu \${Math.max(...gaps.map((g) => g[2])).toFixed(2)}\`);
  process.exit(0);
}
`;

const BYSTANDER = `'use strict';
const clocks = require(process.env.BENCH_THREAD_CPU);
const cpuNow = clocks.threadCpuClock(process.env.BENCH_ROOT).now;
const rd = clocks.runDelayClock();
const ALLOC = Number(process.env.ALLOC ?? 0), DELAY = 8000, DUR = 15000, WIN = 1500;
const now = () => performance.now();
const windows = [];
let n = 0, over5 = 0, windowMax = 0, windowStart = 0, last = 0, lastCpu = 0, lastRd = 0, lastSw = 0, owed = 0, keep = null, t0 = 0;
function tick() {
  const t = now(), c = cpuNow(), s = rd.sample();
  const own = t - last - (s.runDelayMs - lastRd);
  const judged = s.switches === lastSw ? c - lastCpu : own;
  if (t - windowStart > WIN) { windows.push(windowMax); windowMax = 0; windowStart = t; }
  if (judged > windowMax) windowMax = judged;
  n++;
  if (judged > 5) over5++;
  if (ALLOC > 0) for (owed += (t - last) * ALLOC; owed >= 1; owed -= 1 / 8) keep = { a: owed, b: [owed, 2, 3, 4, 5, 6, 7, 8], c: 'x' + owed, d: keep && keep.a };
  last = now(); lastCpu = cpuNow(); const s2 = rd.sample(); lastRd = s2.runDelayMs; lastSw = s2.switches;
  if (t - t0 < DUR) setImmediate(tick);
  else {
    const w = [...windows].sort((a, b) => a - b);
    console.log(\`bystander (ALLOC=\${ALLOC} KB/ms, \${n} turns in \${DUR / 1000} s): turns over 5 ms \${over5}; longest turn per \${WIN / 1000} s window, sorted: \${w.map((v) => v.toFixed(1)).join(' ')}; median \${w[w.length >> 1].toFixed(2)} ms\`);
  }
}
setTimeout(() => { t0 = windowStart = last = now(); lastCpu = cpuNow(); const s = rd.sample(); lastRd = s.runDelayMs; lastSw = s.switches; setImmediate(tick); }, DELAY);
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-cluster-turns-'));
const script = path.join(dir, 'turns.js');
fs.writeFileSync(script, PROBE);
const env = {
  ...process.env,
  PERFKIT_AGGREGATOR: '',
  BENCH_CORE: path.join(ROOT, 'packages', 'core', 'dist', 'index.js'),
  BENCH_THREAD_CPU: path.join(__dirname, 'suites', 'threadCpu.js'),
  BENCH_ROOT: ROOT,
};
process.stdout.write(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores\n`);
// NODE_ARGS: flags for the primary and its workers, e.g. `--single-threaded-gc` (GC work then shows as main-thread CPU).
const nodeArgs = (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean);
const bystander = process.env.BYSTANDER === '1' ? startBystander(dir, env) : undefined;
const run = spawnSync(process.execPath, [...nodeArgs, script], { env, stdio: 'inherit', timeout: 300_000 });
void (async () => {
  if (bystander) process.stdout.write(await bystander);
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  process.exitCode = run.status ?? 1;
})();

/**
 * The bystander: its gaps between setImmediate ticks read as the cluster suite reads the primary's (wall minus run
 * delay, CPU time where the thread never left its CPU), with clocks that allocate nothing. Resolves with its report.
 */
function startBystander(where: string, childEnv: NodeJS.ProcessEnv): Promise<string> {
  const file = path.join(where, 'bystander.js');
  fs.writeFileSync(file, BYSTANDER);
  const child = spawn(process.execPath, [file], { env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.on('exit', () => resolve(out)));
}

