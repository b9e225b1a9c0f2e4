import { ATTR, BUILTIN_OPERATION_TYPES, DEFAULT_BUCKETS, GUARD_QUEUE_WAIT_BUCKETS, bucketsSchema, type ViewConfig } from '@perfkit/core';
import { SlaSpecError, type SlaProblem } from './errors';
import type { SlaSpec } from './spec/schema';

/** What {@link viewsFromSpec} returns: pass both to `createPerfkit`. */
export interface SpecViews {
  /** One view per operation type the spec names: buckets that contain every latency threshold, and an attribute allow-list. */
  readonly views: ViewConfig[];
  /** Operation types the spec names that perfkit does not know without registration, with their buckets. */
  readonly operationTypes: Record<string, { buckets: number[] }>;
}

const ALL_ATTRIBUTES = [ATTR.operationType, ATTR.operationName, ATTR.outcome, ATTR.errorType] as const;
type AttributeKey = (typeof ALL_ATTRIBUTES)[number];
const MAX_SIGNIFICANT_DIGITS = 12;

/**
 * Turns the spec into views for `createPerfkit`: each latency threshold becomes an exact boundary of its
 * operation type's histogram (so "under 2 s" is a bucket count, not an interpolation), and each view keeps only
 * the attributes the spec allows. Throws {@link SlaSpecError} when a threshold cannot be a boundary.
 */
export function viewsFromSpec(spec: SlaSpec): SpecViews {
  const views: ViewConfig[] = [];
  const operationTypes: Record<string, { buckets: number[] }> = {};
  for (const type of typesOf(spec)) {
    const buckets = bucketsFor(spec, type);
    views.push({ operationType: type, buckets, attributes: [...attributesFor(spec, type)] });
    if (!(BUILTIN_OPERATION_TYPES as readonly string[]).includes(type)) operationTypes[type] = { buckets };
  }
  return { views, operationTypes };
}

/**
 * Every threshold of the spec that cannot be an exact boundary of the buckets it will get (and every bad attribute
 * allow-list): one problem per operation type and per guard, so that a spec's problems are reported at once.
 */
export function boundaryProblems(spec: SlaSpec): SlaProblem[] {
  const problems: SlaProblem[] = [];
  const collect = (check: () => void) => {
    try {
      check();
    } catch (err) {
      if (!(err instanceof SlaSpecError)) throw err;
      problems.push(...err.problems);
    }
  };
  for (const type of typesOf(spec)) {
    collect(() => bucketsFor(spec, type));
    collect(() => attributesFor(spec, type));
  }
  for (const g of spec.guards) {
    if (g.queueWait && !GUARD_QUEUE_WAIT_BUCKETS.includes(g.queueWait.max)) {
      problems.push({ code: 'PERFKIT_ERR_SLA_THRESHOLD_NOT_BOUNDARY', field: `guards[${g.name}].queueWait.max`, value: g.queueWait.max,
        detail: `guard queue waits are recorded in buckets [${GUARD_QUEUE_WAIT_BUCKETS.join(', ')}]; pick one of them so the p99 check is exact` });
    }
  }
  return problems;
}

function typesOf(spec: SlaSpec): string[] {
  const types = new Set<string>(Object.keys(spec.operationTypes));
  for (const o of spec.objectives) if (o.operation) types.add(o.operation.type);
  return [...types].sort();
}

function bucketsFor(spec: SlaSpec, type: string): number[] {
  const explicit = spec.operationTypes[type]?.buckets;
  if (explicit !== undefined) {
    const parsed = bucketsSchema.safeParse(explicit);
    if (!parsed.success) {
      throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', `operationTypes.${type}.buckets`, explicit, parsed.error.issues[0]!.message);
    }
  }
  const thresholds = spec.objectives.flatMap((o) =>
    o.latency && o.operation?.type === type ? [{ field: `objectives[${o.id}].latency.threshold`, value: o.latency.threshold }] : [],
  );
  for (const t of thresholds) {
    if (significantDigits(t.value) > MAX_SIGNIFICANT_DIGITS) {
      throw new SlaSpecError('PERFKIT_ERR_SLA_THRESHOLD_NOT_BOUNDARY', t.field, t.value,
        `it has more than ${MAX_SIGNIFICANT_DIGITS} significant digits (a rounding artefact?); write the decimal you mean, e.g. ${Number(t.value.toPrecision(6))}`);
    }
    if (explicit && !explicit.includes(t.value)) {
      throw new SlaSpecError('PERFKIT_ERR_SLA_THRESHOLD_NOT_BOUNDARY', t.field, t.value,
        `operationTypes.${type}.buckets [${explicit.join(', ')}] does not contain it; add ${t.value} there, or remove those buckets so perfkit inserts it`);
    }
  }
  const base = explicit ?? [...(DEFAULT_BUCKETS[type] ?? DEFAULT_BUCKETS.default!)];
  const merged = [...new Set([...base, ...thresholds.map((t) => t.value)])].sort((a, b) => a - b);
  const checked = bucketsSchema.safeParse(merged);
  if (!checked.success) {
    const field = thresholds[0]?.field ?? `operationTypes.${type}.buckets`;
    throw new SlaSpecError('PERFKIT_ERR_SLA_THRESHOLD_NOT_BOUNDARY', field, thresholds[0]?.value ?? explicit,
      `the buckets of ${type} with its thresholds would be invalid: ${checked.error.issues[0]!.message}`);
  }
  return merged;
}

function attributesFor(spec: SlaSpec, type: string): readonly AttributeKey[] {
  const allowed = spec.operationTypes[type]?.attributes;
  if (allowed === undefined) return ALL_ATTRIBUTES;
  const field = `operationTypes.${type}.attributes`;
  for (const needed of [ATTR.operationType, ATTR.outcome] as const) {
    if (!allowed.includes(needed)) {
      throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', field, allowed, `must include ${needed}: every objective is computed from it`);
    }
  }
  const named = spec.objectives.find((o) => o.operation?.type === type && o.operation.name !== undefined);
  if (named && !allowed.includes(ATTR.operationName)) {
    throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', field, allowed,
      `must include ${ATTR.operationName}: objective ${named.id} selects operation name ${named.operation!.name}`);
  }
  return ALL_ATTRIBUTES.filter((a) => allowed.includes(a));
}

function significantDigits(value: number): number {
  const mantissa = value.toExponential().split('e')[0]!.replace('-', '').replace('.', '');
  return mantissa.length;
}
