import { createDiagLogger, createPerfkit } from '@perfkit/core';
import { hostMetrics } from '@perfkit/host';
import { HistoryRecorder } from '../../src/history/HistoryRecorder';
import { RESOURCE_ROW_BYTES } from '../../src/history/ResourceHistory';

function setup(options: Partial<ConstructorParameters<typeof HistoryRecorder>[1]> = {}) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  const recorder = new HistoryRecorder(perf, { sampleIntervalMs: 50, snapshotIntervalMs: 50, retentionMs: 60_000, memoryBudgetBytes: 1024 * 1024, ...options }, createDiagLogger('none'));
  return { perf, recorder };
}

describe('HistoryRecorder', () => {
  it('samples the host plug-in when one is in use', async () => {
    const { perf, recorder } = setup();
    const host = perf.use(hostMetrics({ gpu: false, intervalMs: 100 }));
    await host.collectNow();
    recorder.sampleNow();
    expect(recorder.source).toBe('host');
    expect(recorder.resources.latest()!.memoryTotalBytes).toBeGreaterThan(0);
    await perf.shutdown();
  });

  it('falls back to its own sampler without the host plug-in, on a timer, and stops', async () => {
    const { perf, recorder } = setup();
    recorder.start();
    await new Promise((r) => setTimeout(r, 300));
    recorder.stop();
    recorder.stop();
    expect(recorder.source).toBe('fallback');
    expect(recorder.resources.size).toBeGreaterThanOrEqual(3);
    expect(recorder.snapshots.size).toBeGreaterThanOrEqual(3);
    const size = recorder.resources.size;
    await new Promise((r) => setTimeout(r, 150));
    expect(recorder.resources.size).toBe(size);
    await perf.shutdown();
  });

  it('sizes the resource ring by retention / interval, capped by a quarter of the memory budget', async () => {
    const small = setup({ retentionMs: 60_000, sampleIntervalMs: 1000 });
    expect(small.recorder.resources.capacity).toBe(61);
    const capped = setup({ retentionMs: 31 * 86_400_000, sampleIntervalMs: 100, memoryBudgetBytes: 64 * 1024 });
    expect(capped.recorder.resources.capacity).toBe(Math.floor((64 * 1024) / 4 / RESOURCE_ROW_BYTES));
    await Promise.all([small.perf.shutdown(), capped.perf.shutdown()]);
  });

  it('keeps sampling when the host plug-in throws', async () => {
    const { perf, recorder } = setup();
    perf.use({ name: 'host', start() {}, latest: () => { throw new Error('broken'); } } as never);
    expect(recorder.sampleNow()).toBeUndefined();
    await perf.shutdown();
  });
});
