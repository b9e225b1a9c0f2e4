import { ensureBuilt, REPO_ROOT } from './build';
import { startProcess, type ManagedProcess } from './ChildProcess';
import { waitFor } from './waitFor';

/** What the example prints on its `PERFKIT_EXAMPLE_READY` line. */
export interface ExampleReady {
  readonly app: string;
  readonly metrics: string;
  readonly knobs: string;
  readonly models: string;
  readonly serviceName: string;
  readonly instanceId: string;
  readonly otlp: string | null;
  readonly traffic: number;
  readonly pid: number;
  /** The SLA spec file in use, null without one (`sla`, when present, is the URL of `GET /sla`). */
  readonly slaSpec: string | null;
  readonly [key: string]: unknown;
}

/** Options of {@link startExample}. */
export interface StartExampleOptions {
  /** Generated requests per second; `false` for --no-traffic. Default 20 (fast data for tests). */
  readonly traffic?: number | false;
  /** Failure knobs set through the environment at start-up. */
  readonly knobs?: { downloadFailureRate?: number; generateDelayMs?: number; healthCorruptionRate?: number; generateFailureRate?: number };
  /** Push OTLP to this URL as well. */
  readonly otlpUrl?: string;
  /** OTLP push interval. */
  readonly otlpIntervalMs?: number;
  /** service.name (default model-service). */
  readonly serviceName?: string;
  /** Health-check and analytics periods (default 500 ms so that every operation type shows up quickly). */
  readonly backgroundIntervalMs?: number;
  /** More command-line arguments. */
  readonly args?: readonly string[];
  /** More environment variables. */
  readonly env?: Record<string, string>;
  /** How long to wait for the READY line. */
  readonly timeoutMs?: number;
}

/** A running example service started by a test. */
export interface StartedExample {
  /** Base URL of the service. */
  readonly app: string;
  /** URL of its Prometheus /metrics. */
  readonly metrics: string;
  /** Everything the READY line said. */
  readonly ready: ExampleReady;
  readonly process: ManagedProcess;
  /** Sets failure knobs at run time (POST /knobs); resolves with the knobs now in force. */
  setKnobs(knobs: NonNullable<StartExampleOptions['knobs']>): Promise<Record<string, number>>;
  /** SIGTERM (graceful, perf.shutdown()) and wait for exit; resolves with the exit code. Idempotent. */
  stop(): Promise<number | NodeJS.Signals | null>;
}

const READY_PREFIX = 'PERFKIT_EXAMPLE_READY ';

/** Parses the READY line out of the example's output, or undefined if it has not been printed yet. */
export function parseReadyLine(output: string): ExampleReady | undefined {
  const line = output.split('\n').find((l) => l.startsWith(READY_PREFIX));
  return line ? (JSON.parse(line.slice(READY_PREFIX.length)) as ExampleReady) : undefined;
}

/** Starts `examples/model-service` (built if stale) on free ports and waits for its READY line. */
export async function startExample(options: StartExampleOptions = {}): Promise<StartedExample> {
  const main = ensureBuilt('examples/model-service', 'main.js');
  const interval = String(options.backgroundIntervalMs ?? 500);
  const args = ['--port', '0', '--metrics-port', '0', '--health-interval-ms', interval, '--analytics-interval-ms', interval];
  if (options.traffic === false) args.push('--no-traffic');
  else args.push('--traffic-rate', String(options.traffic ?? 20));
  if (options.otlpUrl) args.push('--otlp-url', options.otlpUrl);
  if (options.otlpIntervalMs) args.push('--otlp-interval-ms', String(options.otlpIntervalMs));
  if (options.serviceName) args.push('--service-name', options.serviceName);
  args.push(...(options.args ?? []));
  const k = options.knobs ?? {};
  const knobEnv: Record<string, string> = {};
  if (k.downloadFailureRate !== undefined) knobEnv.PERFKIT_EXAMPLE_DOWNLOAD_FAILURE_RATE = String(k.downloadFailureRate);
  if (k.generateDelayMs !== undefined) knobEnv.PERFKIT_EXAMPLE_GENERATE_DELAY_MS = String(k.generateDelayMs);
  if (k.healthCorruptionRate !== undefined) knobEnv.PERFKIT_EXAMPLE_HEALTH_CORRUPTION_RATE = String(k.healthCorruptionRate);
  if (k.generateFailureRate !== undefined) knobEnv.PERFKIT_EXAMPLE_GENERATE_FAILURE_RATE = String(k.generateFailureRate);
  const env: NodeJS.ProcessEnv = { ...process.env, ...knobEnv, ...options.env };
  for (const name of ['PORT', 'PERFKIT_PROMETHEUS_PORT', 'PERFKIT_OTLP_URL']) if (!options.env?.[name]) delete env[name];
  const proc = startProcess(process.execPath, [main, ...args], { env, cwd: REPO_ROOT });
  let ready: ExampleReady;
  try {
    ready = await Promise.race([
      waitFor(() => parseReadyLine(proc.output()), options.timeoutMs ?? 20_000, 50),
      proc.exited.then((code) => {
        throw new Error(`example exited (${String(code)}) before it was ready`);
      }),
    ]);
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}\n--- example output ---\n${proc.output()}`);
  }
  return {
    app: ready.app,
    metrics: ready.metrics,
    ready,
    process: proc,
    async setKnobs(knobs) {
      const res = await fetch(`${ready.app}/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(knobs) });
      const body = (await res.json()) as Record<string, number>;
      if (!res.ok) throw new Error(`POST /knobs answered ${res.status}: ${JSON.stringify(body)}`);
      return body;
    },
    stop: () => proc.stop(),
  };
}
