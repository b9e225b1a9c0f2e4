import { context, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { createPerfkit, type Perfkit } from '@perfkit/core';

// With exemplars on, every record asks the app's context manager for the active span and reads its span context.
// Both are the app's code: a span whose spanContext() threw made a sync track() throw after the user's function had
// returned, and turned an async track()'s resolved value into a rejection. Instrumentation never throws into user code.

const broken = { spanContext: () => { throw new Error('span exploded'); }, isRecording: () => true } as unknown as Span;
const manager = {
  active: () => trace.setSpan(ROOT_CONTEXT, broken),
  with: <A extends unknown[], F extends (...args: A) => ReturnType<F>>(_ctx: unknown, fn: F, thisArg?: ThisParameterType<F>, ...args: A) => fn.call(thisArg, ...args),
  bind: <T>(_ctx: unknown, target: T) => target,
  enable() {
    return this;
  },
  disable() {
    return this;
  },
};

let perf: Perfkit;
beforeAll(() => {
  context.setGlobalContextManager(manager as never);
  perf = createPerfkit({ serviceName: 'x', prometheus: { serve: false }, logLevel: 'none', exemplars: true });
});
afterAll(async () => {
  await perf.shutdown();
  context.disable();
});

describe('regression: a span whose spanContext() throws reached the caller of track() through the exemplar lookup', () => {
  it('returns the sync value and settles the async promise with the value, recording both', async () => {
    const op = perf.operation('download', 'x');
    expect(op.track(() => 1)).toBe(1);
    await expect(op.track(async () => 7)).resolves.toBe(7);
    await expect(op.track(async () => Promise.reject(new RangeError('own')))).rejects.toThrow('own');
    const series = perf.snapshot().series.filter((s) => s.name === 'x');
    expect(series.map((s) => `${s.outcome} ${s.count}`).sort()).toEqual(['failure 1', 'success 2']);
  });
});
