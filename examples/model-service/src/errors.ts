/**
 * Errors the simulated model service throws. Each carries a stable `code`, which perfkit records as the
 * low-cardinality `error.type` of a failed operation (the OpenTelemetry convention).
 */
export class ModelServiceError extends Error {
  /** Stable code, used as `error.type` on the failed operation. */
  readonly code: string;
  /** HTTP status this error maps to. */
  readonly status: number;

  constructor(code: string, message: string, status = 500) {
    super(message);
    this.name = 'ModelServiceError';
    this.code = code;
    this.status = status;
  }
}

/** Codes used by the service, one per failure mode a user can provoke with the knobs. */
export const ERROR_CODES = {
  connectionReset: 'ECONNRESET',
  integrityMismatch: 'INTEGRITY_MISMATCH',
  downloadExhausted: 'DOWNLOAD_RETRIES_EXHAUSTED',
  modelNotFound: 'MODEL_NOT_FOUND',
  noCompatibleModel: 'NO_COMPATIBLE_MODEL',
  generateTimeout: 'GENERATE_TIMEOUT',
  outOfMemory: 'OUT_OF_MEMORY',
  badRequest: 'BAD_REQUEST',
  clientDisconnected: 'CLIENT_DISCONNECTED',
} as const;
