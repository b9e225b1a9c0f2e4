import { z } from 'zod';
import { ATTR, OUTCOMES } from '@perfkit/core';
import { parseDuration } from '../duration';
import { promqlFunctionsDetail, unknownPromqlFunctions } from './promqlFunctions';
import { hasWindowPlaceholder, promqlSyntaxDetail, readPromql } from './promqlSyntax';

const ratio = (what: string) =>
  z
    .number({ error: `expected a number between 0 and 1 (${what})` })
    .finite()
    .gt(0, { message: `expected a ratio above 0 (${what}), e.g. 0.995 for 99.5%` })
    .lt(1, { message: `expected a ratio below 1 (${what}), e.g. 0.995 for 99.5%` });

const limitRatio = z
  .number({ error: 'expected a ratio between 0 and 1, e.g. 0.85 for 85%' })
  .finite()
  .gt(0, { message: 'expected a ratio above 0, e.g. 0.85 for 85%' })
  .max(1, { message: 'expected a ratio of at most 1, e.g. 0.85 for 85%' });

/** A Prometheus duration string (`28d`, `5m`, `250ms`), kept as text and checked to be one. */
const durationText = (min: number, max: number) =>
  z.string().refine((t) => {
    const s = parseDuration(t);
    return s >= min && s <= max;
  }, { message: `expected a Prometheus duration such as 5m or 28d, between ${min}s and ${max}s` });

/** Seconds, written as a number (`2`, `0.1`) or a duration (`2s`, `100ms`); becomes a number of seconds. */
const seconds = z
  .union([z.number(), z.string()], { error: 'expected seconds as a number (0.1) or a duration (100ms)' })
  .transform((v, ctx) => {
    const s = typeof v === 'number' ? v : parseDuration(v);
    if (!(Number.isFinite(s) && s >= 1e-6 && s <= 1e5)) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration between 1us and 100000s, e.g. 2s, 100ms or 0.25' });
      return z.NEVER;
    }
    return s;
  });

const forDuration = durationText(0, 86_400);
const nameKey = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, {
  message: 'expected lower_snake_case, 1-63 characters, starting with a letter',
});
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/, { message: 'expected a Prometheus label name' });
const labelValue = z.string().max(256).refine((v) => !/[\n\r]/.test(v), { message: 'expected one line of text' });
/** A webhook URL: http or https only, as Alertmanager accepts (amtool check-config refuses ftp://, mailto:, file://). */
const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

const attributeKey = z.enum([ATTR.operationType, ATTR.operationName, ATTR.outcome, ATTR.errorType]);

/** `for:`, extra labels and annotations of one severity's burn-rate alerts. */
const severityAlerting = z
  .object({ for: durationText(0, 86_400).optional(), labels: z.record(labelName, labelValue).optional() })
  .strict();

/** Per-objective alert settings: name, extra labels and annotations, and per-severity `for:` and labels (Sloth's `alerting`). */
const objectiveAlerting = z
  .object({
    name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/, { message: 'expected an alert name (letters, digits, _)' }).optional(),
    labels: z.record(labelName, labelValue).optional(),
    annotations: z.record(labelName, z.string().max(2000)).optional(),
    page: severityAlerting.optional(),
    ticket: severityAlerting.optional(),
  })
  .strict();

/** A query without a placeholder that is a whole range: the burn windows would read one fixed range, or wrong ones. */
const WINDOW_NOT_A_RANGE =
  'expected {{.window}} alone as a range, in the brackets after a selector or a subquery (rate(x[{{.window}}])); ' +
  'anywhere else (a comment, a string, a label value, an offset, next to other digits or units) the burn windows do not read their own ranges';

const promqlQuery = z
  .string()
  .min(1)
  .max(4000)
  .refine(hasWindowPlaceholder, { message: 'expected a PromQL query with a {{.window}} placeholder for the range, e.g. sum(rate(http_requests_total[{{.window}}]))' })
  // Refused here rather than when Prometheus loads the generated rules (promtool check rules, start-up).
  .superRefine((q, ctx) => {
    if (q.length > 4000 || !hasWindowPlaceholder(q)) return; // refused already; not worth parsing
    const { syntaxError, calls, isWindowARange } = readPromql(q);
    const unknown = unknownPromqlFunctions(calls);
    if (!syntaxError && unknown.length === 0) {
      if (!isWindowARange) ctx.addIssue({ code: 'custom', message: WINDOW_NOT_A_RANGE });
      return;
    }
    const details = [...(unknown.length ? [promqlFunctionsDetail(unknown)] : []), syntaxError ? promqlSyntaxDetail(syntaxError) : 'Prometheus would refuse the generated rules'];
    ctx.addIssue({ code: 'custom', message: details.join('; ') });
  });

/**
 * A raw-PromQL objective (what Sloth and OpenSLO specs hold): error or good events over total events, each a query
 * with `{{.window}}` where the range goes. Prometheus-only: it gets rules, alerts, tests and dashboards, but no
 * in-process check and no histogram view (the process cannot evaluate PromQL).
 */
const promqlSchema = z
  .object({
    target: ratio('share of good events'),
    errorQuery: promqlQuery.optional(),
    goodQuery: promqlQuery.optional(),
    totalQuery: promqlQuery,
  })
  .strict()
  .refine((p) => (p.errorQuery === undefined) !== (p.goodQuery === undefined), { message: 'expected exactly one of errorQuery or goodQuery' });

const objectiveSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, { message: 'expected kebab-case, 1-63 characters, starting with a letter' }),
    description: z.string().min(1).max(300).optional(),
    operation: z.object({ type: nameKey, name: z.string().min(1).max(128).optional() }).strict().optional(),
    success: z
      .object({
        target: ratio('share of operations that succeed'),
        badOutcomes: z.array(z.enum(OUTCOMES)).min(1).optional(),
      })
      .strict()
      .optional(),
    latency: z
      .object({ threshold: seconds, target: ratio('share of operations faster than the threshold') })
      .strict()
      .optional(),
    promql: promqlSchema.optional(),
    alerting: objectiveAlerting.optional(),
  })
  .strict()
  .refine((o) => [o.success, o.latency, o.promql].filter((x) => x !== undefined).length === 1, {
    message: 'expected exactly one of success, latency or promql',
  })
  .refine((o) => (o.promql === undefined) === (o.operation !== undefined), {
    message: 'expected operation for a success or latency objective, and none for a promql objective (its queries select the series)',
  });

/** One burn-rate window pair of a custom catalogue: the budget share it may spend over its long window. */
const windowSchema = z
  .object({
    severity: z.enum(['page', 'ticket']),
    long: durationText(1, 366 * 86_400),
    short: durationText(1, 366 * 86_400),
    budgetShare: z
      .number({ error: 'expected the share of the error budget this pair may spend over its long window, e.g. 0.02' })
      .finite()
      .gt(0, { message: 'expected a share above 0, e.g. 0.02 for 2% of the budget' })
      .max(1, { message: 'expected a share of at most 1 (the whole budget)' }),
  })
  .strict();

const limit = z.object({ max: limitRatio, for: forDuration.default('10m') }).strict();

const resourcesSchema = z
  .object({
    cpu: limit.optional(),
    memory: limit.optional(),
    diskFree: z.object({ min: limitRatio, for: forDuration.default('10m') }).strict().optional(),
    gpuUtilization: limit.optional(),
    gpuMemory: limit.optional(),
    eventLoopDelay: z.object({ max: seconds, for: forDuration.default('5m') }).strict().optional(),
  })
  .strict();

const guardSchema = z
  .object({
    name: nameKey,
    queueWait: z.object({ max: seconds, for: forDuration.default('5m') }).strict().optional(),
    utilization: z.object({ max: limitRatio, for: forDuration.default('10m') }).strict().optional(),
  })
  .strict();

/** The SLA spec: objectives, resource limits and guard limits, each threshold written once. */
export const slaSpecSchema = z
  .object({
    service: labelValue.min(1),
    window: durationText(60, 366 * 86_400).default('28d'),
    /** Label matchers added to every query; absent means `{ job: <service> }` (see parseSlaSpec). */
    selector: z.record(labelName, labelValue).optional(),
    objectives: z.array(objectiveSchema).max(200).default([]),
    resources: resourcesSchema.default({}),
    guards: z.array(guardSchema).max(100).default([]),
    operationTypes: z
      .record(
        nameKey,
        z.object({ buckets: z.array(z.number()).optional(), attributes: z.array(attributeKey).optional() }).strict(),
      )
      .default({}),
    alerting: z
      .object({
        minEvents: z.number().int().min(0).max(1e9).default(10),
        minWindow: durationText(1, 3600).default('1m'),
        absentFor: durationText(1, 86_400).default('10m'),
        runbookBaseUrl: z.string().min(1).max(500).default('docs/runbooks'),
        /** A custom window catalogue (used as written, never scaled); absent means the standard four pairs. */
        windows: z.array(windowSchema).min(1).max(12).optional(),
        /** The `severity` label value written for page and ticket alerts (and routed on by Alertmanager). */
        severities: z.object({ page: labelValue.min(1).default('page'), ticket: labelValue.min(1).default('ticket') }).strict().default({ page: 'page', ticket: 'ticket' }),
        /** Evaluation interval of the error-budget group (5-minute increases summed over the SLO window). */
        budgetInterval: durationText(10, 3600).default('5m'),
      })
      .strict()
      .default({ minEvents: 10, minWindow: '1m', absentFor: '10m', runbookBaseUrl: 'docs/runbooks', severities: { page: 'page', ticket: 'ticket' }, budgetInterval: '5m' }),
    alertmanager: z
      .object({
        webhookUrl: url.default('http://127.0.0.1:9095/perfkit/alerts'),
        pageWebhookUrl: url.optional(),
        ticketWebhookUrl: url.optional(),
        groupWait: durationText(0, 86_400).default('30s'),
        groupInterval: durationText(1, 86_400).default('5m'),
        repeatInterval: durationText(1, 30 * 86_400).default('4h'),
        resolveTimeout: durationText(1, 86_400).default('5m'),
      })
      .strict()
      .default({
        webhookUrl: 'http://127.0.0.1:9095/perfkit/alerts',
        groupWait: '30s',
        groupInterval: '5m',
        repeatInterval: '4h',
        resolveTimeout: '5m',
      }),
  })
  .strict();

/** What a user writes (before defaults). */
export type SlaSpecInput = z.input<typeof slaSpecSchema>;
/** A validated spec with defaults applied (the selector defaults to `{ job: service }`); durations of thresholds are seconds. */
export type SlaSpec = Omit<z.output<typeof slaSpecSchema>, 'selector'> & { selector: Record<string, string> };
/** One objective of a validated spec. */
export type SlaObjective = SlaSpec['objectives'][number];
