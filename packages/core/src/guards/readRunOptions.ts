import { formatProblem } from '../errors';
import { nearestKey } from '../nearestKey';
import { CallerSignal } from './CallerSignal';

const KEYS: readonly string[] = ['type', 'name', 'signal'];

/** What `runWith()` was asked to do, its options read once. */
export interface RunCall {
  readonly type: string;
  readonly name: string;
  readonly signal: AbortSignal | undefined;
}

/**
 * Reads `guard.runWith(options, work)`'s arguments once (each getter runs once, a throwing one is caught): the call,
 * or what is wrong with it in words (key, value and what is allowed). An unknown key is wrong, as in the guard's own
 * options: a misspelt `signal` would silently cost the caller its cancellation. `type` and `name` are taken as
 * `run()` takes them (the operation handle drops and counts what it cannot record).
 */
export function readRunOptions(options: unknown, work: unknown): RunCall | string {
  if (typeof options !== 'object' || options === null) {
    return `runWith(options, work) expects options to be an object { type, name, signal? }, got ${options === null ? 'null' : typeof options}`;
  }
  let keys: string[];
  let type: unknown;
  let name: unknown;
  let signal: unknown;
  try {
    keys = Object.keys(options);
    ({ type, name, signal } = options as Record<string, unknown>);
  } catch {
    return 'runWith(options, work): options could not be read (a getter or proxy threw while reading it)';
  }
  const unknownKey = keys.find((key) => !KEYS.includes(key));
  if (unknownKey !== undefined) {
    const near = nearestKey(unknownKey, KEYS);
    const allowed = `unknown option; expected one of ${KEYS.join(', ')}${near ? `; did you mean "${near}"?` : ''}`;
    return `runWith(options, work): ${formatProblem({ key: `options.${unknownKey.slice(0, 64)}`, value: readKey(options, unknownKey), allowed })}`;
  }
  if (typeof work !== 'function') return `runWith(options, work) expects work to be a function, got ${typeof work}`;
  if (signal !== undefined && CallerSignal.isAborted(signal) === undefined) {
    const allowed = 'expected an AbortSignal (AbortController#signal, a request signal, AbortSignal.timeout(ms), AbortSignal.any([...])) or undefined';
    return `runWith(options, work): ${formatProblem({ key: 'options.signal', value: signal, allowed })}`;
  }
  return { type: type as string, name: name as string, signal: signal as AbortSignal | undefined };
}

function readKey(options: object, key: string): unknown {
  try {
    return (options as Record<string, unknown>)[key];
  } catch {
    return '<unreadable>';
  }
}
