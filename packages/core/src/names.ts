/**
 * The one source of every metric name, unit and attribute key that perfkit writes.
 * `@perfkit/sla` (rules), `grafana/` (panel queries) and the docs generator import from here,
 * so a rename cannot leave a panel or an alert behind.
 */

/** Attribute keys (OpenTelemetry style) and the Prometheus label each becomes on the wire. */
export const ATTR = {
  operationType: 'operation.type',
  operationName: 'operation.name',
  outcome: 'operation.outcome',
  errorType: 'error.type',
  integrityResult: 'integrity.result',
  dropReason: 'reason',
  overflow: 'otel.metric.overflow',
} as const;

/** Prometheus label names for the attribute keys in {@link ATTR}. */
export const LABEL = {
  operationType: 'operation_type',
  operationName: 'operation_name',
  outcome: 'operation_outcome',
  errorType: 'error_type',
  integrityResult: 'integrity_result',
  dropReason: 'reason',
  overflow: 'otel_metric_overflow',
} as const;

/** What an operation can end as. `rejected` and `resource_exceeded` come from guards. */
export const OUTCOMES = ['success', 'failure', 'timeout', 'cancelled', 'rejected', 'resource_exceeded'] as const;
/** One of {@link OUTCOMES}. */
export type Outcome = (typeof OUTCOMES)[number];

/** The kinds of instrument perfkit writes. */
export type MetricKind = 'counter' | 'histogram' | 'gauge' | 'updowncounter';

/** Describes one metric: its OpenTelemetry name and unit, its Prometheus name, and what it means. */
export interface MetricDef {
  /** OpenTelemetry instrument name. */
  readonly otel: string;
  /** UCUM unit as OpenTelemetry writes it. */
  readonly unit: string;
  /** Instrument kind. */
  readonly kind: MetricKind;
  /** Prometheus metric family name on the wire (unit suffix and `_total` included). */
  readonly prom: string;
  /** Attribute keys the series carry. */
  readonly attributes: readonly string[];
  /** One line that says what it measures. */
  readonly description: string;
}

const UNIT_WORDS: Record<string, string> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  'By/s': 'bytes_per_second',
  W: 'watts',
  J: 'joules',
  Hz: 'hertz',
  MHz: 'megahertz',
  Cel: 'celsius',
  '%': 'percent',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
};

const PER_WORDS: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day' };

// Own keys only: a unit such as "toString" or "constructor" must not pick up Object.prototype's functions.
function ownWord(table: Record<string, string>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** Replaces every character Prometheus does not allow in a metric or label name with `_`. */
export function sanitizePromName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  if (/^[0-9]/.test(out)) out = '_' + out;
  return out;
}

/** Replaces every character Prometheus does not allow in a label name with `_`. */
export function sanitizeLabelName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(out)) out = '_' + out;
  return out;
}

/** The Prometheus unit word for an OpenTelemetry unit ('' when it adds no suffix). */
export function promUnitSuffix(unit: string, kind: MetricKind): string {
  if (!unit || unit.startsWith('{')) return '';
  if (unit === '1') return kind === 'gauge' ? 'ratio' : '';
  const word = ownWord(UNIT_WORDS, unit);
  if (word) return word;
  const per = /^(.+)\/(.+)$/.exec(unit);
  if (per && !per[1]!.startsWith('{')) {
    const a = ownWord(UNIT_WORDS, per[1]!) ?? per[1]!;
    const b = ownWord(PER_WORDS, per[2]!) ?? per[2]!;
    return sanitizePromName(`${a}_per_${b}`);
  }
  return sanitizePromName(unit.replace(/\{[^}]*\}/g, ''));
}

/**
 * The Prometheus family name of an OpenTelemetry instrument, by the OpenTelemetry-to-Prometheus rules:
 * dots become `_`, the unit word is appended unless already there, monotonic counters end in `_total`.
 */
export function promName(otelName: string, unit: string, kind: MetricKind): string {
  let name = sanitizePromName(otelName);
  const suffix = promUnitSuffix(unit, kind);
  if (kind === 'counter' && name.endsWith('_total')) name = name.slice(0, -'_total'.length);
  if (suffix && !name.endsWith('_' + suffix)) name = `${name}_${suffix}`;
  if (kind === 'counter') name += '_total';
  return name;
}

function def(otel: string, unit: string, kind: MetricKind, attributes: readonly string[], description: string): MetricDef {
  return { otel, unit, kind, prom: promName(otel, unit, kind), attributes, description };
}

const OP = [ATTR.operationType, ATTR.operationName] as const;

/** Every metric written by `@perfkit/core`'s operation store. */
export const METRICS = {
  operationDuration: def(
    'perfkit.operation.duration',
    's',
    'histogram',
    [...OP, ATTR.outcome, ATTR.errorType],
    'Duration of tracked operations by type, name and outcome; error.type is set only on failures.',
  ),
  operationsActive: def('perfkit.operations.active', '{operation}', 'updowncounter', OP, 'Operations running now.'),
  operationRetries: def('perfkit.operation.retries', '{retry}', 'counter', OP, 'Retries reported by operations (op.retry()).'),
  operationItems: def('perfkit.operation.items', '{item}', 'counter', OP, 'Items processed by operations (op.addItems()).'),
  downloadBytes: def('perfkit.download.bytes', 'By', 'counter', OP, 'Bytes downloaded (op.addBytes()).'),
  downloadIntegrityChecks: def(
    'perfkit.download.integrity_checks',
    '{check}',
    'counter',
    [...OP, ATTR.integrityResult],
    'Integrity checks of downloads by result, passed or failed (op.integrityCheck()).',
  ),
  healthCheckIntegrityScore: def(
    'perfkit.health_check.integrity_score',
    '1',
    'histogram',
    OP,
    'Integrity score (0..1) reported by health checks (op.integrityScore()).',
  ),
  healthCheckCorruptions: def(
    'perfkit.health_check.corruptions',
    '{corruption}',
    'counter',
    OP,
    'Corruptions found by health checks (op.corruptionsFound()).',
  ),
  fallbackAlternatives: def(
    'perfkit.fallback.alternatives_considered',
    '{alternative}',
    'counter',
    OP,
    'Alternatives considered by fallbacks (op.alternativesConsidered()).',
  ),
  fallbackCompatibilityScore: def(
    'perfkit.fallback.compatibility_score',
    '1',
    'histogram',
    OP,
    'Compatibility score (0..1) of the alternative a fallback chose (op.compatibilityScore()).',
  ),
  modelTokens: def('perfkit.model.tokens', '{token}', 'counter', OP, 'Tokens processed by model operations (op.addTokens()).'),
  analyticsRecords: def(
    'perfkit.analytics.records',
    '{record}',
    'counter',
    OP,
    'Records processed by analytics collection (op.addRecords()).',
  ),
  droppedMeasurements: def(
    'perfkit.dropped_measurements',
    '{measurement}',
    'counter',
    [ATTR.dropReason],
    'Measurements perfkit could not record (invalid value, unknown type, series limit, export failure), by reason.',
  ),
} as const;

/** Key of a metric in {@link METRICS}. */
export type MetricKey = keyof typeof METRICS;

/** Why a measurement was dropped: the values of `perfkit_dropped_measurements_total{reason}`. */
export const DROP_REASONS = [
  'invalid_value',
  'invalid_name',
  'unknown_operation_type',
  'already_ended',
  'export_failed',
] as const;
/** One of {@link DROP_REASONS}. */
export type DropReason = (typeof DROP_REASONS)[number];

/** The operation types perfkit knows without registration. */
export const BUILTIN_OPERATION_TYPES = ['download', 'health_check', 'fallback', 'model_operation', 'analytics_collection'] as const;

/** Score histogram boundaries (0..1) used by integrity and compatibility scores. */
export const SCORE_BUCKETS: readonly number[] = [0.1, 0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1];

/** Attribute keys of the guard metrics (each is also its Prometheus label). */
export const GUARD_ATTR = {
  guard: 'guard',
  rejectReason: 'reason',
} as const;

/**
 * Why a guard did not run an operation: the values of `perfkit_guard_rejections_total{reason}`. `caller_aborted`: the
 * caller's signal (`guard.runWith({ signal })`) aborted before the work started.
 */
export const GUARD_REJECT_REASONS = ['queue_full', 'queue_timeout', 'shut_down', 'caller_aborted'] as const;
/** One of {@link GUARD_REJECT_REASONS}. */
export type GuardRejectReason = (typeof GUARD_REJECT_REASONS)[number];

/** Queue wait histogram boundaries in seconds (0.1 s is the seeds' "pool wait" alert threshold). */
export const GUARD_QUEUE_WAIT_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const G = [GUARD_ATTR.guard] as const;

/** Every metric a guard (`perf.guard()`) writes, labelled by guard name. */
export const GUARD_METRICS = {
  queueDepth: def('perfkit.guard.queue.depth', '{operation}', 'gauge', G, 'Operations waiting in the guard queue now.'),
  queueWait: def(
    'perfkit.guard.queue.wait',
    's',
    'histogram',
    G,
    'Time operations waited in the guard queue before they started or were refused (0 when a slot was free).',
  ),
  utilization: def('perfkit.guard.utilization', '1', 'gauge', G, 'Operations running now divided by the guard maxConcurrent (0..1).'),
  inFlight: def(
    'perfkit.guard.in_flight',
    '{operation}',
    'gauge',
    G,
    'Operations holding a guard slot now, including timed-out work that has not ended yet.',
  ),
  maxConcurrent: def('perfkit.guard.max_concurrent', '{operation}', 'gauge', G, 'The guard concurrency limit (maxConcurrent).'),
  rejections: def(
    'perfkit.guard.rejections',
    '{operation}',
    'counter',
    [...G, GUARD_ATTR.rejectReason],
    "Operations a guard did not run, by reason: queue_full, queue_timeout, shut_down, or caller_aborted (the caller's signal aborted before they started).",
  ),
  timeouts: def('perfkit.guard.timeouts', '{operation}', 'counter', G, 'Operations a guard aborted because they ran past timeoutMs.'),
  resourceAborts: def(
    'perfkit.guard.resource_aborts',
    '{operation}',
    'counter',
    G,
    'Operations a guard aborted because process memory grew past memoryBudgetMb while they ran.',
  ),
} as const;

/** Key of a metric in {@link GUARD_METRICS}. */
export type GuardMetricKey = keyof typeof GUARD_METRICS;
