import { addAbortListener } from 'node:events';

// Node.js's own getters, taken once: called on a value they check that it is a real AbortSignal (they throw
// otherwise) and read its state without running anything the caller put on the object (an own `aborted` or
// `reason` getter that lies or throws).
const ABORTED = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;
const REASON = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'reason')!.get!;

/** Told when a caller's signal aborts. */
export interface CallerAbortListener {
  callerAborted(reason: unknown): void;
}

/** One listener on the signal, whatever the number of runs waiting on it. */
interface Listeners {
  readonly runs: Set<CallerAbortListener>;
  readonly listener: Disposable;
}

const bySignal = new WeakMap<AbortSignal, Listeners>();

/**
 * The caller's signal as a guard sees it (`guard.runWith({ signal })`): one `abort` listener per signal, however many
 * runs share it (1,000 calls under one request's signal add one listener, not 1,000 and a MaxListenersExceededWarning),
 * added with `events.addAbortListener` (another listener's `stopImmediatePropagation()` cannot hide the abort) and
 * removed with the last run that waits on it. Nothing here throws.
 */
export const CallerSignal = {
  /** `true`/`false`: a real AbortSignal, aborted or not; `undefined`: anything else (a look-alike object, a revoked proxy). */
  isAborted(value: unknown): boolean | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    try {
      return ABORTED.call(value) as boolean;
    } catch {
      return undefined;
    }
  },

  /** The signal's `reason`, read with Node.js's getter; an `AbortError` where even that throws (a proxy's trap). */
  reasonOf(signal: AbortSignal): unknown {
    try {
      return REASON.call(signal);
    } catch {
      return new DOMException('This operation was aborted', 'AbortError');
    }
  },

  /** Calls `run.callerAborted(reason)` when `signal` aborts; false when no listener could be added (a proxy that throws). */
  listen(signal: AbortSignal, run: CallerAbortListener): boolean {
    const known = bySignal.get(signal);
    if (known) {
      known.runs.add(run);
      return true;
    }
    const runs = new Set<CallerAbortListener>([run]);
    try {
      bySignal.set(signal, { runs, listener: addAbortListener(signal, () => abort(signal, runs)) });
      return true;
    } catch {
      return false;
    }
  },

  /** Stops telling `run`; the listener leaves the signal with the last run. */
  unlisten(signal: AbortSignal, run: CallerAbortListener): void {
    const known = bySignal.get(signal);
    if (!known || !known.runs.delete(run) || known.runs.size > 0) return;
    bySignal.delete(signal);
    try {
      known.listener[Symbol.dispose]();
    } catch {
      // A proxy whose trap throws keeps the listener; it holds only this empty set.
    }
  },
};

function abort(signal: AbortSignal, runs: Set<CallerAbortListener>): void {
  // Called for a signal that has not aborted only when an own `aborted` getter lied to addAbortListener: nothing is
  // listening any more, but a queued run is still looked at when it would start (GuardRunner's pump).
  if (CallerSignal.isAborted(signal) === false) return;
  if (bySignal.get(signal)?.runs === runs) bySignal.delete(signal);
  const reason = CallerSignal.reasonOf(signal);
  // In the order the runs were made: queued ones leave the queue first come, first gone.
  for (const run of [...runs]) run.callerAborted(reason);
  runs.clear();
}
