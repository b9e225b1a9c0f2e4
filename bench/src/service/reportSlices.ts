import http from 'node:http';
import path from 'node:path';
import { createPerfkit, type PerfkitPlugin } from '@perfkit/core';
import { threadCpuClock } from '../suites/threadCpu';
import { REPORT_SERIES } from './reportLoad';

/** The part of `@perfkit/dashboard` measured here (loaded from the built package by path, as the example is run). */
interface DashboardModule {
  dashboardPlugin(options: Record<string, unknown>): PerfkitPlugin & { handler(req: http.IncomingMessage, res: http.ServerResponse): boolean; ready(): Promise<void> };
}

/** What {@link reportSlices} measured, one value per report. */
export interface ReportSlicesResult {
  /** The longest stretch of main-thread CPU time between two event-loop turns while the report was computed and written (ms). */
  readonly longestSliceCpuMs: number[];
  /** The same stretch in CPU time of the whole process (ms): the main thread plus GC helper threads working meanwhile. */
  readonly longestSliceProcessCpuMs: number[];
  /** CPU time of the whole report, computation and JSON (ms; the whole process). */
  readonly totalCpuMs: number[];
  /** Event-loop turns the report let run. */
  readonly turns: number[];
  readonly bytes: number;
  /** What {@link longestSliceCpuMs} reads (main-thread CPU, or the process's where koffi is missing). */
  readonly clock: string;
}

const cpuMs = (since?: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/** One GET through the dashboard's handler, with a request and response that need no socket (no client cost counted). */
function get(handler: (req: http.IncomingMessage, res: http.ServerResponse) => boolean, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    let status = 0;
    const res = {
      destroyed: false,
      headersSent: false,
      writeHead(s: number) {
        status = s;
        return res;
      },
      end(body?: string) {
        resolve({ status, body: String(body ?? '') });
      },
    } as unknown as http.ServerResponse;
    const req = Object.assign(new http.IncomingMessage(null as never), { url, method: 'GET', headers: { host: '127.0.0.1' } });
    Object.defineProperty(req, 'socket', { value: { localAddress: '127.0.0.1' } });
    if (!handler(req, res)) resolve({ status: 404, body: '' });
  });
}

/**
 * The dashboard in this process at the series cap ({@link REPORT_SERIES} names, seeded as the example's
 * `--seed-series` does), and `reports` 31-day reports through its handler one after the other. A ticker that re-arms
 * itself with setImmediate runs once per event-loop turn and reads the main thread's CPU time and the process's: the
 * most main-thread CPU between two ticks is the longest the report held the event loop, whatever the machine's load;
 * the process's reading adds what GC helper threads did meanwhile (an earlier version reported that one as the
 * main thread's: 16.1 ms median in the last full bench, where in-process runs of the same code read 3-6 ms median for
 * the main thread).
 */
export async function reportSlices(root: string, reports: number): Promise<ReportSlicesResult> {
  const { dashboardPlugin } = require(path.join(root, 'packages', 'dashboard')) as DashboardModule;
  const perf = createPerfkit({ serviceName: 'bench-report', prometheus: { serve: false }, logLevel: 'none' });
  try {
    const dashboard = perf.use(dashboardPlugin({ validateResponses: false, cacheTtlMs: 0 }));
    await dashboard.ready();
    const types = ['download', 'health_check', 'fallback', 'model_operation', 'analytics_collection'];
    for (let i = 0; i < REPORT_SERIES; i++) {
      perf.operation(types[i % types.length]!, `seed-${i}`).record(0.001 * (1 + (i % 500)), i % 10 === 0 ? { outcome: 'failure', errorType: 'SEEDED' } : undefined);
    }
    const clock = threadCpuClock(root);
    const result = { longestSliceCpuMs: [] as number[], longestSliceProcessCpuMs: [] as number[], totalCpuMs: [] as number[], turns: [] as number[], bytes: 0, clock: clock.what };
    for (let i = 0; i < reports + 2; i++) {
      let isRunning = true;
      let longest = 0;
      let longestProcess = 0;
      let turns = 0;
      let last = clock.now();
      let lastProcess = process.cpuUsage();
      const tick = () => {
        const now = clock.now();
        longest = Math.max(longest, now - last);
        longestProcess = Math.max(longestProcess, cpuMs(lastProcess));
        last = now;
        lastProcess = process.cpuUsage();
        turns++;
        if (isRunning) setImmediate(tick);
      };
      const start = process.cpuUsage();
      setImmediate(tick);
      const answer = await get(dashboard.handler, '/api/v1/performance/report?window=31d');
      isRunning = false;
      // The turn that wrote the answer ends here, not at a tick.
      longest = Math.max(longest, clock.now() - last);
      longestProcess = Math.max(longestProcess, cpuMs(lastProcess));
      const total = cpuMs(start);
      if (answer.status !== 200) throw new Error(`GET /report answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      if (i < 2) continue; // warm-up: the first reports compile the code
      result.longestSliceCpuMs.push(longest);
      result.longestSliceProcessCpuMs.push(longestProcess);
      result.totalCpuMs.push(total);
      result.turns.push(turns);
      result.bytes = Buffer.byteLength(answer.body);
    }
    return result;
  } finally {
    await perf.shutdown();
  }
}
