import { parseArgs } from 'node:util';
import { z } from 'zod';
import { resolveConfig, type EnvOverride } from '@perfkit/core';

/** Usage text for `--help` and bad arguments. */
export const USAGE = `Usage: node examples/model-service/dist/main.js [options]
  --port N                  HTTP port of the service (env PORT, default 8080, 0 = any free port)
  --host H                  interface to listen on (env HOST, default 127.0.0.1)
  --metrics-port N          Prometheus /metrics port (env PERFKIT_PROMETHEUS_PORT, default 9464, 0 = any)
  --metrics-host H          interface of /metrics (env PERFKIT_PROMETHEUS_HOST, default 127.0.0.1)
  --no-traffic              do not generate traffic (env PERFKIT_EXAMPLE_TRAFFIC=false)
  --traffic-rate R          generated requests per second (env PERFKIT_EXAMPLE_TRAFFIC_RATE, default 5)
  --otlp-url URL            also push metrics over OTLP/HTTP, e.g. http://127.0.0.1:4318/v1/metrics (env PERFKIT_OTLP_URL)
  --otlp-interval-ms N      OTLP push interval (env PERFKIT_OTLP_INTERVAL_MS, default 15000)
  --service-name NAME       service.name (env PERFKIT_SERVICE_NAME, default model-service)
  --instance-id ID          service.instance.id (env PERFKIT_SERVICE_INSTANCE_ID, default a random UUID)
  --health-interval-ms N    period of the background health checks (env PERFKIT_EXAMPLE_HEALTH_INTERVAL_MS, default 10000)
  --analytics-interval-ms N period of analytics collection (env PERFKIT_EXAMPLE_ANALYTICS_INTERVAL_MS, default 15000)
  --sla PATH                SLA spec for histogram buckets and dashboard thresholds (env PERFKIT_EXAMPLE_SLA,
                            default examples/sla.yaml; --no-sla to run without)
  --no-host                 no host/process/GPU metrics (env PERFKIT_EXAMPLE_HOST_METRICS=false)
  --no-dashboard            no built-in dashboard page and JSON API on the service port (env PERFKIT_EXAMPLE_DASHBOARD=false)
  --no-perfkit              the same service with perfkit disabled (nothing measured or served; guards still guard), for
                            overhead comparisons (env PERFKIT_DISABLED=true)
  --generate-workers N      worker threads for generate behind the 'generate' guard (env PERFKIT_EXAMPLE_GENERATE_WORKERS,
                            default 4; 0 = simulate on the main thread)
  --drain-timeout-ms N      on SIGTERM/SIGINT, how long requests in flight may finish before the rest is cut (env
                            PERFKIT_EXAMPLE_DRAIN_TIMEOUT_MS, default 10000; a second signal cuts it to 1 s; OTLP is
                            flushed either way)
  --seed-series N           record one operation under each of N synthetic names at start, to measure the dashboard
                            at the series cap (benchmarks only; env PERFKIT_EXAMPLE_SEED_SERIES, default 0)
  --generate-timeout-ms N   generate calls running longer end as outcome timeout (env PERFKIT_EXAMPLE_GENERATE_TIMEOUT_MS, default 5000)
Beyond loopback (--host 0.0.0.0) the service needs PERFKIT_DASHBOARD_API_KEY (16+ characters): it guards the
  dashboard's data and POST /knobs (x-api-key header). PERFKIT_DASHBOARD_ALLOWED_HOSTS lists extra Host names.
Failure knobs (also GET/POST /knobs): PERFKIT_EXAMPLE_DOWNLOAD_FAILURE_RATE, PERFKIT_EXAMPLE_GENERATE_DELAY_MS,
  PERFKIT_EXAMPLE_HEALTH_CORRUPTION_RATE, PERFKIT_EXAMPLE_GENERATE_FAILURE_RATE`;

const port = z.number().int().min(0).max(65535);

/** The example's own options (perfkit's own keys are passed through to createPerfkit). */
export const exampleSchema = z
  .object({
    port: port.default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    traffic: z.boolean().default(true),
    trafficRate: z.number().positive().max(10_000).default(5),
    healthIntervalMs: z.number().int().min(50).max(3_600_000).default(10_000),
    analyticsIntervalMs: z.number().int().min(50).max(3_600_000).default(15_000),
    generateTimeoutMs: z.number().int().min(1).max(3_600_000).default(5000),
    generateWorkers: z.number().int().min(0).max(64).default(4),
    drainTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
    seedSeries: z.number().int().min(0).max(100_000).default(0),
    sla: z.union([z.string().min(1).max(4096), z.literal(false)]).optional(),
    hostMetrics: z.boolean().default(true),
    dashboard: z.boolean().default(true),
    perfkit: z.boolean().default(true),
    metricsPort: port.optional(),
    metricsHost: z.string().min(1).optional(),
    otlpUrl: z.url().optional(),
    otlpIntervalMs: z.number().int().min(100).max(3_600_000).optional(),
    serviceName: z.string().min(1).max(255).optional(),
    instanceId: z.string().min(1).max(255).optional(),
  })
  .strict();

/** Resolved example options. */
export type ExampleOptions = z.output<typeof exampleSchema>;

const ENV: readonly EnvOverride[] = [
  { env: 'PORT', key: 'port', parse: 'number' },
  { env: 'HOST', key: 'host', parse: 'string' },
  { env: 'PERFKIT_EXAMPLE_TRAFFIC', key: 'traffic', parse: 'boolean' },
  { env: 'PERFKIT_EXAMPLE_TRAFFIC_RATE', key: 'trafficRate', parse: 'number' },
  { env: 'PERFKIT_EXAMPLE_HEALTH_INTERVAL_MS', key: 'healthIntervalMs', parse: 'number' },
  { env: 'PERFKIT_EXAMPLE_ANALYTICS_INTERVAL_MS', key: 'analyticsIntervalMs', parse: 'number' },
  { env: 'PERFKIT_EXAMPLE_GENERATE_TIMEOUT_MS', key: 'generateTimeoutMs', parse: 'number' },
  { env: 'PERFKIT_EXAMPLE_GENERATE_WORKERS', key: 'generateWorkers', parse: 'number' },
  { env: 'PERFKIT_EXAMPLE_DRAIN_TIMEOUT_MS', key: 'drainTimeoutMs', parse: 'number' },
  { env: 'PERFKIT_EXAMPLE_SEED_SERIES', key: 'seedSeries', parse: 'number' },
  { env: 'PERFKIT_EXAMPLE_SLA', key: 'sla', parse: 'string' },
  { env: 'PERFKIT_EXAMPLE_HOST_METRICS', key: 'hostMetrics', parse: 'boolean' },
  { env: 'PERFKIT_EXAMPLE_DASHBOARD', key: 'dashboard', parse: 'boolean' },
];

/** PERFKIT_DISABLED=true means the same as --no-perfkit. */
function perfkitFromEnv(env: NodeJS.ProcessEnv): boolean | undefined {
  const text = (env.PERFKIT_DISABLED ?? env.OTEL_SDK_DISABLED)?.trim().toLowerCase();
  return text === 'true' || text === '1' ? false : undefined;
}

/** Flags that set a perfkit key, and the variable core reads for it (a flag wins over the variable). */
export const PERFKIT_FLAG_ENV = {
  metricsPort: 'PERFKIT_PROMETHEUS_PORT',
  metricsHost: 'PERFKIT_PROMETHEUS_HOST',
  otlpUrl: 'PERFKIT_OTLP_URL',
  otlpIntervalMs: 'PERFKIT_OTLP_INTERVAL_MS',
  serviceName: 'PERFKIT_SERVICE_NAME',
  instanceId: 'PERFKIT_SERVICE_INSTANCE_ID',
} as const;

const NUMERIC = new Set(['port', 'trafficRate', 'healthIntervalMs', 'analyticsIntervalMs', 'generateTimeoutMs', 'generateWorkers', 'drainTimeoutMs', 'seedSeries', 'metricsPort', 'otlpIntervalMs']);

/**
 * Parses command-line flags and environment into options; a flag wins over its variable.
 * Returns `'help'` for --help; throws PerfkitConfigError (or a TypeError for an unknown flag) otherwise.
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ExampleOptions | 'help' {
  const flag = { type: 'string' } as const;
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      traffic: { type: 'boolean' },
      'no-traffic': { type: 'boolean' },
      'no-sla': { type: 'boolean' },
      'no-host': { type: 'boolean' },
      'no-dashboard': { type: 'boolean' },
      'no-perfkit': { type: 'boolean' },
      sla: flag,
      port: flag, host: flag, 'metrics-port': flag, 'metrics-host': flag, 'traffic-rate': flag, 'otlp-url': flag,
      'otlp-interval-ms': flag, 'service-name': flag, 'instance-id': flag, 'health-interval-ms': flag, 'analytics-interval-ms': flag,
      'generate-timeout-ms': flag,
      'generate-workers': flag,
      'drain-timeout-ms': flag,
      'seed-series': flag,
    },
  });
  if (values.help) return 'help';
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || typeof value === 'boolean') continue;
    const key = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const text = String(value);
    input[key] = NUMERIC.has(key) && text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
  }
  if (values['no-traffic']) input.traffic = false;
  else if (values.traffic) input.traffic = true;
  if (values['no-sla']) input.sla = false;
  if (values['no-host']) input.hostMetrics = false;
  if (values['no-dashboard']) input.dashboard = false;
  if (values['no-perfkit'] || perfkitFromEnv(env) === false) input.perfkit = false;
  const overrides = ENV.filter((o) => !(o.key in input));
  return resolveConfig(exampleSchema, input, overrides, env, 'example');
}
