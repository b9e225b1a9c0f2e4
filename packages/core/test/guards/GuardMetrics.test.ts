import { createPerfkit, GUARD_METRICS, GUARD_QUEUE_WAIT_BUCKETS, promName } from '@perfkit/core';
import { promtoolCheckMetrics } from '../../../../test/helpers/promtool';

const T = 'model_operation';

function setup() {
  const perf = createPerfkit({ serviceName: 'guard-metrics-test', prometheus: { serve: false }, logLevel: 'none' });
  const value = (text: string, family: string, labels: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${family}{${labels}} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  return { perf, value };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => (resolve = res));
  return { promise, resolve };
}


describe('GuardMetrics', () => {
  it('names every guard family by the OTel-to-Prometheus rules', () => {
    // Written by hand from the rules (dots to underscores; unit `s` -> _seconds, `1` -> _ratio, `{...}` dropped;
    // counters end in _total), not computed by promName: a change to either side makes this fail.
    const expected: Record<keyof typeof GUARD_METRICS, [otel: string, prom: string]> = {
      queueDepth: ['perfkit.guard.queue.depth', 'perfkit_guard_queue_depth'],
      queueWait: ['perfkit.guard.queue.wait', 'perfkit_guard_queue_wait_seconds'],
      utilization: ['perfkit.guard.utilization', 'perfkit_guard_utilization_ratio'],
      inFlight: ['perfkit.guard.in_flight', 'perfkit_guard_in_flight'],
      maxConcurrent: ['perfkit.guard.max_concurrent', 'perfkit_guard_max_concurrent'],
      rejections: ['perfkit.guard.rejections', 'perfkit_guard_rejections_total'],
      timeouts: ['perfkit.guard.timeouts', 'perfkit_guard_timeouts_total'],
      resourceAborts: ['perfkit.guard.resource_aborts', 'perfkit_guard_resource_aborts_total'],
    };
    expect(Object.fromEntries(Object.entries(GUARD_METRICS).map(([k, d]) => [k, [d.otel, d.prom]]))).toEqual(expected);
    expect(promName('perfkit.guard.queue.wait', 's', 'histogram')).toBe('perfkit_guard_queue_wait_seconds');
    expect(promName('perfkit.guard.rejections', '{operation}', 'counter')).toBe('perfkit_guard_rejections_total');
  });

  it('exports no guard family before the first guard exists', async () => {
    const { perf } = setup();
    expect(await perf.metrics()).not.toContain('perfkit_guard_');
    await perf.shutdown();
  });

  it('shows queue depth, utilization, in-flight, limit and zeroed counters per guard while work waits', async () => {
    const { perf, value } = setup();
    const a = perf.guard({ name: 'gen', maxConcurrent: 2, maxQueue: 1 });
    perf.guard({ name: 'idle', maxConcurrent: 4 });
    const gate = deferred();
    const runs = [1, 2, 3].map(() => a.run(T, 'generate', () => gate.promise));
    const refused = a.run(T, 'generate', () => gate.promise).catch(() => 'refused');
    const text = await perf.metrics();
    const m = GUARD_METRICS;
    expect(value(text, m.queueDepth.prom, 'guard="gen"')).toBe(1);
    expect(value(text, m.inFlight.prom, 'guard="gen"')).toBe(2);
    expect(value(text, m.utilization.prom, 'guard="gen"')).toBe(1);
    expect(value(text, m.maxConcurrent.prom, 'guard="gen"')).toBe(2);
    expect(value(text, m.rejections.prom, 'guard="gen",reason="queue_full"')).toBe(1);
    expect(value(text, m.rejections.prom, 'guard="gen",reason="queue_timeout"')).toBe(0);
    expect(value(text, m.timeouts.prom, 'guard="gen"')).toBe(0);
    expect(value(text, m.resourceAborts.prom, 'guard="gen"')).toBe(0);
    expect(value(text, m.utilization.prom, 'guard="idle"')).toBe(0);
    gate.resolve();
    await Promise.all(runs);
    expect(await refused).toBe('refused');
    const after = await perf.metrics();
    expect(value(after, m.queueDepth.prom, 'guard="gen"')).toBe(0);
    expect(value(after, m.utilization.prom, 'guard="gen"')).toBe(0);
    await perf.shutdown();
  });

  it('records queue waits in seconds on second-scale buckets (0 for work that found a free slot)', async () => {
    const { perf, value } = setup();
    const guard = perf.guard({ name: 'wait', maxConcurrent: 1 });
    await guard.run(T, 'w', () => new Promise((resolve) => setTimeout(resolve, 60)));
    const gate = deferred();
    const first = guard.run(T, 'w', () => gate.promise);
    const second = guard.run(T, 'w', () => 'second');
    setTimeout(gate.resolve, 120);
    await Promise.all([first, second]);
    const text = await perf.metrics();
    const wait = GUARD_METRICS.queueWait.prom;
    for (const le of GUARD_QUEUE_WAIT_BUCKETS) expect(text).toContain(`${wait}_bucket{guard="wait",le="${le}"}`);
    expect(value(text, `${wait}_count`, 'guard="wait"')).toBe(3);
    expect(value(text, `${wait}_bucket`, 'guard="wait",le="0.1"')).toBe(2);
    expect(value(text, `${wait}_sum`, 'guard="wait"')).toBeGreaterThanOrEqual(0.119);
    expect(value(text, `${wait}_sum`, 'guard="wait"')).toBeLessThan(10);
    await perf.shutdown();
  });

  it('is promtool-clean with every guard family populated, timeouts and queue timeouts included', async () => {
    const { perf, value } = setup();
    const guard = perf.guard({ name: 'all', maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 10, timeoutMs: 20, memoryBudgetMb: 512 });
    const hung = guard.run(T, 'h', () => new Promise(() => {})).catch((e: Error) => e.name);
    const late = guard.run(T, 'h', () => 'never').catch((e: Error) => e.name);
    expect(await Promise.all([hung, late])).toEqual(['GuardTimeoutError', 'GuardRejectedError']);
    const text = await perf.metrics();
    expect(value(text, GUARD_METRICS.timeouts.prom, 'guard="all"')).toBe(1);
    expect(value(text, GUARD_METRICS.rejections.prom, 'guard="all",reason="queue_timeout"')).toBe(1);
    expect(promtoolCheckMetrics(text).report).toBe('');
    await perf.shutdown();
  });

  it('describes each family as docs/metrics.md lists it (OpenMetrics: HELP, TYPE, and UNIT where the name ends in the unit)', async () => {
    const { perf } = setup();
    perf.guard({ name: 'g', maxConcurrent: 4 });
    const text = await perf.metrics({ openMetrics: true });
    // Written by hand from docs/metrics.md (OpenMetrics names a counter family without _total).
    expect(text.split('\n').filter((l) => l.startsWith('#') && l.includes(' perfkit_guard_'))).toEqual([
      '# HELP perfkit_guard_queue_depth Operations waiting in the guard queue now.',
      '# TYPE perfkit_guard_queue_depth gauge',
      '# HELP perfkit_guard_utilization_ratio Operations running now divided by the guard maxConcurrent (0..1).',
      '# TYPE perfkit_guard_utilization_ratio gauge',
      '# UNIT perfkit_guard_utilization_ratio ratio',
      '# HELP perfkit_guard_in_flight Operations holding a guard slot now, including timed-out work that has not ended yet.',
      '# TYPE perfkit_guard_in_flight gauge',
      '# HELP perfkit_guard_max_concurrent The guard concurrency limit (maxConcurrent).',
      '# TYPE perfkit_guard_max_concurrent gauge',
      "# HELP perfkit_guard_rejections Operations a guard did not run, by reason: queue_full, queue_timeout, shut_down, or caller_aborted (the caller's signal aborted before they started).",
      '# TYPE perfkit_guard_rejections counter',
      '# HELP perfkit_guard_timeouts Operations a guard aborted because they ran past timeoutMs.',
      '# TYPE perfkit_guard_timeouts counter',
      '# HELP perfkit_guard_resource_aborts Operations a guard aborted because process memory grew past memoryBudgetMb while they ran.',
      '# TYPE perfkit_guard_resource_aborts counter',
    ]);
    await perf.shutdown();
  });

  it('counts each refusal under its own reason, a caller that left before its work started as caller_aborted', async () => {
    const { perf, value } = setup();
    const guard = perf.guard({ name: 'r', maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 5 });
    const gate = deferred();
    const running = guard.run(T, 'x', () => gate.promise);
    const expired = guard.run(T, 'x', () => 'late').catch((e: { reason: string }) => e.reason);
    expect(await expired).toBe('queue_timeout');
    const caller = new AbortController();
    const left = guard.runWith({ type: T, name: 'x', signal: caller.signal }, () => 'left').catch((e: { code: string }) => e.code);
    caller.abort();
    expect(await left).toBe('PERFKIT_ERR_GUARD_ABORTED');
    const gone = await guard.runWith({ type: T, name: 'x', signal: caller.signal }, () => 'gone').catch((e: { code: string }) => e.code);
    expect(gone).toBe('PERFKIT_ERR_GUARD_ABORTED');
    const queued = guard.run(T, 'x', () => 'queued').catch((e: { reason: string }) => e.reason);
    const full = await guard.run(T, 'x', () => 'full').catch((e: { reason: string }) => e.reason);
    expect(full).toBe('queue_full');
    guard.shutdown();
    expect(await queued).toBe('shut_down');
    gate.resolve();
    await running;
    const text = await perf.metrics();
    const rejected = (reason: string) => value(text, GUARD_METRICS.rejections.prom, `guard="r",reason="${reason}"`);
    // caller_aborted: one aborted while it waited, one whose signal had aborted before the call.
    expect([rejected('queue_full'), rejected('queue_timeout'), rejected('shut_down'), rejected('caller_aborted')]).toEqual([1, 1, 1, 2]);
    // One each, and the other families of this guard still read their own counts.
    expect(value(text, GUARD_METRICS.maxConcurrent.prom, 'guard="r"')).toBe(1);
    expect(value(text, GUARD_METRICS.timeouts.prom, 'guard="r"')).toBe(0);
    await perf.shutdown();
  });
});
