import autocannon from 'autocannon';
import type { Figure, PeerName } from '../results';
import { makeFigure } from '../stats';
import { exampleMain, startExample, type ExampleProcess } from '../service/ExampleProcess';
import { healthUnderReports, quantile, REPORT_CLIENTS, REPORT_SERIES } from '../service/reportLoad';
import type { Suite } from './suite';

/** The switch asked of the example to run the same service without perfkit. */
export const NO_PERFKIT_FLAG = '--no-perfkit';
/**
 * Where the example's time goes with everything on (CPU profile of the example under this suite's load, node
 * --cpu-prof, 8 s, 2-core machine shared with other jobs; reproduce with the suite and --cpu-prof on the example).
 */
export const PROFILE_SUMMARY =
  'Profile (example with everything on, 8 s of POST /generate): the guard hand-off to the generate workers (postMessage) and ' +
  'socket writes dominate, in both variants; perfkit-only work in steady state is under 2 % of samples (host sampling ' +
  'statfs, SLA evaluation every 15 s, dashboard snapshot every 60 s, request guards); CPU per request was 0.70 samples ' +
  'with perfkit and 0.79 without, so on a loaded machine the throughput gap is scheduling contention (extra threads), ' +
  'not per-request cost. Dashboard: /report over 2,000 series is computed in 8 ms slices that yield, heavy routes run ' +
  'one per event-loop turn, at most 4 at once (429 + Retry-After beyond).';

/** The model to drive: the smallest of the example's catalog (fewest billions of parameters, so the fastest). */
async function pickModel(example: ExampleProcess): Promise<string> {
  const res = await fetch(`${example.ready.app}/models`, { signal: AbortSignal.timeout(10_000) });
  const models = (await res.json()) as Array<{ name?: unknown; paramsB?: unknown }>;
  const named = Array.isArray(models) ? models.filter((m) => typeof m?.name === 'string') : [];
  if (named.length === 0) throw new Error(`GET /models answered no models: ${JSON.stringify(models).slice(0, 200)}`);
  named.sort((a, b) => Number(a.paramsB ?? Infinity) - Number(b.paramsB ?? Infinity));
  return named[0]!.name as string;
}

const QUIET_ENV = {
  PERFKIT_EXAMPLE_DOWNLOAD_FAILURE_RATE: '0',
  PERFKIT_EXAMPLE_GENERATE_FAILURE_RATE: '0',
  PERFKIT_EXAMPLE_HEALTH_CORRUPTION_RATE: '0',
  PERFKIT_EXAMPLE_GENERATE_DELAY_MS: '0',
  PERFKIT_LOG_LEVEL: 'error',
};

async function prepare(example: ExampleProcess, model: string): Promise<void> {
  const res = await fetch(`${example.ready.app}/models/${encodeURIComponent(model)}/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`POST /models/${model}/load answered ${res.status}: ${await res.text()}`);
}

async function drive(example: ExampleProcess, model: string, seconds: number, connections: number) {
  const result = await autocannon({
    url: `${example.ready.app}/generate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, prompt: 'benchmark', maxTokens: 1 }),
    connections,
    duration: seconds,
  });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`autocannon: ${result.errors} errors, ${result.non2xx} non-2xx answers of ${result.requests.total}`);
  }
  return result;
}

/**
 * The example service with and without perfkit, driven by autocannon on loopback for a bounded time:
 * throughput and mean/p99 latency of `POST /generate` (smallest model, one token).
 */
export const serviceSuite: Suite = {
  name: 'service',
  title: 'Service under load (example service, autocannon on loopback)',
  async run({ profile, progress, root }) {
    const main = exampleMain(root);
    if (!main) return { figures: [], notes: [], skipped: 'examples/model-service is not built (examples/model-service/dist/main.js missing)' };
    const variants: Array<[PeerName, string[]]> = [['perfkit', []], ['without-perfkit', [NO_PERFKIT_FLAG]]];
    const started: Array<[PeerName, ExampleProcess]> = [];
    const notes: string[] = [];
    let model = '';
    try {
      for (const [peer, args] of variants) {
        try {
          progress(`  service: starting the example (${peer})`);
          const example = await startExample(main, args, QUIET_ENV);
          started.push([peer, example]);
          model ||= await pickModel(example);
          await prepare(example, model);
        } catch (err) {
          if (peer === 'perfkit') throw err;
          notes.push(`the example did not start with ${NO_PERFKIT_FLAG} (${String(err).split('\n')[0]}); no comparison without perfkit`);
        }
      }
      const rps: Partial<Record<PeerName, number[]>> = {};
      const mean: Partial<Record<PeerName, number[]>> = {};
      const p99: Partial<Record<PeerName, number[]>> = {};
      notes.push(`POST /generate {"model":"${model}","maxTokens":1}, ${profile.serviceConnections} connections, ${profile.serviceSeconds} s per round, failure knobs at 0.`);
      notes.push(PROFILE_SUMMARY);
      for (const [, example] of started) await drive(example, model, 1, profile.serviceConnections);
      for (let round = 0; round < profile.serviceRounds; round++) {
        for (let i = 0; i < started.length; i++) {
          const [peer, example] = started[(i + round) % started.length]!;
          progress(`  service: round ${round + 1}/${profile.serviceRounds}, ${peer}`);
          const result = await drive(example, model, profile.serviceSeconds, profile.serviceConnections);
          (rps[peer] ??= []).push(result.requests.average);
          (mean[peer] ??= []).push(result.latency.mean);
          (p99[peer] ??= []).push(result.latency.p99);
        }
      }
      for (const [, example] of started.splice(0)) await example.stop();

      // The dashboard at the series cap: one 31-day report alone, then /health while ten clients pull them.
      progress(`  service: /health while ${REPORT_CLIENTS} clients pull 31-day reports over ${REPORT_SERIES} series`);
      const seeded = await startExample(main, ['--seed-series', String(REPORT_SERIES)], QUIET_ENV);
      started.push(['perfkit', seeded]);
      const reportAlone: number[] = [];
      const healthP99: number[] = [];
      const healthP50: number[] = [];
      for (let round = 0; round < profile.serviceRounds; round++) {
        const r = await healthUnderReports(seeded.ready.app, profile.serviceSeconds);
        reportAlone.push(quantile(r.reportAloneMs, 0.5));
        healthP99.push(quantile(r.healthMs, 0.99));
        healthP50.push(quantile(r.healthMs, 0.5));
        notes.push(`reports round ${round + 1}: ${r.reportsServed} served, ${r.reportsRefused} refused with 429 (limit 4 at once), ${r.healthMs.length} /health probes.`);
      }
      const figures: Figure[] = [
        makeFigure({ id: 'service.report31d.latency', label: `GET /report?window=31d alone, ${REPORT_SERIES} series (median)`, unit: 'ms', better: 'lower' }, { perfkit: reportAlone }),
        makeFigure({ id: 'service.health.p99.reports', label: `/health p99 while ${REPORT_CLIENTS} clients pull 31-day reports`, unit: 'ms', better: 'lower' }, { perfkit: healthP99 }),
        makeFigure({ id: 'service.health.p50.reports', label: `/health p50 while ${REPORT_CLIENTS} clients pull 31-day reports`, unit: 'ms', better: 'lower' }, { perfkit: healthP50 }),
        makeFigure({ id: 'service.throughput', label: 'throughput, POST /generate', unit: 'req/s', better: 'higher' }, rps),
        // autocannon keeps latencies as whole milliseconds: percentiles of sub-millisecond requests read 0 or 1,
        // so the mean (of those whole milliseconds, over every request) stands in for the median.
        makeFigure({ id: 'service.latency.mean', label: 'mean latency, POST /generate', unit: 'ms', better: 'lower' }, mean),
        makeFigure({ id: 'service.latency.p99', label: 'p99 latency, POST /generate', unit: 'ms', better: 'lower' }, p99),
      ];
      return { figures, notes };
    } finally {
      for (const [, example] of started) await example.stop();
    }
  },
};
