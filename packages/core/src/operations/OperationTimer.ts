import type { EndOptions, OperationTimer } from '../types';
import type { OperationHandle } from './OperationHandle';

/** The timer `handle.start()` returns; a second `end()`/`fail()` is counted as dropped, never recorded twice. */
export class Timer implements OperationTimer {
  private ended = false;

  constructor(
    private readonly handle: OperationHandle,
    private readonly t0: number,
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  end(options?: EndOptions): number {
    if (this.ended) return this.again();
    this.ended = true;
    if (options === undefined || options === null) return this.handle.finishSuccess(this.t0);
    let outcome: unknown;
    let errorType: unknown;
    try {
      outcome = options.outcome;
      errorType = options.errorType;
    } catch {
      outcome = null;
    }
    return this.handle.finishWith(this.t0, outcome, errorType);
  }

  fail(error: unknown): number {
    if (this.ended) return this.again();
    this.ended = true;
    return this.handle.finishFailure(this.t0, error);
  }

  private again(): number {
    this.handle.dropAlreadyEnded();
    return 0;
  }
}
