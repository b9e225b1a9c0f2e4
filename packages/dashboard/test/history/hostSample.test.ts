import { createPerfkit } from '@perfkit/core';
import { hostMetrics, type HostSample } from '@perfkit/host';
import { fromHostSample } from '../../src/history/hostSample';

async function setup() {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  const host = perf.use(hostMetrics({ gpu: false, intervalMs: 100, ioIntervalMs: 100 }));
  await host.collectNow();
  await new Promise((r) => setTimeout(r, 150));
  await host.collectNow();
  return { perf, host };
}

describe('fromHostSample', () => {
  it('reads the real host plug-in sample into finite figures', async () => {
    const { perf, host } = await setup();
    const first = fromHostSample(host.latest()!, Date.now());
    expect(first.sample.memoryTotalBytes).toBeGreaterThan(0);
    expect(first.sample.memoryUtilization).toBeGreaterThan(0);
    expect(first.sample.memoryUtilization).toBeLessThanOrEqual(1);
    expect(first.sample.cpuUtilization).toBeGreaterThanOrEqual(0);
    expect(first.sample.diskTotalBytes).toBeGreaterThan(0);
    expect(first.sample.diskFreeBytes).toBeGreaterThan(0);
    expect(first.sample.processRssBytes).toBeGreaterThan(0);
    expect(Number.isNaN(first.sample.gpuUtilization)).toBe(true);
    await perf.shutdown();
  });

  it('turns cumulative network counters into rates between samples', () => {
    const base = { filesystems: [], disks: [], gpus: [] };
    const a = fromHostSample({ ...base, at: 1000, network: [{ interface: 'eth0', rxBytes: 1000, txBytes: 500 }] } as unknown as HostSample, 0);
    const b = fromHostSample({ ...base, at: 3000, network: [{ interface: 'eth0', rxBytes: 5000, txBytes: 700 }, { interface: 'lo', rxBytes: 1e9, txBytes: 1e9 }] } as unknown as HostSample, 0, a.network);
    expect(b.sample.networkRxBytesPerSecond).toBe(2000);
    expect(b.sample.networkTxBytesPerSecond).toBe(100);
  });

  it('reads memory and CPU against the container limits when the cgroup has them', () => {
    const MiB = 1024 * 1024;
    const base = { at: 1000, filesystems: [], disks: [], gpus: [], network: [], cpu: { utilization: 0.1 }, memory: { total: 64 * 1024 * MiB, used: 12 * 1024 * MiB, utilization: 0.1875 } };
    const limited = { mode: 'v2', memory: { limit: 4096 * MiB, workingSet: 3900 * MiB, utilization: 3900 / 4096 }, cpu: { utilization: 0.97 }, pressure: [] };
    const { sample } = fromHostSample({ ...base, container: limited } as unknown as HostSample, 0);
    expect([sample.memoryTotalBytes, sample.memoryUsedBytes]).toEqual([4096 * MiB, 3900 * MiB]);
    expect(sample.memoryUtilization).toBeCloseTo(0.952, 3);
    expect(sample.cpuUtilization).toBe(0.97);
    // No limit (figures absent), or hostile ones: the host's figures stay.
    for (const container of [{ mode: 'v1', memory: {}, cpu: {}, pressure: [] }, { memory: { limit: 'lots', workingSet: NaN }, cpu: { utilization: Infinity } }, null, 7]) {
      const host = fromHostSample({ ...base, container } as unknown as HostSample, 0).sample;
      expect([host.memoryTotalBytes, host.memoryUtilization, host.cpuUtilization]).toEqual([64 * 1024 * MiB, 0.1875, 0.1]);
    }
  });

  it('turns hostile or missing figures into unknowns without throwing', () => {
    const hostile = [
      null,
      'text',
      {},
      { at: NaN, cpu: { utilization: 'high' }, memory: { total: Infinity, used: -Infinity }, filesystems: 'x', network: [null, 5], gpus: [null, { utilization: NaN }] },
    ];
    for (const raw of hostile) {
      const { sample } = fromHostSample(raw as unknown as HostSample, 42);
      expect(sample.at).toBe(42);
      expect(Number.isNaN(sample.cpuUtilization) && Number.isNaN(sample.memoryTotalBytes) && Number.isNaN(sample.gpuUtilization)).toBe(true);
    }
  });
});
