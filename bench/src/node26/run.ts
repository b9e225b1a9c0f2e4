/**
 * The 2026 generation of peers, on Node 26 (`npm run bench:node26`): @prometheus-io/client 0.16 (prom-client's
 * successor, Node >= 22) and OpenTelemetry SDK 3.1 (Node >= 22.15), against perfkit in the same process, in the
 * record, scrape and memory suites. Writes bench/results/node26.json and docs/benchmarks-node26.md, which
 * docs/benchmarks.md links; checks the targets (ratios, never absolute times): bound track() at least 8x cheaper
 * than @prometheus-io/client's bound children and 12x cheaper than SDK 3's record with two attributes, and a
 * 10,000-series scrape 20x cheaper in main-thread CPU than @prometheus-io/client's `registry.metrics()`.
 * `perfkitVsPrometheusIoScrape(10_000)` is the "perfkit 10,000-series scrape vs registry.metrics()" figure others reuse.
 */
import { execFileSync } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runRounds, sink, type Contender } from '../measure';
import type { PeerName } from '../results';
import { summarize } from '../stats';
import { withNode26Section } from './section';
import { floorRecord, wrapperFloorRecord } from '../peers/FloorPeer';
import { otel3Record, otel3Scrape } from '../peers/Otel3Peer';
import { perfkitRecord, perfkitScrape } from '../peers/PerfkitPeer';
import { prometheusIoChildRecord, prometheusIoRecord, prometheusIoScrape } from '../peers/PrometheusIoPeer';
import { countOperationSeries, operationNames, type RecordSubject, type ScrapeSubject } from '../peers/work';
import { HttpScraper } from '../suites/httpScraper';
import { maxEventLoopBlock } from '../suites/scrapeSuite';
import { runDelayClock } from '../suites/threadCpu';

const ROOT = path.resolve(__dirname, '..', '..', '..');
type Peer = 'perfkit' | 'prometheus-io-child' | 'prometheus-io' | 'otel3' | 'floor' | 'floor-wrapper';
const RECORD: ReadonlyArray<readonly [Peer, () => RecordSubject]> = [
  ['perfkit', perfkitRecord],
  ['prometheus-io-child', prometheusIoChildRecord],
  ['prometheus-io', prometheusIoRecord],
  ['otel3', otel3Record],
  ['floor', floorRecord],
  ['floor-wrapper', wrapperFloorRecord],
];
const SCRAPE: ReadonlyArray<readonly [Peer, () => ScrapeSubject]> = [
  ['perfkit', perfkitScrape],
  ['prometheus-io', prometheusIoScrape],
  ['otel3', otel3Scrape],
];
/** `atLeast` is the ratio peer ÷ perfkit; for the floors it is at most 1 (perfkit within 1/atLeast of the floor). */
const TARGETS = [
  { figure: 'record.track.sync', peer: 'floor' as Peer, atLeast: 1 / 1.1, what: 'bound sync track() (issue 12: within 1.1x of the floor)' },
  { figure: 'record.track.async', peer: 'floor' as Peer, atLeast: 1 / 1.25, what: 'bound async track() (issue 12: within 1.25x of the floor)' },
  { figure: 'record.track.sync', peer: 'prometheus-io-child' as Peer, atLeast: 8, what: 'bound track() is' },
  { figure: 'record.track.sync', peer: 'otel3' as Peer, atLeast: 12, what: 'bound track() is' },
  { figure: 'scrape.cpu', peer: 'prometheus-io' as Peer, atLeast: 20, what: "a 10,000-series scrape is (main-thread CPU, vs registry.metrics())" },
];

interface Row {
  id: string;
  label: string;
  unit: string;
  medians: Partial<Record<Peer, number>>;
  ratios: Partial<Record<Peer, number>>;
}

const LOAD_AT_START = os.loadavg()[0]!;
const progress = (line: string): void => void process.stderr.write(`${line}\n`);
const quick = process.argv.includes('--quick');
const rounds = quick ? 2 : 5;

function row(id: string, label: string, unit: string, values: Partial<Record<Peer, number[]>>): Row {
  const medians: Partial<Record<Peer, number>> = {};
  const ratios: Partial<Record<Peer, number>> = {};
  for (const [peer, v] of Object.entries(values) as Array<[Peer, number[]]>) medians[peer] = summarize(v).median;
  const mine = values.perfkit!;
  for (const [peer, v] of Object.entries(values) as Array<[Peer, number[]]>) {
    if (peer !== 'perfkit') ratios[peer] = summarize(v.map((x, i) => x / mine[i]!)).median;
  }
  return { id, label, unit, medians, ratios };
}

async function recordRows(): Promise<Row[]> {
  const subjects = RECORD.map(([peer, make]) => [peer, make()] as const);
  const cases = [
    { id: 'record.track.sync', label: 'track(fn) sync, bound', pick: (s: RecordSubject) => (n: number) => s.syncTrack(n), batch: 1000 },
    { id: 'record.startEnd', label: 'start() / end(), bound', pick: (s: RecordSubject) => (n: number) => s.startEnd(n), batch: 1000 },
    { id: 'record.track.async', label: 'track(async fn), bound', pick: (s: RecordSubject) => (n: number) => s.asyncTrack(n), batch: 200 },
  ];
  const rows: Row[] = [];
  try {
    for (const c of cases) {
      const contenders: Contender[] = subjects.map(([peer, s]) => {
        const fn = c.pick(s);
        return { peer: peer as PeerName, ops: c.batch, fn: () => sinkInto(fn(c.batch)) };
      });
      const values = await runRounds(contenders, { rounds, timeMs: quick ? 150 : 400, label: c.id, progress });
      rows.push(row(c.id, c.label, 'ns/op', values as Partial<Record<Peer, number[]>>));
    }
  } finally {
    for (const [, s] of subjects) await s.shutdown();
  }
  return rows;
}

/** Scrape of `count` operation series (a duration histogram and an active gauge each), ms per scrape, per peer. */
export async function perfkitVsPrometheusIoScrape(count: number, peers: readonly Peer[] = ['perfkit', 'prometheus-io']): Promise<Row> {
  const names = operationNames(count);
  const subjects = SCRAPE.filter(([p]) => peers.includes(p)).map(([peer, make]) => {
    const s = make();
    s.populate(names);
    return [peer, s] as const;
  });
  try {
    for (const [peer, s] of subjects) {
      const n = countOperationSeries(await s.scrape());
      if (n !== count) throw new Error(`scrape: ${peer} wrote ${n} operation series, expected ${count}`);
    }
    const contenders: Contender[] = subjects.map(([peer, s]) => ({ peer: peer as PeerName, ops: 1, fn: () => s.scrape() }));
    const values = await runRounds(contenders, { rounds, timeMs: quick ? 300 : 1000, minIterations: 3, warmupFirstRoundOnly: true, label: `scrape.${count}`, progress });
    const nsToMs = Object.fromEntries(Object.entries(values).map(([p, v]) => [p, v!.map((x) => x / 1e6)]));
    return row(`scrape.${count}`, `scrape of ${count.toLocaleString('en-US')} operation series`, 'ms', nsToMs as Partial<Record<Peer, number[]>>);
  } finally {
    for (const [, s] of subjects) await s.shutdown();
  }
}

/** Main-thread CPU time (ms; `process.threadCpuUsage`, Node >= 23.9). */
function threadCpuMs(): number {
  const u = (process as unknown as { threadCpuUsage(): { user: number; system: number } }).threadCpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU time of the whole process, every thread (ms). */
function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Main-thread CPU per scrape of `count` series (`process.threadCpuUsage`, Node >= 23.9), perfkit's sliced scrape
 * against `registry.metrics()`: steady state (blocks of back-to-back scrapes, GC included, no forced GC between them),
 * blocks interleaved. Unlike the wall-clock row, a loaded machine does not stretch it: a sliced scrape's wall time
 * includes the turns it leaves to other work, and on a busy machine, time other processes ran. The second row is the
 * whole process's CPU in the same blocks (`process.cpuUsage`): it adds what V8's GC helper threads did, which the
 * main thread's figure leaves out (a kept scrape as a tree of small strings read half the main-thread CPU of one
 * decoded from bytes, and as much or more process CPU: its young-generation GCs ran largely on the helpers).
 */
export async function scrapeCpuRows(count: number): Promise<Row[]> {
  const names = operationNames(count);
  const subjects = SCRAPE.filter(([p]) => p === 'perfkit' || p === 'prometheus-io').map(([peer, make]) => [peer, make()] as const);
  const thread: Partial<Record<Peer, number[]>> = {};
  const whole: Partial<Record<Peer, number[]>> = {};
  try {
    for (const [, s] of subjects) s.populate(names);
    const perBlock = quick ? 3 : 10;
    for (let block = 0; block < rounds; block++) {
      for (const [peer, s] of subjects) {
        for (let i = 0; i < 2; i++) await s.scrape();
        const t0 = threadCpuMs();
        const p0 = processCpuMs();
        for (let i = 0; i < perBlock; i++) await s.scrape();
        (thread[peer] ??= []).push((threadCpuMs() - t0) / perBlock);
        (whole[peer] ??= []).push((processCpuMs() - p0) / perBlock);
      }
    }
    const label = `scrape of ${count.toLocaleString('en-US')} operation series`;
    return [row('scrape.cpu', `${label}, main-thread CPU`, 'ms', thread), row('scrape.processCpu', `${label}, process CPU (all threads)`, 'ms', whole)];
  } finally {
    for (const [, s] of subjects) await s.shutdown();
  }
}

/**
 * The same 10,000-series scrape served over HTTP, as Prometheus makes it (uncompressed here: the peer has no gzip of
 * its own), the scraper in a child process: perfkit's `metricsHandler` streams bytes from pooled chunks, the peer's
 * handler is what its README shows (`res.end(await registry.metrics())`, the string then encoded for the socket). CPU of
 * the serving process per scrape (process and main thread), blocks of back-to-back scrapes interleaved. Not a target:
 * issue 12's ratio is judged on `registry.metrics()` alone ({@link scrapeCpuRows}); this row shows what a scrape costs
 * each side end to end, where perfkit keeps no text and the peer encodes its string once more.
 */
export async function servedCpuRows(count: number): Promise<Row[]> {
  const names = operationNames(count);
  const pk = perfkitScrape();
  const peer = prometheusIoScrape();
  const handlers: ReadonlyArray<readonly [Peer, (req: IncomingMessage, res: ServerResponse) => void]> = [
    ['perfkit', pk.perf.metricsHandler],
    [
      'prometheus-io',
      (_req, res) =>
        void peer.scrape().then((text) => {
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          res.end(text);
        }),
    ],
  ];
  const scrapers: Array<readonly [Peer, HttpScraper]> = [];
  const thread: Partial<Record<Peer, number[]>> = {};
  const whole: Partial<Record<Peer, number[]>> = {};
  try {
    pk.populate(names);
    peer.populate(names);
    for (const [name, handler] of handlers) scrapers.push([name, await HttpScraper.start(handler, { encoding: 'identity' })]);
    for (const [name, scraper] of scrapers) {
      const bytes = await scraper.scrape();
      if (bytes < count * 1000) throw new Error(`served scrape: ${name} sent ${bytes} bytes for ${count} series`);
    }
    for (let block = 0; block < rounds; block++) {
      for (const [name, scraper] of scrapers) {
        const perBlock = name === 'perfkit' ? (quick ? 3 : 10) : quick ? 1 : 3;
        await scraper.scrape();
        const t0 = threadCpuMs();
        const p0 = processCpuMs();
        for (let i = 0; i < perBlock; i++) await scraper.scrape();
        (thread[name] ??= []).push((threadCpuMs() - t0) / perBlock);
        (whole[name] ??= []).push((processCpuMs() - p0) / perBlock);
      }
    }
  } finally {
    for (const [, scraper] of scrapers) await scraper.close();
    await pk.shutdown();
    await peer.shutdown();
  }
  const label = `${count.toLocaleString('en-US')}-series scrape served over HTTP (uncompressed; peer: res.end(await registry.metrics()))`;
  return [row('served.processCpu', `${label}, serving process CPU`, 'ms', whole), row('served.cpu', `${label}, main-thread CPU`, 'ms', thread)];
}

/**
 * The longest event-loop turn of a kept scrape (`perf.metrics()`) of `count` series when the young generation holds
 * the application's garbage, as a service's does: 20,000 short-lived objects before each scrape, no forced GC. Read
 * as wall clock minus run delay between two setImmediate ticks (wall clock where there is no schedstat), median over
 * the scrapes' longest turns. Kept text built as trees of small strings read 18-26 ms here at 10,000 series on Node 26
 * (a young GC inside the scrape copied the tree); decoded from bytes in large chunks, 1.1-1.8 ms (2026-12-02).
 */
export async function keptBlockRow(count: number): Promise<Row> {
  const subject = perfkitScrape();
  subject.populate(operationNames(count));
  const delay = runDelayClock();
  const longest: number[] = [];
  try {
    for (let i = 0; i < 3; i++) await subject.scrape();
    for (let r = 0; r < (quick ? 4 : 12); r++) {
      const garbage: Array<{ a: number; b: string }> = [];
      for (let i = 0; i < 20_000; i++) garbage.push({ a: i, b: `x${i}` });
      sink.value += garbage.length;
      garbage.length = 0;
      const block = await maxEventLoopBlock(() => subject.scrape(), 1, { sched: delay?.sample });
      longest.push(delay ? block.selfMs : block.wallMs);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await subject.shutdown();
  }
  const how = delay ? 'wall minus run delay' : 'wall clock';
  return row('scrape.keptBlock', `longest turn of a kept ${count.toLocaleString('en-US')}-series scrape (perf.metrics()) after 20,000 objects of the application's, ${how}`, 'ms', { perfkit: longest });
}

/** Bytes per operation series, each peer in a fresh Node 26 process with --expose-gc (this file, `--memory <peer>`). */
function memoryRow(count: number): Row {
  const values: Partial<Record<Peer, number[]>> = {};
  for (let r = 0; r < Math.min(rounds, 3); r++) {
    for (const [peer] of SCRAPE) {
      const out = execFileSync(process.execPath, ['--expose-gc', __filename, '--memory', peer, String(count)], { encoding: 'utf8' });
      (values[peer] ??= []).push(Number(JSON.parse(out).bytesPerSeries));
    }
  }
  return row('memory.bytesPerSeries', `bytes per operation series (${count.toLocaleString('en-US')} series)`, 'bytes', values);
}

async function measureMemory(peer: Peer, count: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const used = () => {
    for (let i = 0; i < 4; i++) gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const subject = SCRAPE.find(([p]) => p === peer)![1]();
  const names = operationNames(1000 + count);
  subject.populate(names.slice(0, 1000));
  const before = used();
  subject.populate(names.slice(1000));
  const after = used();
  await subject.shutdown();
  process.stdout.write(JSON.stringify({ bytesPerSeries: (after - before) / count }) + '\n');
}

function sinkInto(value: unknown): unknown {
  if (value instanceof Promise) return value.then((v: number) => void (sink.value += v));
  sink.value += value as number;
  return undefined;
}

const fmt = (v: number | undefined, unit: string) =>
  v === undefined ? '' : unit === 'ms' ? v.toFixed(v < 10 ? 2 : 1) : unit === 'bytes' ? Math.round(v).toLocaleString('en-US') : v.toFixed(v < 100 ? 1 : 0);

function markdown(rows: Row[], checks: string[]): string {
  const peers: Peer[] = ['perfkit', 'prometheus-io-child', 'prometheus-io', 'otel3', 'floor', 'floor-wrapper'];
  const lines = [
    '# Benchmarks: the 2026 peers on Node 26',
    '',
    `Written by \`npm run bench:node26\` (bench/src/node26/run.ts) on Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}, ` +
      `${os.cpus().length} cores, load average ${LOAD_AT_START.toFixed(1)} at the start (absolute times scale with the load; the ratios are what to read). ` +
      'Peers: `@prometheus-io/client` 0.16 (prom-client\'s successor; `-child` = children bound once with `labels()`) and ' +
      'OpenTelemetry SDK 3.1 (`otel3`: `histogram.record()` + `counter.add()` with two attributes; scrape: `collect()` + ' +
      'exporter-prometheus 0.301\'s serializer); `floor`: two clock reads and one increment, awaiting async work inline; ' +
      '`floor-wrapper`: the same behind the smallest `track(fn)`-style wrapper (`fn().then(ok, err)`), all in one process, rounds interleaved. Cells: median; ratio = peer / perfkit in the same round.',
    '',
    `| figure | ${peers.join(' | ')} |`,
    `|---|${peers.map(() => '---:').join('|')}|`,
  ];
  for (const r of rows) {
    const cells = peers.map((p) => (r.medians[p] === undefined ? '' : `${fmt(r.medians[p], r.unit)} ${r.unit}${p === 'perfkit' ? '' : ` (${r.ratios[p]!.toFixed(r.ratios[p]! < 10 ? 2 : 1)}x)`}`));
    lines.push(`| ${r.label} | ${cells.join(' | ')} |`);
  }
  lines.push('', '## Targets', '', ...checks.map((c) => `- ${c}`), '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const memoryAt = process.argv.indexOf('--memory');
  if (memoryAt >= 0) return measureMemory(process.argv[memoryAt + 1] as Peer, Number(process.argv[memoryAt + 2]));
  if (Number(process.versions.node.split('.')[0]) < 22) throw new Error(`run on Node >= 22 (tools/node26), not ${process.version}`);
  progress(`perfkit bench, 2026 peers: node ${process.version}${quick ? ' (quick)' : ''}`);
  const rows = [
    ...(await recordRows()),
    await perfkitVsPrometheusIoScrape(quick ? 2000 : 10_000, ['perfkit', 'prometheus-io', 'otel3']),
    ...(await scrapeCpuRows(quick ? 2000 : 10_000)),
    ...(await servedCpuRows(quick ? 2000 : 10_000)),
    await keptBlockRow(quick ? 2000 : 10_000),
    memoryRow(quick ? 2000 : 10_000),
  ];
  const checks = TARGETS.map((t) => {
    const ratio = rows.find((r) => r.id === t.figure)!.ratios[t.peer]!;
    const verdict = ratio >= t.atLeast ? 'met' : 'MISSED';
    if (t.atLeast < 1) return `${verdict}: ${t.what} costs ${(1 / ratio).toFixed(2)}x the ${t.peer} (target <= ${(1 / t.atLeast).toFixed(2)}x)`;
    return `${verdict}: ${t.what} ${ratio.toFixed(1)}x cheaper than ${t.peer} (target >= ${t.atLeast}x)`;
  });
  const doc = markdown(rows, checks);
  process.stdout.write(doc + '\n');
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'node26.json'), JSON.stringify({ node: process.versions.node, rows, checks }, null, 2) + '\n');
  if (!quick) {
    const docs = path.join(ROOT, 'docs');
    writeFileSync(path.join(docs, 'benchmarks-node26.md'), doc);
    const page = path.join(docs, 'benchmarks.md');
    if (existsSync(page)) writeFileSync(page, withNode26Section(readFileSync(page, 'utf8'), docs));
  }
  if (checks.some((c) => c.startsWith('MISSED'))) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench:node26 failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
