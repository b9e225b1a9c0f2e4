import type { DropReason } from '../names';
import type { Operation, OperationContext, OperationTimer } from '../types';

/**
 * What `perf.operation()` returns for a type or name it cannot record (unknown type, invalid name):
 * the work still runs and its result or error passes through; each measurement is counted as dropped.
 */
export class DroppingOperation implements Operation {
  constructor(
    readonly type: string,
    readonly name: string,
    private readonly reason: DropReason,
    private readonly drop: (reason: DropReason) => void,
  ) {}

  track<T>(fn: (op: OperationContext) => T): T {
    this.drop(this.reason);
    return typeof fn === 'function' ? fn(this) : (undefined as T);
  }

  start(): OperationTimer {
    let ended = false;
    const end = (): number => {
      if (!ended) this.drop(this.reason);
      ended = true;
      return 0;
    };
    return {
      end,
      fail: end,
      get isEnded() {
        return ended;
      },
    };
  }

  private dropIt = (): void => this.drop(this.reason);
  record = this.dropIt;
  addBytes = this.dropIt;
  retry = this.dropIt;
  addItems = this.dropIt;
  integrityCheck = this.dropIt;
  integrityScore = this.dropIt;
  corruptionsFound = this.dropIt;
  alternativesConsidered = this.dropIt;
  compatibilityScore = this.dropIt;
  addTokens = this.dropIt;
  addRecords = this.dropIt;
}

const noop = (): void => {};
const NOOP_TIMER: OperationTimer = { end: () => 0, fail: () => 0, isEnded: false };

/** The one operation of a disabled perfkit: runs the work, measures and counts nothing. */
export const DISABLED_OPERATION: Operation = {
  type: '',
  name: '',
  track<T>(fn: (op: OperationContext) => T): T {
    return typeof fn === 'function' ? fn(DISABLED_OPERATION) : (undefined as T);
  },
  start: () => NOOP_TIMER,
  record: noop,
  addBytes: noop,
  retry: noop,
  addItems: noop,
  integrityCheck: noop,
  integrityScore: noop,
  corruptionsFound: noop,
  alternativesConsidered: noop,
  compatibilityScore: noop,
  addTokens: noop,
  addRecords: noop,
};
