import { BroadcastChannel, Worker, getEnvironmentData } from 'node:worker_threads';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { ensureBuilt } from '../../../../test/helpers/build';

// Real worker threads: each creates perfkit with the same call as the main thread (from the built package, as a
// user's worker script would) and records operations; the main thread's perfkit serves them.

const SUCCESS = 'perfkit_operation_duration_seconds_count{operation_type="download",operation_name="in-thread",operation_outcome="success"}';
const ACTIVE = 'perfkit_operations_active{operation_type="download",operation_name="in-thread"}';

function sample(text: string, prefix: string): number {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

/**
 * The first scrape after a thread recorded: a collection waits 250 ms for the threads' answers and serves a late one
 * as of its last report, so on a loaded machine the thread's counts can arrive one scrape later. Polls until they
 * are in (at most 15 s); the assertions that follow then hold on every scrape.
 */
async function scrapeIncluding(perf: Perfkit, prefix: string, expected: number): Promise<string> {
  const until = Date.now() + 15_000;
  let text = await perf.metrics();
  while (sample(text, prefix) !== expected && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    text = await perf.metrics();
  }
  return text;
}

/** Runs `body` in a worker thread after creating perfkit there; resolves with what the thread posts first. */
function inThread(body: string, prelude = ''): { worker: Worker; first: Promise<Record<string, unknown>>; exited: Promise<number> } {
  const core = ensureBuilt('packages/core', 'index.js');
  const source = `
    const { parentPort } = require('node:worker_threads');
    ${prelude}
    const { createPerfkit } = require(${JSON.stringify(core)});
    const perf = createPerfkit({ serviceName: 'threads-test', prometheus: { port: 0 }, logLevel: 'info', logger: { info: (m) => parentPort.postMessage({ log: m }), warn: (m) => parentPort.postMessage({ log: m }) } });
    const op = perf.operation('download', 'in-thread');
    ${body}
  `;
  const worker = new Worker(source, { eval: true });
  const first = new Promise<Record<string, unknown>>((resolve, reject) => {
    worker.on('message', (m: Record<string, unknown>) => {
      if (!('log' in m)) resolve(m);
    });
    worker.once('error', reject);
  });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  return { worker, first, exited };
}

describe('perfkit in worker threads', () => {
  let perf: Perfkit;
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    perf = createPerfkit({ serviceName: 'threads-test', prometheus: { port: 0 }, logLevel: 'debug', logger: { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), debug: () => undefined } });
  });
  afterEach(async () => {
    await perf.shutdown();
  });

  it('records into the main thread: one port, every scrape equals the true total, counts kept after the threads exit', async () => {
    await perf.ready();
    const threads = [1, 2, 3].map((i) =>
      inThread(`
        perf.ready().then(() => {
          for (let i = 0; i < ${i * 100}; i++) op.track((o) => o.addBytes(2));
          parentPort.postMessage({ url: perf.metricsUrl === undefined ? 'none' : perf.metricsUrl });
          parentPort.once('message', () => process.exit(0));
        });
      `),
    );
    const answers = await Promise.all(threads.map((t) => t.first));
    expect(answers.map((a) => a.url)).toEqual(['none', 'none', 'none']); // no second port
    perf.operation('download', 'in-thread').track(() => 1); // and one on the main thread
    await scrapeIncluding(perf, SUCCESS, 601);
    for (let i = 0; i < 5; i++) expect(sample(await perf.metrics(), SUCCESS)).toBe(601);
    expect(sample(await perf.metrics(), 'perfkit_download_bytes_total{operation_type="download",operation_name="in-thread"}')).toBe(1200);
    for (const t of threads) t.worker.postMessage('exit');
    await Promise.all(threads.map((t) => t.exited));
    expect(sample(await perf.metrics(), SUCCESS)).toBe(601);
    expect(perf.snapshot().series.find((s) => s.name === 'in-thread' && s.outcome === 'success')?.count).toBe(601);
  }, 90_000); // the first test may build the package for the threads

  it('sends no message per operation: 20000 operations in a thread cost a handful of messages', async () => {
    // Counted where they leave: every BroadcastChannel message the thread posts, whichever channel it uses.
    const t = inThread(
      `
      for (let i = 0; i < 20000; i++) op.track(() => i);
      parentPort.postMessage({ done: true });
      parentPort.once('message', () => parentPort.postMessage({ posted }));
    `,
      `let posted = 0;
      const { BroadcastChannel } = require('node:worker_threads');
      const post = BroadcastChannel.prototype.postMessage;
      BroadcastChannel.prototype.postMessage = function (m) { if (m && m.perfkit === 1) posted++; return post.call(this, m); };`,
    );
    await t.first;
    expect(sample(await scrapeIncluding(perf, SUCCESS, 20000), SUCCESS)).toBe(20000);
    const posted = await new Promise<number>((resolve) => t.worker.on('message', (m: { posted?: number }) => m.posted !== undefined && resolve(m.posted)).postMessage('count'));
    await t.worker.terminate();
    expect(posted).toBeGreaterThan(0);
    expect(posted).toBeLessThan(50); // a hello, a report per second and per collection: not one per operation
  });

  it('keeps the counts of a thread that exits with operations in flight, stops counting those as active, and says so once', async () => {
    const t = inThread(`
      for (let i = 0; i < 10; i++) op.track(() => i);
      const running = [op.start(), op.start()];
      parentPort.postMessage({ started: running.length });
      parentPort.once('message', () => process.exit(0));
    `);
    await t.first;
    let text = await scrapeIncluding(perf, SUCCESS, 10);
    expect(sample(text, SUCCESS)).toBe(10);
    expect(sample(text, ACTIVE)).toBe(2);
    t.worker.postMessage('exit');
    await t.exited;
    await new Promise((r) => setTimeout(r, 50));
    text = await perf.metrics();
    expect(sample(text, SUCCESS)).toBe(10);
    expect(sample(text, ACTIVE)).toBe(0);
    expect(lines.filter((l) => /worker thread \d+ stopped: .*2 operation\(s\) it was running are no longer counted as active/.test(l))).toHaveLength(1);
  });

  it('does not wait out a thread blocked in synchronous work: it is served as of its last report', async () => {
    const t = inThread(`
      for (let i = 0; i < 5; i++) op.track(() => i);
      parentPort.postMessage({ done: true });
      parentPort.once('message', (ms) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
        op.track(() => 0);
      });
    `);
    await t.first;
    expect(sample(await scrapeIncluding(perf, SUCCESS, 5), SUCCESS)).toBe(5);
    t.worker.postMessage(4000);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    expect(sample(await perf.metrics(), SUCCESS)).toBe(5);
    expect(Date.now() - t0).toBeLessThan(3000); // the thread is blocked for 4 s: the scrape did not wait for it
    await t.worker.terminate();
  });

  it("serves a thread's own gauges and counters with a worker label", async () => {
    const t = inThread(`
      perf.meter.createObservableGauge('process.memory.usage', { unit: 'By', description: 'RSS' }).addCallback((r) => r.observe(1234, { 'process.memory.type': 'rss' }));
      perf.meter.createCounter('app.jobs', { description: 'jobs' }).add(5);
      parentPort.postMessage({ done: true });
      parentPort.once('message', () => process.exit(0));
    `);
    await t.first;
    // Instruments for a worker's metrics are made at the first collection that sees them (and a late answer moves
    // that one scrape later): poll until the counter shows, then check both lines on that scrape.
    let text = await perf.metrics();
    for (const until = Date.now() + 15_000; !/^app_jobs_total\{/m.test(text) && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      text = await perf.metrics();
    }
    expect(text).toMatch(/^process_memory_usage_bytes\{process_memory_type="rss",worker="thread-\d+"\} 1234$/m);
    expect(text).toMatch(/^app_jobs_total\{worker="thread-\d+"\} 5$/m);
    t.worker.postMessage('exit');
    await t.exited;
  });

  it('takes a thread whose configuration differs (another service name, other buckets): counts exact, one line each', async () => {
    const t = inThread(`
      const other = createPerfkit({ serviceName: 'not-the-same', operationTypes: { download: { buckets: [1, 2] } }, prometheus: { port: 0 } });
      const o = other.operation('download', 'in-thread');
      for (let i = 0; i < 4; i++) o.record(1.5);
      parentPort.postMessage({ done: true });
      parentPort.once('message', () => process.exit(0));
    `);
    await t.first;
    const text = await scrapeIncluding(perf, SUCCESS, 4);
    expect(sample(text, SUCCESS)).toBe(4);
    expect(sample(text, 'perfkit_operation_duration_seconds_sum{operation_type="download",operation_name="in-thread",operation_outcome="success"}')).toBe(6);
    // 1.5 s fell in the thread's (1, 2] bucket: here it counts from the first bound >= 2.
    expect(sample(text, 'perfkit_operation_duration_seconds_bucket{operation_type="download",operation_name="in-thread",operation_outcome="success",le="1"}')).toBe(0);
    t.worker.postMessage('exit');
    await t.exited;
    expect(lines.filter((l) => l.includes('with serviceName "not-the-same"'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('uses other buckets for "download"'))).toHaveLength(1);
  });

  it('ignores hostile messages on the channel: no throw, one line per sender, totals intact', async () => {
    const t = inThread(`
      for (let i = 0; i < 3; i++) op.track(() => i);
      parentPort.postMessage({ done: true });
      parentPort.once('message', () => process.exit(0));
    `);
    await t.first;
    const channel = new BroadcastChannel(`perfkit:${process.pid}`);
    const to = String(getEnvironmentData('PERFKIT_AGGREGATOR')).split(':')[1];
    for (const junk of [
      { perfkit: 1, kind: 'report', from: 'x', to, id: 0, report: { full: true, handlesFrom: 0, handles: [['download', 'y', 0]], tables: [{ id: 0, bounds: [NaN], from: 0, rows: [], size: 0, data: '' }], scores: [], figures: '', drops: [] } },
      { perfkit: 1, kind: 'report', from: 'x', to, id: 0, report: null },
      { perfkit: 1, kind: 'hello', from: { toString: 1 }, to },
      { perfkit: 1, kind: 'hello', from: 'y'.repeat(100_000), to }, // opens no channel of its own
      'junk',
      42,
    ]) channel.postMessage(junk);
    channel.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(sample(await scrapeIncluding(perf, SUCCESS, 3), SUCCESS)).toBe(3);
    expect(lines.filter((l) => l.includes('a worker thread ("x")'))).toHaveLength(1);
    t.worker.postMessage('exit');
    await t.exited;
  });
});
