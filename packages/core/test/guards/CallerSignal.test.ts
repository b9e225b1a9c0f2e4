import { getEventListeners } from 'node:events';
import { CallerSignal, type CallerAbortListener } from '../../src/guards/CallerSignal';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

function setup() {
  const told: Array<[number, unknown]> = [];
  const run = (id: number): CallerAbortListener => ({ callerAborted: (reason) => told.push([id, reason]) });
  return { told, run, controller: new AbortController() };
}

describe('CallerSignal', () => {
  describe('isAborted', () => {
    it('reads real signals, aborted or not', () => {
      const { controller } = setup();
      expect(CallerSignal.isAborted(controller.signal)).toBe(false);
      controller.abort();
      expect(CallerSignal.isAborted(controller.signal)).toBe(true);
      expect(CallerSignal.isAborted(AbortSignal.abort('x'))).toBe(true);
      expect(CallerSignal.isAborted(AbortSignal.timeout(60_000))).toBe(false);
      expect(CallerSignal.isAborted(AbortSignal.any([new AbortController().signal]))).toBe(false);
    });

    it('says undefined for anything that is not an AbortSignal, look-alikes and proxies whose traps throw included', () => {
      const lookalike = { aborted: false, reason: undefined, addEventListener() {}, removeEventListener() {} };
      const { proxy, revoke } = Proxy.revocable(new AbortController().signal, {});
      revoke();
      const throwing = new Proxy(new AbortController().signal, { get: () => { throw new Error('trap'); } });
      for (const value of [undefined, null, 0, NaN, 'signal', Symbol('s'), lookalike, Object.create(AbortSignal.prototype), new EventTarget(), AbortSignal, proxy, throwing]) {
        expect(CallerSignal.isAborted(value)).toBeUndefined();
      }
    });

    it('ignores an own `aborted` getter: it reads the signal, not what was put on it', () => {
      const { controller } = setup();
      Object.defineProperty(controller.signal, 'aborted', { get: () => { throw new Error('getter'); } });
      expect(CallerSignal.isAborted(controller.signal)).toBe(false);
    });
  });

  describe('reasonOf', () => {
    it("gives the signal's reason, whatever own getter was put on it, and an AbortError where even that cannot be read", () => {
      const { controller } = setup();
      const why = new Error('why');
      controller.abort(why);
      Object.defineProperty(controller.signal, 'reason', { get: () => { throw new Error('getter'); } });
      expect(CallerSignal.reasonOf(controller.signal)).toBe(why);
      expect(CallerSignal.reasonOf(AbortSignal.abort(undefined))).toMatchObject({ name: 'AbortError' }); // Node's own default reason
      const throwing = new Proxy(AbortSignal.abort('x'), { get: () => { throw new Error('trap'); } });
      const fallback = CallerSignal.reasonOf(throwing);
      expect(fallback).toBeInstanceOf(DOMException);
      expect(fallback).toMatchObject({ name: 'AbortError', message: 'This operation was aborted' });
    });
  });

  describe('listen and unlisten', () => {
    it('adds one listener for many runs and removes it with the last one', () => {
      const { run, controller } = setup();
      const runs = Array.from({ length: 1000 }, (_, i) => run(i));
      for (const r of runs) expect(CallerSignal.listen(controller.signal, r)).toBe(true);
      expect(listeners(controller.signal)).toBe(1);
      for (const r of runs.slice(0, 999)) CallerSignal.unlisten(controller.signal, r);
      expect(listeners(controller.signal)).toBe(1);
      CallerSignal.unlisten(controller.signal, runs[999]!);
      expect(listeners(controller.signal)).toBe(0);
      CallerSignal.unlisten(controller.signal, runs[0]!); // again, and for a signal nobody listens to: nothing happens
      CallerSignal.unlisten(new AbortController().signal, runs[0]!);
    });

    it('tells every listening run, in the order they came, with the reason, once', () => {
      const { told, run, controller } = setup();
      const [a, b, c] = [run(1), run(2), run(3)];
      CallerSignal.listen(controller.signal, a);
      CallerSignal.listen(controller.signal, b);
      CallerSignal.listen(controller.signal, c);
      CallerSignal.unlisten(controller.signal, b);
      controller.abort('gone');
      expect(told).toEqual([[1, 'gone'], [3, 'gone']]);
      expect(listeners(controller.signal)).toBe(0);
      CallerSignal.unlisten(controller.signal, a); // after the abort: nothing to remove, nothing thrown
      controller.abort('again');
      expect(told).toHaveLength(2);
    });

    it('tells the runs of each signal apart', () => {
      const { told, run } = setup();
      const first = new AbortController();
      const second = new AbortController();
      CallerSignal.listen(first.signal, run(1));
      CallerSignal.listen(second.signal, run(2));
      second.abort('second');
      expect(told).toEqual([[2, 'second']]);
      first.abort('first');
      expect(told).toEqual([[2, 'second'], [1, 'first']]);
    });

    it('is heard when an earlier listener stops the propagation of the abort event', () => {
      const { told, run, controller } = setup();
      controller.signal.addEventListener('abort', (event) => event.stopImmediatePropagation());
      CallerSignal.listen(controller.signal, run(1));
      controller.abort('heard');
      expect(told).toEqual([[1, 'heard']]);
    });

    it('says false, and throws nothing, for a signal that cannot be listened to', () => {
      const { run } = setup();
      const signal = new AbortController().signal;
      const proxy = new Proxy(signal, { get: (t, k) => (k === 'addEventListener' ? (() => { throw new Error('trap'); }) : Reflect.get(t, k, t)) });
      expect(CallerSignal.listen(proxy, run(1))).toBe(false);
      expect(listeners(signal)).toBe(0);
      // Tried again later: still refused (nothing half-made was kept for it).
      expect(CallerSignal.listen(proxy, run(2))).toBe(false);
    });

    it('ignores a call back for a signal that has not aborted (an own `aborted` getter that lies)', async () => {
      const { told, run, controller } = setup();
      Object.defineProperty(controller.signal, 'aborted', { get: () => true });
      expect(CallerSignal.listen(controller.signal, run(1))).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(told).toEqual([]);
    });
  });
});
