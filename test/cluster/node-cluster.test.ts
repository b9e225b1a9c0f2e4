import http from 'node:http';
import path from 'node:path';
import { ensureBuilt, freePort, promtoolCheckMetrics, startProcess, waitFor, type ManagedProcess } from '../helpers';

// A real node:cluster (a primary and two forked workers) running test/cluster/fixtures/cluster-app.js, perfkit
// created the same way in the primary and in every worker. Expected numbers are what the test asked the workers
// to do, counted by the test itself.

const FIXTURE = path.join(__dirname, 'fixtures', 'cluster-app.js');

interface App {
  proc: ManagedProcess;
  metricsPort: number;
  control(pathAndQuery: string): Promise<string>;
  scrape(): Promise<string>;
}

async function startApp(env: Record<string, string> = {}): Promise<App> {
  const core = ensureBuilt('packages/core', 'index.js');
  const metricsPort = await freePort();
  const controlPort = await freePort();
  const proc = startProcess(process.execPath, [FIXTURE], {
    env: { ...process.env, PERFKIT_AGGREGATOR: '', PERFKIT_CORE: core, METRICS_PORT: String(metricsPort), CONTROL_PORT: String(controlPort), WORKERS: '2', ...env },
  });
  await waitFor(() => proc.output().includes('READY'), 20_000).catch(() => {
    throw new Error(`cluster app did not start:\n${proc.output()}`);
  });
  const control = async (p: string) => {
    const res = await fetch(`http://127.0.0.1:${controlPort}${p}`);
    return res.text();
  };
  const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return { proc, metricsPort, control, scrape };
}

/** The value of the first sample whose line starts with `prefix` (NaN when absent). */
function sample(text: string, prefix: string): number {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

const SUCCESS = 'perfkit_operation_duration_seconds_count{operation_type="download",operation_name="fetch-weights",operation_outcome="success"}';
const FAILURE = 'perfkit_operation_duration_seconds_count{operation_type="download",operation_name="fetch-weights",operation_outcome="failure",error_type="E_REFUSED"}';
const BYTES = 'perfkit_download_bytes_total{operation_type="download",operation_name="fetch-weights"}';
const INF_BUCKET = 'perfkit_operation_duration_seconds_bucket{operation_type="download",operation_name="fetch-weights",operation_outcome="success",le="+Inf"}';

describe('node:cluster with perfkit in the primary and in every worker', () => {
  let app: App;
  afterEach(async () => {
    await app?.proc.stop();
  });

  it('serves one /metrics whose every scrape equals the true total, and counters never go down across a killed and re-forked worker', async () => {
    app = await startApp();
    let expected = 0;
    let failures = 0;
    const seen: number[] = [];
    for (let round = 0; round < 2; round++) {
      const pids = JSON.parse(await app.control('/work?n=50&fail=2')) as number[];
      expect(pids).toHaveLength(2);
      expected += 50 * 2;
      failures += 2 * 2;
      // Ten scrapes in a row: no round robin, no reset.
      for (let i = 0; i < 10; i++) {
        const text = await app.scrape();
        expect(sample(text, SUCCESS)).toBe(expected);
        expect(sample(text, INF_BUCKET)).toBe(expected);
        expect(sample(text, FAILURE)).toBe(failures);
        expect(sample(text, BYTES)).toBe(expected * 10);
        seen.push(sample(text, SUCCESS));
      }
      const killed = JSON.parse(await app.control('/kill')) as { killed: number; forked: number };
      expect(killed.forked).toBeGreaterThan(killed.killed);
      const after = await app.scrape();
      expect(sample(after, SUCCESS)).toBe(expected);
      expect(sample(after, FAILURE)).toBe(failures);
      seen.push(sample(after, SUCCESS));
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
    const text = await app.scrape();
    expect(sample(text, 'perfkit_operations_active{operation_type="download",operation_name="fetch-weights"}')).toBe(0);
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, report: '' });
    expect(app.proc.output()).toMatch(/cluster worker \d+ \(pid \d+\) was killed \(SIGKILL\): what it counted until its last report is kept/);
  });

  it('keeps the counts of a worker that crashes in the middle of a scrape, answers that scrape without waiting it out, and says so once', async () => {
    app = await startApp();
    await app.control('/work?n=30');
    expect(sample(await app.scrape(), SUCCESS)).toBe(60);
    await app.control('/arm-crash');
    const text = await app.scrape();
    expect(sample(text, SUCCESS)).toBe(60);
    // "during a collection": the worker exited while the scrape waited for its answer. That the exit ends the wait
    // (not the 1 s collect timeout) is tested with timers that stand still in packages/core/test/cluster/Aggregator.test.ts:
    // a duration measured here would depend on the machine's load.
    await waitFor(() => app.proc.output().match(/exited with code 3 during a collection: what it counted until its last report is kept/));
    expect(sample(await app.scrape(), SUCCESS)).toBe(60);
  });

  it('ignores garbage on the IPC channel with one diagnostic line per sender, and loses nothing', async () => {
    app = await startApp();
    await app.control('/work?n=20');
    await app.control('/garbage');
    await app.control('/work?n=5');
    const text = await app.scrape();
    expect(sample(text, SUCCESS)).toBe(50);
    const out = app.proc.output();
    expect(out).toMatch(/ignored a malformed perfkit message from cluster worker \d+ \("intruder"\): the report is not an object/);
    expect(out).toMatch(/ignored a malformed perfkit message from cluster worker \d+ \("intruder2"\): figures are not one block/);
    expect(out).toMatch(/ignored a malformed perfkit message from cluster worker \d+ \(no sender id\): no sender or wrong addressee/);
    expect(out.match(/\("intruder"\)/g)).toHaveLength(1); // both workers sent it: one line
    // Nothing else was said about it: no bogus worker to wait for (Aggregator.test.ts, timers standing still), no
    // complaint from the workers.
    expect(sample(await app.scrape(), SUCCESS)).toBe(50);
    expect(app.proc.output()).not.toMatch(/intruder.*(exited|has not answered|stopped)/);
    expect(out).not.toMatch(/TypeError|ReferenceError|uncaught/i);
  });

  it('pushes OTLP from the primary only; workers neither listen nor push', async () => {
    const posts: number[] = [];
    const receiver = http.createServer((req, res) => {
      let size = 0;
      req.on('data', (c: Buffer) => (size += c.length));
      req.on('end', () => {
        posts.push(size);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const port = (receiver.address() as { port: number }).port;
      app = await startApp({ OTLP_URL: `http://127.0.0.1:${port}/v1/metrics` });
      await app.control('/work?n=3');
      const status = JSON.parse(await app.control('/status')) as { primary: { otlp: boolean; metricsUrl: string }; workers: Array<{ otlp: boolean; metricsUrl: string | null }> };
      expect(status.primary.otlp).toBe(true);
      expect(status.primary.metricsUrl).toContain(`:${app.metricsPort}/metrics`);
      expect(status.workers).toEqual([
        { otlp: false, metricsUrl: null },
        { otlp: false, metricsUrl: null },
      ]);
      await waitFor(() => posts.length >= 2, 10_000, 100);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('merges a worker whose buckets differ from the primary: count and sum exact, one diagnostic line', async () => {
    app = await startApp({ WORKER_BUCKETS: '[0.5, 5]' });
    await app.control('/work?n=10');
    const text = await app.scrape();
    expect(sample(text, SUCCESS)).toBe(20);
    expect(sample(text, INF_BUCKET)).toBe(20);
    expect(app.proc.output()).toMatch(/uses other buckets for "download" than this perfkit \(\[0\.5, 5\] vs \[/);
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, report: '' });
  });
});

describe('node:cluster without perfkit in the primary (PM2 style)', () => {
  let app: App;
  afterEach(async () => {
    await app?.proc.stop();
  });

  it('has each worker serve its own counts on prometheus.port + its instance number, and prints the rule at start', async () => {
    app = await startApp({ NO_PRIMARY_PERFKIT: '1', NODE_APP_INSTANCE: '' });
    await app.control('/work?n=7');
    const own = async (offset: number) => (await fetch(`http://127.0.0.1:${app.metricsPort + offset}/metrics`)).text();
    const [a, b] = await Promise.all([own(0), own(1)]);
    expect(sample(a, SUCCESS)).toBe(7);
    expect(sample(b, SUCCESS)).toBe(7);
    // Ten scrapes of one port always reach the same worker: no round robin.
    for (let i = 0; i < 10; i++) expect(sample(await own(0), SUCCESS)).toBe(7);
    expect(app.proc.output()).toMatch(/the primary runs no perfkit, so this worker serves \/metrics on its own port \(prometheus\.port \+ 0/);
    expect(app.proc.output()).toMatch(/prometheus\.port \+ 1/);
  });
});
