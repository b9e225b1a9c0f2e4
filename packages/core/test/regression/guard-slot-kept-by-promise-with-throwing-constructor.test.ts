/**
 * Regression: work that returned a native promise whose `constructor` getter throws made `Promise.resolve()` throw
 * inside the guard (it reads `constructor` of a native promise): the run never finished, its slot stayed taken for
 * good (a guard of one slot then refused or queued everything after it), and the caller's promise never settled.
 * Now the run ends as a failure with the getter's error and the slot is free.
 */
import { createPerfkit, type Perfkit } from '@perfkit/core';

let perf: Perfkit;
beforeEach(() => {
  perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
});
afterEach(() => perf.shutdown());

describe('regression: guard slot kept by a promise whose constructor getter throws', () => {
  it('rejects with the getter error, frees the slot and runs the next call', async () => {
    const guard = perf.guard({ name: 'g', maxConcurrent: 1, maxQueue: 1 });
    const boom = new Error('constructor getter');
    const odd = Promise.resolve(1);
    Object.defineProperty(odd, 'constructor', {
      get() {
        throw boom;
      },
    });
    await expect(guard.run('t', 'odd', () => odd)).rejects.toBe(boom);
    expect(guard.stats()).toMatchObject({ inFlight: 0, queued: 0, completed: 1 });
    await expect(guard.run('t', 'next', () => 2)).resolves.toBe(2);
  });
});
