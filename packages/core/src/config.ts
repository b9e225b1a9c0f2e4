import { validateHeaderName, validateHeaderValue } from 'node:http';
import { z } from 'zod';
import type { DiagLogger } from './diag';
import { PerfkitConfigError, type ConfigProblem } from './errors';
import { LABEL, sanitizeLabelName } from './names';
import { shownHeaderName } from './redact';
import { resolveConfig, type EnvOverride } from './validate';

const increasing = (b: number[]) => b.every((v, i) => i === 0 || v > b[i - 1]!);

/** Histogram bucket boundaries in seconds: finite, positive, strictly increasing, at most 64. */
export const bucketsSchema = z
  .array(z.number().finite().positive(), { error: 'expected an array of positive finite numbers (seconds)' })
  .min(1)
  .max(64)
  .refine(increasing, { message: 'expected strictly increasing boundaries' });

const nameKey = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, {
  message: 'expected lower_snake_case, 1-63 characters, starting with a letter',
});

/** An OpenTelemetry-style view over the operation histogram: buckets and an attribute allow-list. */
export const viewSchema = z
  .object({
    operationType: nameKey.optional(),
    operationName: z.string().min(1).max(1024).optional(),
    buckets: bucketsSchema.optional(),
    attributes: z
      .array(z.enum(['operation.type', 'operation.name', 'operation.outcome', 'error.type']))
      .refine((a) => a.includes('operation.type'), {
        message: 'must include operation.type: each type has its own buckets, so series of different types cannot be merged',
      })
      .optional(),
  })
  .strict();

/**
 * A name or address given in code with white space at either end (`serviceName: ' svc '`) is refused, not trimmed:
 * variables are read trimmed (the space there comes from quoting in a .env file or a manifest), but a value in code is
 * what the app passes elsewhere too (its own tracer's resource, its logs), so a quiet trim would make perfkit's metrics
 * disagree with the app's other signals; left as it is, `'/metrics '` answered every scrape of `/metrics` with 404 and
 * `' 127.0.0.1 '` failed `ready()` with ENOTFOUND.
 */
const noSpaceAround = <S extends z.ZodString>(schema: S) =>
  schema.refine((text) => !/^\s|\s$/.test(text), { message: 'expected no white space at either end (variables are read trimmed; a value given in code is not)' });

const prometheusSchema = z
  .object({
    enabled: z.boolean().default(true),
    port: z.number().int().min(0).max(65535).default(9464),
    host: noSpaceAround(z.string().min(1)).default('127.0.0.1'),
    path: noSpaceAround(z.string().startsWith('/')).default('/metrics'),
    serve: z.boolean().default(true),
    resourceAttributesAsLabels: z.array(z.string().min(1)).default([]),
  })
  .strict();

/**
 * Header names and values Node's http refuses (a name that is not an HTTP token, a value with a line break or another
 * control character) would fail every export: refused here, at start-up, each under its own key (a name that is not a
 * token shown only up to where it stops being one: it may hold a pasted secret).
 */
function checkHeaders(headers: Record<string, string>, ctx: z.RefinementCtx): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!accepts(validateHeaderName, name)) {
      ctx.addIssue({ code: 'custom', path: [shownHeaderName(name)], message: "expected a header name Node's http accepts: an HTTP token (letters, digits and !#$%&'*+-.^_`|~; no spaces, colons or line breaks)" });
    } else if (!accepts((v: string) => validateHeaderValue(name, v), value)) {
      ctx.addIssue({ code: 'custom', path: [name], message: "expected a header value Node's http accepts: no line breaks or other control characters but tab, no characters above U+00FF" });
    }
  }
}

function accepts(validate: (text: string) => void, text: string): boolean {
  try {
    validate(text);
    return true;
  } catch {
    return false;
  }
}

const otlpSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://localhost:4318/v1/metrics' }),
    intervalMs: z.number().int().min(100).max(3_600_000).default(15_000),
    timeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    headers: z.record(z.string(), z.string()).superRefine(checkHeaders).default({}),
    /**
     * Temporality the SDK's own instruments are exported with (`OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`):
     * `cumulative`, `delta` (counters and histograms) or `lowmemory` (synchronous counters and histograms).
     * The store's series stay cumulative: a failed export then loses nothing.
     */
    temporality: z.enum(['cumulative', 'delta', 'lowmemory']).default('cumulative'),
  })
  .strict();

/** The configuration `createPerfkit` accepts (before defaults). */
export const configSchema = z
  .object({
    serviceName: noSpaceAround(z.string().min(1).max(255)).default('unknown_service'),
    serviceVersion: noSpaceAround(z.string().min(1).max(255)).optional(),
    serviceInstanceId: noSpaceAround(z.string().min(1).max(255)).optional(),
    resourceAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    prometheus: z.union([z.literal(false), prometheusSchema]).default({
      enabled: true,
      port: 9464,
      host: '127.0.0.1',
      path: '/metrics',
      serve: true,
      resourceAttributesAsLabels: [],
    }),
    otlp: otlpSchema.optional(),
    operationTypes: z.record(nameKey, z.object({ buckets: bucketsSchema.optional() }).strict()).default({}),
    views: z.array(viewSchema).default([]),
    limits: z
      .object({
        maxSeriesPerMetric: z.number().int().min(1).max(1_000_000).default(2000),
        maxErrorTypes: z.number().int().min(1).max(1000).default(50),
        maxNameLength: z.number().int().min(1).max(4096).default(128),
        maxOperationTypes: z.number().int().min(1).max(1000).default(64),
      })
      .strict()
      .default({ maxSeriesPerMetric: 2000, maxErrorTypes: 50, maxNameLength: 128, maxOperationTypes: 64 }),
    disabled: z.boolean().default(false),
    shutdownTimeoutMs: z.number().int().min(0).max(600_000).default(2000),
    /** Exemplars on the duration histogram (OpenMetrics scrape and OTLP): the active span's trace and span id, latest per bucket. */
    exemplars: z.boolean().default(false),
    logLevel: z.enum(['none', 'error', 'warn', 'info', 'debug']).default('warn'),
    logger: z.custom<Partial<DiagLogger>>((v) => v === undefined || (typeof v === 'object' && v !== null)).optional(),
  })
  .strict();

/** What a user may pass to `createPerfkit`. */
export type PerfkitConfig = z.input<typeof configSchema>;
/** The configuration after validation, defaults and environment overrides. */
export type ResolvedConfig = z.output<typeof configSchema>;
/** A view as accepted in `views`. */
export type ViewConfig = z.output<typeof viewSchema>;

/**
 * The environment variables `createPerfkit` reads, in precedence order: a value given in code wins, then the
 * `PERFKIT_*` variables, then the standard `OTEL_*` ones (read as the OpenTelemetry SDK reads them: a numeric, enum or
 * key-value `OTEL_*` value that is not valid is ignored with a warning, and the next source applies). OTLP
 * settings other than the endpoint apply only when an endpoint is set (in code or by a variable).
 */
export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { env: 'PERFKIT_SERVICE_NAME', key: 'serviceName', parse: 'string' },
  { env: 'PERFKIT_SERVICE_INSTANCE_ID', key: 'serviceInstanceId', parse: 'string' },
  { env: 'PERFKIT_PROMETHEUS_ENABLED', key: 'prometheus.enabled', parse: 'boolean' },
  { env: 'PERFKIT_PROMETHEUS_PORT', key: 'prometheus.port', parse: 'number' },
  { env: 'PERFKIT_PROMETHEUS_HOST', key: 'prometheus.host', parse: 'string' },
  { env: 'PERFKIT_OTLP_URL', key: 'otlp.url', parse: 'string' },
  { env: 'PERFKIT_OTLP_INTERVAL_MS', key: 'otlp.intervalMs', parse: 'number', requires: 'otlp.url' },
  { env: 'PERFKIT_OTLP_HEADERS', key: 'otlp.headers', parse: 'map', requires: 'otlp.url' },
  { env: 'PERFKIT_MAX_SERIES_PER_METRIC', key: 'limits.maxSeriesPerMetric', parse: 'number' },
  { env: 'PERFKIT_LOG_LEVEL', key: 'logLevel', parse: 'lower' },
  { env: 'PERFKIT_DISABLED', key: 'disabled', parse: 'boolean' },
  { env: 'PERFKIT_EXEMPLARS', key: 'exemplars', parse: 'boolean' },
  { env: 'OTEL_SERVICE_NAME', key: 'serviceName', parse: 'string' },
  { env: 'OTEL_RESOURCE_ATTRIBUTES', key: 'resourceAttributes', parse: 'map', merge: true, ignoreInvalid: true },
  { env: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', key: 'otlp.url', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_ENDPOINT', key: 'otlp.url', parse: 'otlp-base' },
  { env: 'OTEL_EXPORTER_OTLP_METRICS_HEADERS', key: 'otlp.headers', parse: 'map', requires: 'otlp.url', ignoreInvalid: true },
  // Combined with the metrics-specific variable, which wins per header (as the OpenTelemetry JS exporter combines them).
  { env: 'OTEL_EXPORTER_OTLP_HEADERS', key: 'otlp.headers', parse: 'map', requires: 'otlp.url', ignoreInvalid: true, mergeUnder: 'OTEL_EXPORTER_OTLP_METRICS_HEADERS' },
  { env: 'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT', key: 'otlp.timeoutMs', parse: 'number', requires: 'otlp.url', ignoreInvalid: true },
  { env: 'OTEL_EXPORTER_OTLP_TIMEOUT', key: 'otlp.timeoutMs', parse: 'number', requires: 'otlp.url', ignoreInvalid: true },
  { env: 'OTEL_METRIC_EXPORT_INTERVAL', key: 'otlp.intervalMs', parse: 'number', requires: 'otlp.url', ignoreInvalid: true },
  { env: 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE', key: 'otlp.temporality', parse: 'lower', requires: 'otlp.url', ignoreInvalid: true },
  { env: 'OTEL_SDK_DISABLED', key: 'disabled', parse: 'otel-boolean', ignoreInvalid: true },
];

/** What perfkit's OTLP exporter sends: `@opentelemetry/exporter-metrics-otlp-http` writes OTLP/JSON over HTTP. */
const OTLP_PROTOCOL = 'http/json';

/**
 * `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, asking for a protocol perfkit does not send
 * (`grpc`, `http/protobuf`): a problem to warn of (OpenTelemetry's rule for a value an SDK does not support: warn and
 * go on), since perfkit sends {@link OTLP_PROTOCOL} whatever they say.
 */
function unsupportedProtocol(env: NodeJS.ProcessEnv): ConfigProblem | undefined {
  for (const variable of ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const text = env[variable]?.trim();
    if (!text) continue;
    if (text.toLowerCase() === OTLP_PROTOCOL) return undefined;
    const allowed = `perfkit sends ${OTLP_PROTOCOL} (OTLP/HTTP, JSON-encoded, through @opentelemetry/exporter-metrics-otlp-http) whatever this says; grpc and http/protobuf are not supported`;
    return { key: 'otlp.protocol', value: env[variable], allowed, source: variable };
  }
  return undefined;
}

/**
 * `service.name` inside `OTEL_RESOURCE_ATTRIBUTES` names the service when nothing else does (OpenTelemetry's
 * rule: `OTEL_SERVICE_NAME` wins over it), so it is read as the lowest-ranked source of `serviceName`.
 */
function withResourceServiceName(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const attrs = env.OTEL_RESOURCE_ATTRIBUTES;
  if (!attrs || (env.OTEL_SERVICE_NAME && env.OTEL_SERVICE_NAME.trim())) return env;
  let name: string | undefined;
  for (const pair of attrs.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    try {
      const key = decodeURIComponent(pair.slice(0, at).trim());
      const value = decodeURIComponent(pair.slice(at + 1).trim());
      if (key === 'service.name') name = value; // the last one, as in the map
    } catch {
      return env; // one malformed %-escape discards the whole variable (OpenTelemetry's rule), service.name with it
    }
  }
  return name === undefined ? env : { ...env, OTEL_SERVICE_NAME: name };
}

/**
 * Validates `input`, fills keys from `PERFKIT_*` then `OTEL_*` variables (code wins), applies defaults; a bad value
 * throws {@link PerfkitConfigError} listing every problem. `OTEL_*` values ignored as invalid go to `options.ignored`.
 */
export function loadConfig(input: PerfkitConfig | undefined, env: NodeJS.ProcessEnv = process.env, options: { ignored?: ConfigProblem[] } = {}): ResolvedConfig {
  const cfg = resolveConfig(configSchema, input, ENV_OVERRIDES, withResourceServiceName(env), '', { codeWins: true, ignored: options.ignored });
  if (cfg.prometheus !== false && !cfg.prometheus.enabled) cfg.prometheus = false;
  // Disabled: the work still runs (guards still guard), nothing is measured, served or exported.
  if (cfg.disabled) {
    cfg.prometheus = false;
    delete cfg.otlp;
  }
  const protocol = cfg.otlp ? unsupportedProtocol(env) : undefined;
  if (protocol) options.ignored?.push(protocol);
  // A copied resource attribute must not become a second operation_type (or le...) label: Prometheus would
  // refuse the whole scrape.
  const taken = new Set<string>([...Object.values(LABEL), 'le', 'quantile']);
  for (const key of cfg.prometheus ? cfg.prometheus.resourceAttributesAsLabels : []) {
    const label = sanitizeLabelName(key);
    if (taken.has(label)) {
      throw new PerfkitConfigError('prometheus.resourceAttributesAsLabels', key, `it would be written as "${label}", a label perfkit writes itself`);
    }
  }
  // service.name, service.version and service.instance.id have keys of their own, whose sources already rank
  // code > PERFKIT_* > OTEL_*: the same attribute from OTEL_RESOURCE_ATTRIBUTES (merged into the map below code's
  // attributes, and spread last onto the resource) must not beat them. service.name always has a value (its default,
  // or the map's own, read as its lowest source); the other two only when set.
  let codeAttributes: Record<string, unknown> | undefined;
  try {
    codeAttributes = (input as { resourceAttributes?: Record<string, unknown> } | undefined)?.resourceAttributes;
  } catch {
    // unreadable input was refused above
  }
  const dedicated = { 'service.name': cfg.serviceName, 'service.version': cfg.serviceVersion, 'service.instance.id': cfg.serviceInstanceId };
  for (const [attribute, value] of Object.entries(dedicated)) {
    if (value === undefined || cfg.resourceAttributes[attribute] === undefined || codeAttributes?.[attribute] !== undefined) continue;
    const { [attribute]: _dropped, ...rest } = cfg.resourceAttributes;
    cfg.resourceAttributes = rest;
  }
  return cfg;
}
