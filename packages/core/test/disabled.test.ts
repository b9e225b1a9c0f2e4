import { createPerfkit, type PerfkitPlugin } from '@perfkit/core';

function setup(env: NodeJS.ProcessEnv = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return createPerfkit({ logLevel: 'none', ...(env.PERFKIT_DISABLED ? {} : { disabled: true }) });
  } finally {
    process.env = saved;
  }
}

describe('disabled perfkit', () => {
  it('runs the work, returns and re-throws as usual, and measures nothing', async () => {
    const perf = setup();
    expect(perf.trackOperation('download', 'a', (op) => (op.addBytes(5), 7))).toBe(7);
    const err = new Error('x');
    await expect(perf.operation('download', 'a').track(async () => { throw err; })).rejects.toBe(err);
    expect(perf.operation('download', 'a').start().end()).toBe(0);
    expect(perf.snapshot().series).toHaveLength(0);
    expect(perf.activeOperations()).toEqual([]);
    await perf.shutdown();
  });

  it('serves and exports nothing and starts no plug-in, but guards still guard', async () => {
    const perf = setup({ PERFKIT_DISABLED: 'true' });
    await perf.ready();
    expect(perf.config.disabled).toBe(true);
    expect(perf.metricsUrl).toBeUndefined();
    const answered: { status?: number; body?: string } = {};
    const res = {
      writeHead(status: number) {
        answered.status = status;
        return res;
      },
      end(body: string) {
        answered.body = body;
      },
    };
    perf.metricsHandler({} as never, res as never);
    expect(answered).toEqual({ status: 404, body: expect.stringContaining('disabled') });
    let started = false;
    const plugin: PerfkitPlugin = { name: 'p', start: () => void (started = true) };
    expect(perf.use(plugin)).toBe(plugin);
    expect(started).toBe(false);
    const guard = perf.guard({ name: 'g', maxConcurrent: 1, maxQueue: 0 });
    let release!: () => void;
    const first = guard.run('model_operation', 'generate', () => new Promise<void>((r) => (release = r)));
    await expect(guard.run('model_operation', 'generate', () => 1)).rejects.toMatchObject({ name: expect.stringMatching(/Rejected/) });
    release();
    await first;
    await perf.shutdown();
  });
});
