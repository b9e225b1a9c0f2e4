import { createPerfkit, GUARD_METRICS, PerfkitError } from '@perfkit/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createDiagLogger } from '../../src/diag';
import { GuardQueueWaits } from '../../src/guards/GuardQueueWaits';
import { GuardRegistry } from '../../src/guards/GuardRegistry';

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

  it('lists its guards in creation order and finds one by name', () => {
    const lookup = () => {
      throw new Error('no run in this test');
    };
    const registry = new GuardRegistry(new MeterProvider().getMeter('t'), lookup, createDiagLogger('none'), new GuardQueueWaits(resourceFromAttributes({})));
    const made = ['b', 'a', 'c'].map((name) => registry.create({ name, maxConcurrent: 1 }));
    expect(registry.list().map((g) => g.name)).toEqual(['b', 'a', 'c']);
    expect(registry.get('a')).toBe(made[1]);
    expect(registry.get('missing')).toBeUndefined();
  });

  it('makes a guard created after perf.shutdown() refuse its runs, and leaves guards of a live instance running', async () => {
    const { perf } = setup();
    await perf.shutdown();
    const late = perf.guard({ name: 'late', maxConcurrent: 1 });
    let isRun = false;
    await expect(late.run(T, 'late', () => (isRun = true))).rejects.toMatchObject({ reason: 'shut_down', guard: 'late' });
    expect(isRun).toBe(false);
    const live = setup();
    await expect(live.perf.guard({ name: 'live', maxConcurrent: 1 }).run(T, 'n', () => 'ran')).resolves.toBe('ran');
    await live.perf.shutdown();
  });
});
