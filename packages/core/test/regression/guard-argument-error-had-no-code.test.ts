import { createPerfkit } from '@perfkit/core';

// guard.run(type, name, 42) rejected with a bare TypeError: callers could not match it on err.code as they match
// every other perfkit error. It now carries PERFKIT_ERR_GUARD_INVALID_ARGUMENT (still a TypeError, named so).

describe('guard argument error had no code', () => {
  it('rejects work that is not a function with a coded TypeError, never throwing', async () => {
    const perf = createPerfkit({ serviceName: 'argument-code', prometheus: { serve: false }, logLevel: 'none' });
    const guard = perf.guard({ name: 'gen', maxConcurrent: 1 });
    let result: Promise<unknown> | undefined;
    expect(() => (result = guard.run('model_operation', 'x', 42 as never))).not.toThrow();
    const err = await result!.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({ name: 'TypeError', code: 'PERFKIT_ERR_GUARD_INVALID_ARGUMENT' });
    expect((err as Error).message).toBe('guard "gen": run(type, name, work) expects work to be a function, got number');
    await perf.shutdown();
  });
});
