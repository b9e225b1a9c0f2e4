import fc from 'fast-check';
import { PerfkitError, type Perfkit } from '@perfkit/core';
import { endOptions, hostileNumber, hostileValue, operationName, operationType, thrown } from './hostile';
import type { RecordModel } from './RecordModel';

// One action of the property test: a call a user could make on the record path, with hostile arguments.
export type Action =
  | { kind: 'trackReturn'; type: unknown; name: unknown; viaPerf: boolean; value: unknown }
  | { kind: 'trackThrow'; type: unknown; name: unknown; viaPerf: boolean; error: unknown }
  | { kind: 'trackAsync'; type: unknown; name: unknown; ok: boolean; value: unknown }
  | { kind: 'trackThenable'; type: unknown; name: unknown; variant: 'both' | 'twice' | 'thenThrows' | 'thenGetterThrows' }
  | { kind: 'trackNotAFunction'; type: unknown; name: unknown; fn: unknown }
  | { kind: 'startEnd'; type: unknown; name: unknown; options: unknown; again: 'no' | 'end' | 'fail' | 'leaveOpen' }
  | { kind: 'startFail'; type: unknown; name: unknown; error: unknown }
  | { kind: 'record'; type: unknown; name: unknown; seconds: unknown; options: unknown }
  | { kind: 'figure'; type: unknown; name: unknown; method: FigureMethod; value: unknown }
  | { kind: 'register'; type: unknown; options: unknown }
  | { kind: 'read'; what: 'snapshot' | 'active' | 'types' | 'status' | 'plugin'; arg: unknown };

type FigureMethod = keyof typeof FIGURE_METHODS;
const FIGURE_METHODS = {
  addBytes: 'downloadBytes',
  addItems: 'items',
  corruptionsFound: 'corruptions',
  alternativesConsidered: 'alternatives',
  addTokens: 'tokens',
  addRecords: 'records',
  retry: 'retries',
  integrityCheck: 'integrityPassed',
  integrityScore: 0,
  compatibilityScore: 1,
} as const;

const target = { type: operationType, name: operationName };
/** A random record-path call. */
export const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('trackReturn' as const), ...target, viaPerf: fc.boolean(), value: hostileValue.filter((v) => typeof v !== 'function') }),
  fc.record({ kind: fc.constant('trackThrow' as const), ...target, viaPerf: fc.boolean(), error: thrown }),
  fc.record({ kind: fc.constant('trackAsync' as const), ...target, ok: fc.boolean(), value: thrown }),
  fc.record({ kind: fc.constant('trackThenable' as const), ...target, variant: fc.constantFrom('both' as const, 'twice' as const, 'thenThrows' as const, 'thenGetterThrows' as const) }),
  fc.record({ kind: fc.constant('trackNotAFunction' as const), ...target, fn: hostileValue.filter((v) => typeof v !== 'function') }),
  fc.record({ kind: fc.constant('startEnd' as const), ...target, options: endOptions, again: fc.constantFrom('no' as const, 'end' as const, 'fail' as const, 'leaveOpen' as const) }),
  fc.record({ kind: fc.constant('startFail' as const), ...target, error: thrown }),
  fc.record({ kind: fc.constant('record' as const), ...target, seconds: hostileNumber, options: endOptions }),
  fc.record({ kind: fc.constant('figure' as const), ...target, method: fc.constantFrom(...(Object.keys(FIGURE_METHODS) as FigureMethod[])), value: fc.oneof(hostileNumber, fc.boolean()) }),
  fc.record({
    kind: fc.constant('register' as const),
    type: fc.oneof(fc.constantFrom('indexing', 'custom_type', 'Bad', ''), hostileValue),
    options: fc.oneof(fc.constant(undefined), fc.record({ buckets: fc.oneof(fc.constant([0.1, 1]), fc.constant([1, 0.1]), hostileValue) }), hostileValue),
  }),
  fc.record({ kind: fc.constant('read' as const), what: fc.constantFrom('snapshot' as const, 'active' as const, 'types' as const, 'status' as const, 'plugin' as const), arg: hostileValue }),
);


const same = (a: unknown, b: unknown) => Object.is(a, b);
const settle = (p: Promise<unknown>) => p.then((value) => ({ ok: true, value }), (value: unknown) => ({ ok: false, value }));

/** Applies one action to perfkit and to the model; returns a promise to await for async outcomes. */
export function apply(perf: Perfkit, model: RecordModel, a: Action, open: unknown[]): Promise<void> | void {
  if (a.kind === 'register') {
    try {
      perf.registerOperationType(a.type as string, a.options as { buckets?: number[] });
      model.types.add(a.type as string);
    } catch (err) {
      if (!(err instanceof PerfkitError)) throw new Error(`registerOperationType threw a non-perfkit error: ${String(err)}`);
    }
    return;
  }
  if (a.kind === 'read') {
    if (a.what === 'snapshot') perf.snapshot();
    else if (a.what === 'active') perf.activeOperations();
    else if (a.what === 'types') perf.operationTypes();
    else if (a.what === 'status') perf.exportStatus();
    else perf.plugin(a.arg as string);
    return;
  }
  const op = perf.operation(a.type as string, a.name as string);
  const s = model.resolve(a.type, a.name);
  const count = (outcome: 'success' | 'failure') => (typeof s === 'string' ? model.drop(s) : s.outcomes[outcome]++);
  switch (a.kind) {
    case 'trackReturn': {
      const fn = () => a.value;
      const got = a.viaPerf ? perf.trackOperation(a.type as string, a.name as string, fn) : op.track(fn);
      if (!same(got, a.value)) throw new Error('track() did not return what the function returned');
      count('success');
      return;
    }
    case 'trackThrow': {
      let caught: unknown = 'nothing';
      try {
        const fn = () => {
          throw a.error;
        };
        if (a.viaPerf) perf.trackOperation(a.type as string, a.name as string, fn);
        else op.track(fn);
      } catch (err) {
        caught = err;
      }
      if (!same(caught, a.error)) throw new Error('track() did not re-throw exactly what the function threw');
      count(typeof s === 'string' ? 'success' : 'failure');
      return;
    }
    case 'trackAsync': {
      // How a plain promise settles decides the outcome (resolving with a value whose `then` getter throws rejects).
      const inner = a.ok ? Promise.resolve(a.value) : Promise.reject(a.value);
      const p = op.track(() => inner) as Promise<unknown>;
      return Promise.all([settle(inner), settle(p)]).then(([expected, got]) => {
        if (expected.ok !== got.ok || !same(expected.value, got.value)) throw new Error('async track() settled differently from the promise it tracked');
        count(expected.ok ? 'success' : 'failure');
      });
    }
    case 'trackThenable': {
      const boom = new Error('then');
      const thenable =
        a.variant === 'thenGetterThrows'
          ? Object.defineProperty({}, 'then', {
              get() {
                throw boom;
              },
            })
          : {
              then(ok: (v: unknown) => void, fail: (e: unknown) => void) {
                if (a.variant === 'thenThrows') throw boom;
                ok(1);
                if (a.variant === 'both') fail(boom);
                else ok(2);
              },
            };
      // A foreign thenable is returned as it is and timed as synchronous work (its `then` is never called).
      const got = op.track(() => thenable) as unknown;
      count('success');
      if (got !== thenable) throw new Error('a foreign thenable was not passed through unchanged');
      return;
    }
    case 'trackNotAFunction': {
      const got = op.track(a.fn as () => unknown);
      if (got !== undefined) throw new Error('track(non-function) returned something');
      model.drop(typeof s === 'string' ? s : 'invalid_value');
      return;
    }
    case 'startEnd': {
      const timer = perf.operation(a.type as string, a.name as string).start();
      if (typeof s !== 'string') s.active++;
      if (a.again === 'leaveOpen') {
        open.push(timer);
        return;
      }
      const seconds = timer.end(a.options as never);
      if (typeof seconds !== 'number' || !(seconds >= 0)) throw new Error('end() returned a non-duration');
      if (!timer.isEnded) throw new Error('isEnded false after end()');
      if (typeof s === 'string') model.drop(s);
      else {
        s.active--;
        model.endWith(s, a.options);
      }
      if (a.again === 'end') timer.end();
      if (a.again === 'fail') timer.fail(new Error('late'));
      if (a.again !== 'no' && typeof s !== 'string') model.drop('already_ended');
      return;
    }
    case 'startFail': {
      op.start().fail(a.error);
      count('failure');
      return;
    }
    case 'record': {
      op.record(a.seconds as number, a.options as never);
      if (typeof s === 'string') model.drop(s);
      else if (typeof a.seconds !== 'number' || !(a.seconds >= 0) || a.seconds === Infinity) model.drop('invalid_value');
      else model.endWith(s, a.options);
      return;
    }
    case 'figure': {
      (op[a.method] as (v: unknown) => void)(a.value);
      if (typeof s === 'string') return model.drop(s);
      const slot = FIGURE_METHODS[a.method];
      if (slot === 0 || slot === 1) model.addScore(s, slot, a.value);
      else if (a.method === 'retry') model.addFigure(s, 'retries', 1);
      else if (a.method === 'integrityCheck') {
        if (typeof a.value !== 'boolean') model.drop('invalid_value');
        else model.addFigure(s, a.value ? 'integrityPassed' : 'integrityFailed', 1);
      } else model.addFigure(s, slot, a.value);
      return;
    }
  }
}

