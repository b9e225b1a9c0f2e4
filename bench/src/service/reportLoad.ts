import { spawn } from 'node:child_process';
import autocannon from 'autocannon';

/** The series the example is seeded with for the report figures: the core's default cap per metric. */
export const REPORT_SERIES = 2000;
/** Clients pulling 31-day reports at once. */
export const REPORT_CLIENTS = 10;

const REPORT_PATH = '/api/v1/performance/report?window=31d';

/** Milliseconds one request takes from this process, or NaN when it fails. */
async function timed(url: string): Promise<number> {
  const start = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.ok ? performance.now() - start : NaN;
  } catch {
    return NaN;
  }
}

// Probes URL every 20 ms until its stdin ends, then prints the latencies (ms, null for a failure) as JSON. The first
// request (the process's first fetch loads undici and connects) is not counted; "ready" goes to stderr after it.
const PROBE_SOURCE = `
let running = true;
const ms = [];
process.stdin.on('data', () => {}).on('end', () => (running = false));
async function timed() {
  const start = performance.now();
  try {
    const res = await fetch(process.argv[1], { signal: AbortSignal.timeout(10000) });
    await res.arrayBuffer();
    return res.ok ? performance.now() - start : null;
  } catch {
    return null;
  }
}
(async () => {
  await timed();
  process.stderr.write('ready\\n');
  while (running) {
    ms.push(await timed());
    await new Promise((r) => setTimeout(r, 20));
  }
  process.stdout.write(JSON.stringify(ms), () => process.exit(0));
})();
`;

/**
 * Probes `/health` from a child process until `stop()`: the load generator's own event loop (ten clients reading half a
 * megabyte each per report) would otherwise delay the probe's answers and count as the service's latency.
 */
async function healthProbe(app: string): Promise<{ stop(): Promise<number[]> }> {
  const child = spawn(process.execPath, ['-e', PROBE_SOURCE, `${app}/health`], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await new Promise<void>((resolve) => {
    child.stderr!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    void exited.then(() => resolve());
  });
  return {
    async stop() {
      child.stdin!.end();
      await exited;
      return (JSON.parse(out || '[]') as Array<number | null>).map((v) => v ?? NaN);
    },
  };
}

/** The p-quantile of the values (nearest rank). */
export function quantile(values: readonly number[], p: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** What {@link healthUnderReports} measured. */
export interface ReportLoadResult {
  /** Latencies of a 31-day report with nobody else asking (≈ its main-thread time plus loopback). */
  readonly reportAloneMs: number[];
  /** Latencies of `/health`, probed every 20 ms from a child process while the clients pull reports. */
  readonly healthMs: number[];
  /** Latencies of `/health`, probed the same way just before, with nobody pulling reports (what the machine allows). */
  readonly healthIdleMs: number[];
  /** Reports answered 200 and refused with 429 during the load. */
  readonly reportsServed: number;
  readonly reportsRefused: number;
}

/**
 * `/health` latency while {@link REPORT_CLIENTS} clients pull 31-day reports as fast as they are answered (the
 * dashboard's concurrency limit refuses the excess with 429 + Retry-After), `/health` alone just before, and the
 * report's own latency alone.
 */
export async function healthUnderReports(app: string, seconds: number): Promise<ReportLoadResult> {
  const reportAloneMs: number[] = [];
  for (let i = 0; i < 12; i++) reportAloneMs.push(await timed(app + REPORT_PATH));
  const idle = await healthProbe(app);
  await new Promise((r) => setTimeout(r, Math.min(3, seconds) * 1000));
  const healthIdleMs = await idle.stop();
  const loaded = await healthProbe(app);
  const load = await autocannon({ url: app + REPORT_PATH, connections: REPORT_CLIENTS, duration: seconds });
  const healthMs = await loaded.stop();
  return { reportAloneMs: reportAloneMs.slice(2), healthMs, healthIdleMs, reportsServed: load['2xx'], reportsRefused: load.non2xx };
}
