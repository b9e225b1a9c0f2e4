import { getEventListeners } from 'node:events';
import { createPerfkit } from '@perfkit/core';

// Review finding: guard.run() took no caller signal. A call whose HTTP client had disconnected kept its place in the
// FIFO queue, then ran work nobody waited for; running work was never told the caller had left. Under overload that
// is the wasted work a guard is there to prevent. runWith({ type, name, signal }) now takes the caller's signal.

const T = 'model_operation';

function setup() {
  const perf = createPerfkit({ serviceName: 'caller-left', prometheus: { serve: false }, logLevel: 'none' });
  const guard = perf.guard({ name: 'gen', maxConcurrent: 1, maxQueue: 1 });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  return { perf, guard, held, release };
}

describe('guard ran queued work after its caller left', () => {
  it('drops a queued call when its caller disconnects, and lets the next caller have its place', async () => {
    const { perf, guard, held, release } = setup();
    const busy = guard.run(T, 'busy', () => held);
    const request = new AbortController(); // stands in for req.signal
    let ranFor = 0;
    const gone = guard.runWith({ type: T, name: 'generate', signal: request.signal }, () => ranFor++).catch((e: { code: string }) => e.code);
    request.abort(new Error('client disconnected'));
    // Its place is free at once: before, this call was refused with queue_full (maxQueue 1).
    const next = guard.run(T, 'generate', () => 'next');
    release();
    await busy;
    expect(await gone).toBe('PERFKIT_ERR_GUARD_ABORTED');
    await expect(next).resolves.toBe('next');
    expect(ranFor).toBe(0);
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
    await perf.shutdown();
  });

  it("tells running work that its caller left, through the work's own signal", async () => {
    const { perf, guard } = setup();
    const request = new AbortController();
    const why = new Error('client disconnected');
    let heard: unknown;
    const running = guard
      .runWith({ type: T, name: 'generate', signal: request.signal }, (signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject((heard = signal.reason)))),
      )
      .catch((e: { cause: unknown }) => e.cause);
    request.abort(why);
    expect(await running).toBe(why);
    expect(heard).toBe(why);
    await perf.shutdown();
  });
});
