import { safeString } from '../errors';
import type { GuardRejectReason, Outcome } from '../names';

/** Codes of the errors a guard gives its callers at run time, with their message templates. */
export const GUARD_ERRORS = {
  PERFKIT_ERR_GUARD_REJECTED: 'guard "{guard}" refused {operation}: {detail}',
  PERFKIT_ERR_GUARD_TIMEOUT: 'guard "{guard}" aborted {operation}: it ran past its timeout of {timeoutMs} ms',
  PERFKIT_ERR_GUARD_RESOURCE: 'guard "{guard}" aborted {operation}: process memory grew by {grewMb} MB ({which}) while it ran, past its budget of {budgetMb} MB',
} as const;

/** A code from {@link GUARD_ERRORS}. */
export type GuardErrorCode = keyof typeof GUARD_ERRORS;

function format(code: GuardErrorCode, params: Record<string, string | number>): string {
  return GUARD_ERRORS[code].replace(/\{(\w+)\}/g, (_, key: string) => String(params[key] ?? `{${key}}`));
}

/** Base class of what a guard throws instead of running (or finishing) the work; match on `code` or `outcome`. */
export abstract class GuardError extends Error {
  /** Stable code, one of {@link GUARD_ERRORS}. */
  abstract readonly code: GuardErrorCode;
  /** The outcome recorded for the operation. */
  abstract readonly outcome: Outcome;
  /** Name of the guard. */
  readonly guard: string;
  /** Operation type and name, as given to `run()`. */
  readonly operationType: string;
  readonly operationName: string;

  protected constructor(code: GuardErrorCode, guard: string, type: string, name: string, params: Record<string, string | number>) {
    super(format(code, { guard, operation: `${safeString(type, 64)}/${safeString(name, 128)}`, ...params }));
    this.guard = guard;
    this.operationType = type;
    this.operationName = name;
  }
}

/** The guard did not run the work: its queue was full, the wait ran past `queueTimeoutMs`, or it was shut down. */
export class GuardRejectedError extends GuardError {
  readonly code = 'PERFKIT_ERR_GUARD_REJECTED' as const;
  readonly outcome = 'rejected' as const;

  constructor(
    guard: string,
    type: string,
    name: string,
    /** Why it was refused. */
    readonly reason: GuardRejectReason,
    detail: string,
  ) {
    super('PERFKIT_ERR_GUARD_REJECTED', guard, type, name, { detail });
    this.name = 'GuardRejectedError';
  }
}

/** The work ran past `timeoutMs`: its signal was aborted with this error as the reason. */
export class GuardTimeoutError extends GuardError {
  readonly code = 'PERFKIT_ERR_GUARD_TIMEOUT' as const;
  readonly outcome = 'timeout' as const;

  constructor(
    guard: string,
    type: string,
    name: string,
    /** The timeout that was exceeded, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super('PERFKIT_ERR_GUARD_TIMEOUT', guard, type, name, { timeoutMs });
    this.name = 'GuardTimeoutError';
  }
}

/** Process memory grew past `memoryBudgetMb` while the work ran: its signal was aborted with this error as the reason. */
export class GuardResourceError extends GuardError {
  readonly code = 'PERFKIT_ERR_GUARD_RESOURCE' as const;
  readonly outcome = 'resource_exceeded' as const;

  constructor(
    guard: string,
    type: string,
    name: string,
    /** The budget, in bytes. */
    readonly budgetBytes: number,
    /** Growth of the resident set size since the work started, in bytes. */
    readonly rssGrowthBytes: number,
    /** Growth of the V8 heap in use plus external memory (Buffers) since the work started, in bytes. */
    readonly heapGrowthBytes: number,
  ) {
    const rssOver = rssGrowthBytes >= heapGrowthBytes;
    super('PERFKIT_ERR_GUARD_RESOURCE', guard, type, name, {
      grewMb: mb(Math.max(rssGrowthBytes, heapGrowthBytes)),
      which: rssOver ? 'resident set' : 'heap and external',
      budgetMb: mb(budgetBytes),
    });
    this.name = 'GuardResourceError';
  }
}

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
