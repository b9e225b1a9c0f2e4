import { resolveConfig, type EnvOverride } from '@perfkit/core';
import { z } from 'zod';
import { DashboardError } from './errors';
import { thresholdsSchema } from './analysis/thresholds';
import { isLoopbackName } from './server/security';

const ms = (min: number, max: number) => z.number().int().min(min).max(max);

/** What a configuration error about the API key says, whichever bound it broke: its value is only shown as its length. */
const API_KEY_EXPECTED = 'expected at least 16 characters (at most 512)';

/** Options of `dashboardPlugin` (before defaults). */
export const dashboardConfigSchema = z
  .object({
    /** Own server on this port (0 = any free port); leave out to mount `handler` on your server instead. */
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().min(1).max(255).default('127.0.0.1'),
    /** When set, every data route needs the `x-api-key` header with this value (core redacts it in errors: a name ending in "key"). */
    apiKey: z.string({ error: API_KEY_EXPECTED }).min(16, { error: API_KEY_EXPECTED }).max(512, { error: API_KEY_EXPECTED }).optional(),
    /** Host names (besides loopback names and IP literals) the `Host` header may carry: the DNS-rebinding guard. */
    allowedHosts: z.array(z.string().min(1).max(253).regex(/^[a-zA-Z0-9._-]+$/, { message: 'expected a host name such as dashboard.example.com' })).max(64).default([]),
    /**
     * Check every answer against its zod schema before sending (a mismatch is a 500 and a log line). On by default
     * under NODE_ENV test/development; off otherwise, because on a 2,000-series report it costs more than the report.
     */
    validateResponses: z.boolean().default(() => ['test', 'development'].includes(process.env.NODE_ENV ?? '')),
    /** Heavy requests (report, history, dashboard, optimize) computed or waiting at once; more get 429 (one page open needs 3). */
    maxConcurrentHeavy: z.number().int().min(1).max(64).default(4),
    /** How often host samples are taken into history. */
    sampleIntervalMs: ms(100, 3_600_000).default(10_000),
    /** How often a snapshot of the operation store is kept (deltas between them give the windowed figures). */
    snapshotIntervalMs: ms(100, 3_600_000).default(60_000),
    /** How far back history reaches. */
    retentionMs: ms(60_000, 31 * 24 * 3_600_000).default(24 * 3_600_000),
    /** The most memory history may take, samples and snapshots together; the oldest entries go first. */
    memoryBudgetBytes: z.number().int().min(64 * 1024).max(1024 ** 3).default(16 * 1024 * 1024),
    /** How long a computed dashboard response is reused. */
    cacheTtlMs: ms(0, 3_600_000).default(5_000),
    /** Where benchmark results are read from (relative to the working directory). */
    benchmarksPath: z.string().min(1).max(4096).default('bench/results/latest.json'),
    /** Thresholds from the SLA spec (partial; defaults fill the rest). */
    thresholds: thresholdsSchema.optional(),
  })
  .strict();

/** What `dashboardPlugin` accepts. */
export type DashboardOptions = z.input<typeof dashboardConfigSchema>;
/** Options after validation, defaults and environment overrides. */
export type DashboardConfig = z.output<typeof dashboardConfigSchema>;

/** The `PERFKIT_DASHBOARD_*` variables; they win over values in code. */
export const DASHBOARD_ENV_OVERRIDES: readonly EnvOverride[] = [
  { env: 'PERFKIT_DASHBOARD_PORT', key: 'port', parse: 'number' },
  { env: 'PERFKIT_DASHBOARD_HOST', key: 'host', parse: 'string' },
  { env: 'PERFKIT_DASHBOARD_API_KEY', key: 'apiKey', parse: 'string' },
  { env: 'PERFKIT_DASHBOARD_ALLOWED_HOSTS', key: 'allowedHosts', parse: 'list' },
  { env: 'PERFKIT_DASHBOARD_VALIDATE_RESPONSES', key: 'validateResponses', parse: 'boolean' },
  { env: 'PERFKIT_DASHBOARD_MAX_CONCURRENT_HEAVY', key: 'maxConcurrentHeavy', parse: 'number' },
  { env: 'PERFKIT_DASHBOARD_SAMPLE_INTERVAL_MS', key: 'sampleIntervalMs', parse: 'number' },
  { env: 'PERFKIT_DASHBOARD_SNAPSHOT_INTERVAL_MS', key: 'snapshotIntervalMs', parse: 'number' },
  { env: 'PERFKIT_DASHBOARD_RETENTION_MS', key: 'retentionMs', parse: 'number' },
  { env: 'PERFKIT_DASHBOARD_MEMORY_BUDGET_BYTES', key: 'memoryBudgetBytes', parse: 'number' },
  { env: 'PERFKIT_DASHBOARD_CACHE_TTL_MS', key: 'cacheTtlMs', parse: 'number' },
  { env: 'PERFKIT_DASHBOARD_BENCHMARKS_PATH', key: 'benchmarksPath', parse: 'string' },
];

/** Whether a host name or address only reaches this machine. */
export function isLoopback(host: string): boolean {
  return isLoopbackName(host);
}

/**
 * Throws `PERFKIT_ERR_DASHBOARD_API_KEY_REQUIRED` when a server on `host` would serve the dashboard beyond loopback
 * without a key. The plug-in's own server checks this at start; call it (or `dashboard.assertListenable(host)`) before
 * listening on a server the handler is mounted on.
 */
export function assertKeyForHost(host: string, apiKey: string | undefined): void {
  if (!isLoopback(host) && !apiKey) throw new DashboardError('PERFKIT_ERR_DASHBOARD_API_KEY_REQUIRED', { host });
}

/**
 * Validates options, applies `PERFKIT_DASHBOARD_*` overrides and defaults. Throws `PerfkitConfigError` for a bad
 * value and `PERFKIT_ERR_DASHBOARD_API_KEY_REQUIRED` when its own server would listen beyond loopback without a key.
 */
export function loadDashboardConfig(input: DashboardOptions | undefined, env: NodeJS.ProcessEnv = process.env): DashboardConfig {
  const cfg = resolveConfig(dashboardConfigSchema, input, DASHBOARD_ENV_OVERRIDES, env, 'dashboard');
  if (cfg.port !== undefined) assertKeyForHost(cfg.host, cfg.apiKey);
  return cfg;
}
