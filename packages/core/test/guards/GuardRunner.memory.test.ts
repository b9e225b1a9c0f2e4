import { createPerfkit, GuardResourceError, type GuardOptions, type Perfkit } from '@perfkit/core';

// A guard's memory budget as the guard sees it (issue 18): process.memoryUsage() is replaced by readings the test
// sets, since real growth under the load of a mutation run is not repeatable (MemorySampler.test.ts measures real
// growth). The sampler reads memory every interval while a run is watched; each reading below is set by hand.

const MB = 1048576;
const T = 'model_operation';

const open: Perfkit[] = [];
afterEach(async () => {
  jest.restoreAllMocks();
  await Promise.all(open.splice(0).map((p) => p.shutdown()));
});

/** Memory readings set by the test; `nextReading()` resolves once the sampler has taken (and judged) one more. */
function fakeMemory(readings: { throws?: boolean } = {}) {
  const state = { rss: 100 * MB, heapUsed: 10 * MB };
  let waiting: Array<() => void> = [];
  jest.spyOn(process, 'memoryUsage').mockImplementation(() => {
    const wake = waiting;
    waiting = [];
    // Resolved after this reading returns: the sampler has compared it with the budget by then.
    for (const w of wake) queueMicrotask(w);
    if (readings.throws) throw new Error('no /proc here');
    return { rss: state.rss, heapTotal: 2 * state.heapUsed, heapUsed: state.heapUsed, external: 0, arrayBuffers: 0 };
  });
  // A guard that never samples would leave the work waiting: past 2 s (400 intervals) it goes on, and fails its asserts.
  const nextReading = () => new Promise<void>((resolve) => (waiting.push(resolve), setTimeout(resolve, 2000).unref()));
  return { state, nextReading };
}

function setup(options: Partial<GuardOptions>) {
  const perf = createPerfkit({ serviceName: 'guard-memory-test', prometheus: { serve: false }, logLevel: 'none' });
  open.push(perf);
  return perf.guard({ name: 'mem', maxConcurrent: 1, memorySampleIntervalMs: 5, ...options });
}

describe('GuardRunner memory budget (readings set by hand)', () => {
  it('reports the largest growth a run saw under its 2 MB budget and lets it finish', async () => {
    const memory = fakeMemory();
    const guard = setup({ memoryBudgetMb: 2 });
    const value = await guard.run(T, 'under', async () => {
      memory.state.rss += MB; // 1 MB of resident growth since the run started: under 2 MB
      await memory.nextReading();
      return 'done';
    });
    expect(value).toBe('done');
    expect(guard.stats()).toMatchObject({ peakMemoryGrowthBytes: MB, resourceAborts: 0, completed: 1 });
  });

  it('aborts a run whose heap grows past the budget, with the budget and both growths in bytes', async () => {
    const memory = fakeMemory();
    const guard = setup({ memoryBudgetMb: 2 });
    const result = guard.run(T, 'over', async (signal) => {
      memory.state.heapUsed += 3 * MB; // heap + external 3 MB over the start: past 2 MB
      await new Promise((resolve) => (signal.addEventListener('abort', resolve), setTimeout(resolve, 2000).unref()));
    });
    const err = await result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GuardResourceError);
    expect(err).toMatchObject({ budgetBytes: 2 * MB, rssGrowthBytes: 0, heapGrowthBytes: 3 * MB });
    expect(guard.stats()).toMatchObject({ peakMemoryGrowthBytes: 3 * MB, resourceAborts: 1 });
  });

  it('watches no memory for a guard without a budget: no peak, no abort, whatever the growth', async () => {
    const memory = fakeMemory();
    const guard = setup({});
    const value = await guard.run(T, 'free', async () => {
      memory.state.rss += 500 * MB;
      await new Promise((resolve) => setTimeout(resolve, 30)); // six sampling intervals of a guard with a budget
      return 'done';
    });
    expect(value).toBe('done');
    expect(guard.stats()).toMatchObject({ peakMemoryGrowthBytes: 0, resourceAborts: 0 });
  });

  it('runs the work and keeps no peak when memory cannot be read at all', async () => {
    const memory = fakeMemory({ throws: true });
    const guard = setup({ memoryBudgetMb: 1 });
    const value = await guard.run(T, 'unreadable', async () => {
      memory.state.rss += 500 * MB;
      await memory.nextReading();
      return 'done';
    });
    expect(value).toBe('done');
    expect(guard.stats()).toMatchObject({ peakMemoryGrowthBytes: 0, resourceAborts: 0, completed: 1 });
  });
});
