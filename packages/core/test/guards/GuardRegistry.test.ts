import { createPerfkit, GUARD_METRICS, PerfkitError } from '@perfkit/core';

const T = 'model_operation';

function setup() {
  const perf = createPerfkit({ serviceName: 'guard-registry-test', prometheus: { serve: false }, logLevel: 'none' });
  return { perf };
}

describe('GuardRegistry', () => {
  it('refuses a second guard with the same name (their metrics would mix) and keeps the first working', async () => {
    const { perf } = setup();
    const first = perf.guard({ name: 'once', maxConcurrent: 1 });
    let err: unknown;
    try {
      perf.guard({ name: 'once', maxConcurrent: 5 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PerfkitError);
    expect((err as PerfkitError).code).toBe('PERFKIT_ERR_INVALID_GUARD');
    expect((err as Error).message).toMatch(/guard\.name = "once": a guard with this name exists already/);
    await expect(first.run(T, 'a', () => 'still works')).resolves.toBe('still works');
    await perf.shutdown();
  });

  it('lets two perfkit instances each have a guard of the same name', async () => {
    const a = setup();
    const b = setup();
    expect(() => a.perf.guard({ name: 'same', maxConcurrent: 1 })).not.toThrow();
    expect(() => b.perf.guard({ name: 'same', maxConcurrent: 1 })).not.toThrow();
    await Promise.all([a.perf.shutdown(), b.perf.shutdown()]);
  });

  it('writes one family per metric for all guards, one series per guard', async () => {
    const { perf } = setup();
    perf.guard({ name: 'a', maxConcurrent: 1 });
    perf.guard({ name: 'b', maxConcurrent: 2 });
    const text = await perf.metrics();
    const family = GUARD_METRICS.maxConcurrent.prom;
    expect(text.split('\n').filter((l) => l === `# TYPE ${family} gauge`)).toHaveLength(1);
    expect(text).toContain(`${family}{guard="a"} 1`);
    expect(text).toContain(`${family}{guard="b"} 2`);
    await perf.shutdown();
  });

  it('shuts every guard down with perf.shutdown(), once however often it is called', async () => {
    const { perf } = setup();
    const guards = ['x', 'y'].map((name) => perf.guard({ name, maxConcurrent: 1 }));
    await Promise.all([perf.shutdown(), perf.shutdown()]);
    for (const guard of guards) {
      await expect(guard.run(T, 'after', () => 1)).rejects.toMatchObject({ reason: 'shut_down', guard: guard.name });
      guard.shutdown();
      expect(guard.stats().rejected).toBe(1);
    }
  });
});
