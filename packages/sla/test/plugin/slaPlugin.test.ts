import { createPerfkit, type PerfkitPlugin } from '@perfkit/core';
import { hostMetrics, type HostSample } from '@perfkit/host';
import { slaPlugin, type SlaPlugin } from '@perfkit/sla';

const SPEC = {
  service: 'svc',
  objectives: [
    { id: 'dl', operation: { type: 'download', name: 'fetch' }, success: { target: 0.9 } },
    { id: 'gen', operation: { type: 'model_operation', name: 'generate' }, latency: { threshold: 2, target: 0.9 } },
  ],
  resources: { memory: { max: 0.85 }, diskFree: { min: 0.1 }, gpuUtilization: { max: 0.8 }, eventLoopDelay: { max: '100ms' } },
  guards: [{ name: 'pool', utilization: { max: 0.8 } }],
  alerting: { minEvents: 5 },
};

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stands in for @perfkit/host's plug-in: a plug-in named 'host' whose latest() returns what the test sets. */
function fakeHost() {
  let sample: HostSample | undefined;
  const plugin: PerfkitPlugin & { latest(): HostSample | undefined } = { name: 'host', start() {}, latest: () => sample };
  return { plugin, set: (s: Partial<HostSample> | undefined) => (sample = s as HostSample) };
}

function setup(options: Parameters<typeof slaPlugin>[1] = {}) {
  const warnings: string[] = [];
  const perf = createPerfkit({
    serviceName: 'svc',
    prometheus: { serve: false },
    logLevel: 'info',
    logger: { warn: (m: string) => warnings.push(m), info: () => {}, error: () => {}, debug: () => {} },
  });
  const host = fakeHost();
  perf.use(host.plugin);
  const sla = perf.use(slaPlugin(SPEC, options)) as SlaPlugin;
  const status = (id: string) => sla.evaluate().checks.find((c) => c.id === id)!;
  return { perf, sla, host, warnings, status };
}

describe('slaPlugin', () => {
  it('evaluates on its timer from a sliced read of the store, logging a lasting violation once', async () => {
    const { perf, sla, warnings } = setup({ intervalMs: 100 });
    const sync = jest.spyOn(perf, 'snapshot');
    const sliced = jest.spyOn(perf, 'snapshotSliced');
    const op = perf.operation('download', 'fetch');
    for (let i = 0; i < 10; i++) op.record(0.1, { outcome: 'failure' });
    await until(() => sliced.mock.calls.length >= 3, 5000);
    // The timer reads the store in slices (a synchronous snapshot held the loop for every series on each tick).
    expect(sync).not.toHaveBeenCalled();
    expect(sla.last()!.checks.find((c) => c.id === 'dl')).toMatchObject({ status: 'violated', value: 0, events: 10 });
    expect(warnings.filter((w) => w.startsWith('sla: violated: dl'))).toHaveLength(1);
    await perf.shutdown();
  });

  it('judges a success objective met, then violated, from the live store', async () => {
    const { perf, sla } = setup();
    const op = perf.operation('download', 'fetch');
    for (let i = 0; i < 10; i++) op.record(0.1);
    expect(sla.evaluate().checks.find((c) => c.id === 'dl')).toMatchObject({ status: 'met', value: 1, events: 10 });
    for (let i = 0; i < 10; i++) op.record(0.1, { outcome: 'failure' });
    const dl = sla.evaluate().checks.find((c) => c.id === 'dl')!;
    expect(dl.status).toBe('violated');
    expect(dl.burnRate).toBeCloseTo(10 / 20 / 0.1, 6);
    await perf.shutdown();
  });

  it('counts latency from the exact bucket at the threshold', async () => {
    const { perf, status } = setup();
    const op = perf.operation('model_operation', 'generate');
    for (let i = 0; i < 9; i++) op.record(2);
    op.record(2.0001);
    expect(status('gen')).toMatchObject({ status: 'met', value: 0.9 });
    op.record(5);
    expect(status('gen').status).toBe('violated');
    await perf.shutdown();
  });

  it('judges on the recent window only, once a reading a window old exists', async () => {
    const { perf, status } = setup({ windowSeconds: 0.02 });
    const op = perf.operation('download', 'fetch');
    for (let i = 0; i < 10; i++) op.record(0.1, { outcome: 'failure' });
    expect(status('dl').status).toBe('violated');
    await new Promise((r) => setTimeout(r, 40));
    for (let i = 0; i < 10; i++) op.record(0.1);
    expect(status('dl')).toMatchObject({ status: 'met', events: 10, value: 1 });
    await perf.shutdown();
  });

  it('reports no_data below minEvents rather than a verdict on a handful of events', async () => {
    const { perf, status } = setup();
    perf.operation('download', 'fetch').record(1, { outcome: 'failure' });
    expect(status('dl')).toMatchObject({ status: 'no_data', events: 1 });
    await perf.shutdown();
  });

  it('judges each limit from the host sample: the worst filesystem and GPU count', async () => {
    const { perf, host, status } = setup({ guards: [{ name: 'pool', stats: () => ({ utilization: 0.95 }) }] });
    host.set({
      at: Date.now(),
      memory: { utilization: 0.9 } as HostSample['memory'],
      filesystems: [{ utilization: 0.5 }, { utilization: 0.95 }] as unknown as HostSample['filesystems'],
      gpus: [{ utilization: 0.1 }, { utilization: 0.85 }] as unknown as HostSample['gpus'],
      eventLoop: { p50: 0.001, p99: 0.02, max: 0.05, utilization: 0.1 },
    });
    expect(status('memory')).toMatchObject({ status: 'violated', value: 0.9 });
    expect(status('disk-free').status).toBe('violated');
    expect(status('disk-free').value).toBeCloseTo(0.05, 9);
    expect(status('gpu-utilization')).toMatchObject({ status: 'violated', value: 0.85 });
    expect(status('event-loop-delay')).toMatchObject({ status: 'met', value: 0.02 });
    expect(status('guard-pool-utilization')).toMatchObject({ status: 'violated', value: 0.95 });
    await perf.shutdown();
  });

  it('reports no_data, without throwing, for hostile or missing host figures', async () => {
    const { perf, host, sla } = setup({ guards: () => [{ name: 'pool', stats: () => ({ utilization: NaN }) }] });
    host.set({ at: 0, memory: { utilization: NaN } as HostSample['memory'], filesystems: 'nope' as never, gpus: [{ utilization: Infinity }] as never });
    const report = sla.evaluate();
    for (const id of ['memory', 'gpu-utilization', 'event-loop-delay', 'guard-pool-utilization']) {
      expect(report.checks.find((c) => c.id === id)!.status).toBe('no_data');
    }
    host.set(undefined);
    expect(() => sla.evaluate()).not.toThrow();
    await perf.shutdown();
  });

  it('warns once when a check becomes violated, not on every evaluation', async () => {
    const { perf, host, sla, warnings } = setup();
    host.set({ at: Date.now(), memory: { utilization: 0.99 } as HostSample['memory'], filesystems: [], gpus: [] });
    for (let i = 0; i < 5; i++) sla.evaluate();
    expect(warnings.filter((w) => w.includes('memory'))).toHaveLength(1);
    await perf.shutdown();
  });

  it('uses the same thresholds as the rules', async () => {
    const { perf, sla } = setup();
    expect(sla.thresholds.objectives.map((o) => [o.id, o.target, o.thresholdSeconds])).toEqual([
      ['dl', 0.9, undefined],
      ['gen', 0.9, 2],
    ]);
    expect(sla.thresholds.limits.find((l) => l.id === 'event-loop-delay')!.limit).toBe(0.1);
    await perf.shutdown();
  });

  it('judges a real guard from perf.guard()', async () => {
    const perf = createPerfkit({ serviceName: 'svc', prometheus: { serve: false }, logLevel: 'none' });
    const pool = perf.guard({ name: 'pool', maxConcurrent: 1 });
    const sla = perf.use(slaPlugin(SPEC, { guards: [pool] }));
    let release!: () => void;
    const running = pool.run('model_operation', 'generate', () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setImmediate(r));
    expect(sla.evaluate().checks.find((c) => c.id === 'guard-pool-utilization')).toMatchObject({ status: 'violated', value: 1 });
    release();
    await running;
    expect(sla.evaluate().checks.find((c) => c.id === 'guard-pool-utilization')).toMatchObject({ status: 'met', value: 0 });
    await perf.shutdown();
  });

  it('reads memory and filesystems from the real host plug-in', async () => {
    const perf = createPerfkit({ serviceName: 'svc', prometheus: { serve: false }, logLevel: 'none' });
    const host = perf.use(hostMetrics({ intervalMs: 100, ioIntervalMs: 100, gpu: false }));
    const sla = perf.use(slaPlugin(SPEC));
    try {
      await until(() => host.latest()?.memory !== undefined && (host.latest()?.filesystems.length ?? 0) > 0, 10_000);
      const checks = sla.evaluate().checks;
      const memory = checks.find((c) => c.id === 'memory')!;
      expect(memory.value).toBeGreaterThan(0);
      expect(memory.value).toBeLessThan(1);
      expect(memory.status).toBe(memory.value! > 0.85 ? 'violated' : 'met');
      expect(checks.find((c) => c.id === 'disk-free')!.status).not.toBe('no_data');
      expect(checks.find((c) => c.id === 'gpu-utilization')!.status).toBe('no_data');
    } finally {
      await perf.shutdown();
    }
  });

  it('refuses an invalid spec when created', () => {
    expect(() => slaPlugin({ service: 'svc', objectives: [{ id: 'x' }] })).toThrow(/objectives\[x\].*exactly one of success, latency or promql/);
  });
});

describe('perf.sla', () => {
  it('is the plug-in, exposed on perf once it is in use', async () => {
    const { perf, sla } = setup();
    expect(perf.sla).toBe(sla);
    expect(perf.sla?.evaluate().checks.length).toBeGreaterThan(0);
    await perf.shutdown();
  });

  it("judges the utilization of perf's own guards without being handed them", async () => {
    const { perf } = setup();
    const guard = perf.guard({ name: 'pool', maxConcurrent: 1 });
    let release!: () => void;
    const running = guard.run('model_operation', 'generate', () => new Promise<void>((r) => (release = r)));
    await until(() => guard.stats().inFlight === 1, 2000);
    expect(perf.sla!.evaluate().checks.find((c) => c.id.includes('pool'))).toMatchObject({ status: 'violated' });
    release();
    await running;
    await perf.shutdown();
  });
});

describe('guard queue wait', () => {
  it('judges the p99 queue wait of the waits since the previous evaluation', async () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    const spec = { ...SPEC, guards: [{ name: 'pool', queueWait: { max: '100ms' } }] };
    const sla = perf.use(slaPlugin(spec)) as SlaPlugin;
    const guard = perf.guard({ name: 'pool', maxConcurrent: 1 });
    const wait = () => sla.evaluate().checks.find((c) => c.id.includes('pool'))!;
    expect(wait().status).toBe('no_data');
    const slow = guard.run('model_operation', 'generate', () => new Promise((r) => setTimeout(r, 400)));
    const queued = guard.run('model_operation', 'generate', () => 1);
    await Promise.all([slow, queued]);
    expect(wait()).toMatchObject({ status: 'violated' });
    await guard.run('model_operation', 'generate', () => 1);
    expect(wait()).toMatchObject({ status: 'met' });
    await perf.shutdown();
  });
});
