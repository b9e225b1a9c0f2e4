/** Every error code `@perfkit/sla` throws, with its message template. */
export const SLA_ERRORS = {
  PERFKIT_ERR_INVALID_SLA_SPEC: 'Invalid SLA spec: {field} = {value}: {detail}',
  PERFKIT_ERR_SLA_THRESHOLD_NOT_BOUNDARY: 'Invalid SLA spec: {field} = {value} cannot be a bucket boundary: {detail}',
  PERFKIT_ERR_SLA_SPEC_FILE: 'Cannot read SLA spec {path}: {detail}',
} as const;

/** A code from {@link SLA_ERRORS}. */
export type SlaErrorCode = keyof typeof SLA_ERRORS;

/** Thrown for a spec that cannot be used; `field` is the dotted path of the offending key. */
export class SlaSpecError extends Error {
  /** The stable error code. */
  readonly code: SlaErrorCode;
  /** Dotted path of the field, e.g. `objectives[generate-latency].latency.threshold`. */
  readonly field: string;
  /** The value found there. */
  readonly value: unknown;

  constructor(code: SlaErrorCode, field: string, value: unknown, detail: string) {
    super(
      SLA_ERRORS[code]
        .replace('{field}', field)
        .replace('{path}', field)
        .replace('{value}', show(value))
        .replace('{detail}', detail),
    );
    this.name = 'SlaSpecError';
    this.code = code;
    this.field = field;
    this.value = value;
  }
}

function show(value: unknown): string {
  try {
    const text = typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value).slice(0, 80);
  }
}
