import { safeString } from '../errors';
import type { GuardRejectReason, Outcome } from '../names';

/** Codes of the errors a guard gives its callers at run time, with their message templates. */
export const GUARD_ERRORS = {
  PERFKIT_ERR_GUARD_REJECTED: 'guard "{guard}" refused {operation}: {detail}',
  PERFKIT_ERR_GUARD_TIMEOUT: 'guard "{guard}" aborted {operation}: it ran past its timeout of {timeoutMs} ms',
  PERFKIT_ERR_GUARD_RESOURCE: 'guard "{guard}" aborted {operation}: process memory grew by {grewMb} MB ({which}) while it ran, past its budget of {budgetMb} MB',
  PERFKIT_ERR_GUARD_ABORTED: 'guard "{guard}" stopped {operation}: the caller\'s signal was aborted {when}',
  PERFKIT_ERR_GUARD_INVALID_ARGUMENT: 'guard "{guard}": {detail}',
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

  protected constructor(code: GuardErrorCode, guard: string, type: string, name: string, params: Record<string, string | number>, options?: ErrorOptions) {
    super(format(code, { guard, operation: `${safeString(type, 64)}/${safeString(name, 128)}`, ...params }), options);
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
    /** Why it was refused (a caller's abort is a {@link GuardAbortedError} instead). */
    readonly reason: Exclude<GuardRejectReason, 'caller_aborted'>,
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

/** When a caller's signal aborted: before the call, while the call waited for a slot, or while its work ran. */
export type GuardAbortPhase = 'before_call' | 'queued' | 'running';

const WHEN: Record<GuardAbortPhase, string> = {
  before_call: 'before the call',
  queued: 'while it waited for a slot',
  running: "while it ran (the work's signal was aborted with the caller's reason)",
};

/**
 * The caller's signal (`guard.runWith({ signal })`) aborted: the caller has gone, so the guard stopped waiting for it
 * or told its work. `cause` is the caller's `signal.reason`. Recorded as `cancelled`, not as an error of the service.
 */
export class GuardAbortedError extends GuardError {
  readonly code = 'PERFKIT_ERR_GUARD_ABORTED' as const;
  readonly outcome = 'cancelled' as const;

  constructor(
    guard: string,
    type: string,
    name: string,
    /** `before_call` and `queued`: the work never ran; `running`: its signal was aborted with `cause`. */
    readonly phase: GuardAbortPhase,
    /** The caller's `signal.reason`. */
    cause: unknown,
  ) {
    super('PERFKIT_ERR_GUARD_ABORTED', guard, type, name, { when: WHEN[phase] }, { cause });
    this.name = 'GuardAbortedError';
  }
}

/**
 * A guard was called with arguments it cannot use (work that is not a function, `runWith` options it cannot read,
 * a `signal` that is no AbortSignal): the promise rejects with it, nothing runs and nothing is recorded. A
 * `TypeError` with a `code`, as Node.js's own argument errors are.
 */
export class GuardArgumentError extends TypeError {
  readonly code = 'PERFKIT_ERR_GUARD_INVALID_ARGUMENT' as const;

  constructor(guard: string, detail: string) {
    super(format('PERFKIT_ERR_GUARD_INVALID_ARGUMENT', { guard, detail }));
    // Named as Node.js names its own (`TypeError [ERR_INVALID_ARG_TYPE]`): callers that log err.name see what it was before it had a code.
    this.name = 'TypeError';
  }
}

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
