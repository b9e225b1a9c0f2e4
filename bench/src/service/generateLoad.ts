import { readFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { quantile } from './reportLoad';

/** What one round of `POST /generate` load on one variant measured. */
export interface GenerateRound {
  /** Requests answered 2xx in the round. */
  readonly requests: number;
  /** Requests per second over the round's measured duration. */
  readonly rps: number;
  /** Latency of every request (ms, fractional: autocannon's own hrtime reading per response), in order of arrival. */
  readonly latenciesMs: Float64Array;
  /** CPU time of the service process (all threads) per request, ms; undefined off Linux. */
  readonly cpuPerRequestMs: number | undefined;
  /** CPU time of the service's main thread (the one that parses, routes and answers every request) per request, ms. */
  readonly mainCpuPerRequestMs: number | undefined;
  /** 1-minute load average when the round started. */
  readonly load1: number;
}

/**
 * CPU time (ms) a process has used, all its threads, or only its main thread with `mainThread` (Linux /proc;
 * undefined elsewhere). Clock ticks of 1/100 s: rounds of seconds make that a fine enough grain.
 */
export function processCpuMs(pid: number | undefined, mainThread = false): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return undefined;
  }
}

/**
 * Drives `POST /generate` (one token) for `seconds` with `connections` keep-alive connections and records every
 * response's latency at microsecond resolution: autocannon's summary histogram keeps whole milliseconds, which
 * cannot tell 8.0 ms from 8.9 ms, so its per-response `response` event (process.hrtime, fractional ms) is kept instead.
 */
export async function driveGenerate(app: string, model: string, seconds: number, connections: number, pid?: number): Promise<GenerateRound> {
  const load1 = os.loadavg()[0]!;
  let latencies = new Float64Array(1 << 15);
  let count = 0;
  const cpuBefore = processCpuMs(pid);
  const mainBefore = processCpuMs(pid, true);
  const instance = autocannon({
    url: `${app}/generate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, prompt: 'benchmark', maxTokens: 1 }),
    connections,
    duration: seconds,
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode < 200 || statusCode >= 300) return;
    if (count === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[count++] = responseTime;
  });
  const result = await instance;
  const cpuAfter = processCpuMs(pid);
  const mainAfter = processCpuMs(pid, true);
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`autocannon: ${result.errors} errors, ${result.non2xx} non-2xx answers of ${result.requests.total}`);
  }
  const requests = result['2xx'];
  const perRequest = (before: number | undefined, after: number | undefined) => (before !== undefined && after !== undefined && requests > 0 ? (after - before) / requests : undefined);
  return {
    requests,
    rps: requests / (result.duration > 0 ? result.duration : seconds),
    latenciesMs: latencies.slice(0, count),
    cpuPerRequestMs: perRequest(cpuBefore, cpuAfter),
    mainCpuPerRequestMs: perRequest(mainBefore, mainAfter),
    load1,
  };
}

/** What a round comes to: throughput, latency mean/p50/p99 and CPU per request (sent back by the load process). */
export interface RoundSummary {
  readonly requests: number;
  readonly rps: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuPerRequestMs: number | undefined;
  readonly mainCpuPerRequestMs: number | undefined;
  readonly load1: number;
}

/** A round's summary. */
export function summarizeRound(r: GenerateRound): RoundSummary {
  const meanMs = r.latenciesMs.reduce((a, b) => a + b, 0) / Math.max(1, r.latenciesMs.length);
  return { requests: r.requests, rps: r.rps, meanMs, p50Ms: latencyQuantile(r, 0.5), p99Ms: latencyQuantile(r, 0.99), cpuPerRequestMs: r.cpuPerRequestMs, mainCpuPerRequestMs: r.mainCpuPerRequestMs, load1: r.load1 };
}

/** p-quantile (nearest rank) of a round's latencies, ms. */
export function latencyQuantile(round: GenerateRound, p: number): number {
  return quantile(Array.from(round.latenciesMs), p);
}
