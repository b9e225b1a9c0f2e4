/** Every error code `@perfkit/sla` throws, with its message template. */
export const SLA_ERRORS = {
  PERFKIT_ERR_INVALID_SLA_SPEC: 'Invalid SLA spec: {field} = {value}: {detail}',
  PERFKIT_ERR_SLA_THRESHOLD_NOT_BOUNDARY: 'Invalid SLA spec: {field} = {value} cannot be a bucket boundary: {detail}',
  PERFKIT_ERR_SLA_SPEC_FILE: 'Cannot read SLA spec {path}: {detail}',
} as const;

/** A code from {@link SLA_ERRORS}. */
export type SlaErrorCode = keyof typeof SLA_ERRORS;

/** One problem of a spec: the field, the value found there, what is allowed, and its code. */
export interface SlaProblem {
  readonly code: SlaErrorCode;
  /** Dotted path of the field, e.g. `objectives[generate-latency].latency.threshold`. */
  readonly field: string;
  readonly value: unknown;
  readonly detail: string;
}

/** Problems spelled out in the message; `problems` keeps them all. */
const MAX_PROBLEMS_IN_MESSAGE = 10;
const PREFIX = 'Invalid SLA spec: ';

/**
 * Thrown for a spec that cannot be used; `field`, `value` and `code` are the first problem's, `problems` has every
 * one. The message lists them all, one per line (the first ten, then how many more), as core's configuration errors do.
 */
export class SlaSpecError extends Error {
  /** The stable error code (the first problem's). */
  readonly code: SlaErrorCode;
  /** Dotted path of the (first) field, e.g. `objectives[generate-latency].latency.threshold`. */
  readonly field: string;
  /** The value found there. */
  readonly value: unknown;
  /** Every problem found, in the order of the spec. */
  readonly problems: readonly SlaProblem[];

  constructor(code: SlaErrorCode, field: string, value: unknown, detail: string, problems?: readonly SlaProblem[]) {
    const all = problems && problems.length > 0 ? problems : [{ code, field, value, detail }];
    super(all.length === 1 ? render(all[0]!) : several(all));
    this.name = 'SlaSpecError';
    this.code = all[0]!.code;
    this.field = all[0]!.field;
    this.value = all[0]!.value;
    this.problems = all;
  }

  /** One error for several problems (the first one's code, field and value on the error itself). */
  static of(problems: readonly SlaProblem[]): SlaSpecError {
    const first = problems[0]!;
    return new SlaSpecError(first.code, first.field, first.value, first.detail, problems);
  }
}

function render(p: SlaProblem): string {
  return SLA_ERRORS[p.code]
    .replace('{field}', p.field)
    .replace('{path}', p.field)
    .replace('{value}', show(p.value))
    .replace('{detail}', p.detail);
}

function several(all: readonly SlaProblem[]): string {
  const lines = all.slice(0, MAX_PROBLEMS_IN_MESSAGE).map((p) => {
    const text = render(p);
    return text.startsWith(PREFIX) ? text.slice(PREFIX.length) : text;
  });
  if (all.length > MAX_PROBLEMS_IN_MESSAGE) lines.push(`... and ${all.length - MAX_PROBLEMS_IN_MESSAGE} more (err.problems lists every one)`);
  return `${PREFIX}${all.length} problems\n  ${lines.join('\n  ')}`;
}

function show(value: unknown): string {
  try {
    const text = typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value).slice(0, 80);
  }
}
