/*
 * Bug: once NVML had answered, a runtime failure of the whole sample (nvmlDeviceGetCount_v2 → GPU_IS_LOST, driver
 * reloaded) made every later collection fail the same way: NVML was never shut down and initialised again, in
 * `auto` mode as in `nvml` mode. Now the collector shuts it down and re-initialises it with back-off.
 */
import { resolveHostConfig } from '../../src/config';
import { GpuCollector } from '../../src/gpu/GpuCollector';
import { buildFakeNvml, captureDiag, tempDir, waitFor } from '../fixtures/fakes';

describe('regression: NVML is re-initialised with back-off after the GPU was lost', () => {
  let dir: string;
  let cleanup: () => void;
  let nvml: string;
  let handle: { unload(): void; func(sig: string): (...a: number[]) => number };
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('nvml-lost'));
    nvml = buildFakeNvml(dir);
    handle = require('koffi').load(nvml);
  });
  afterAll(() => {
    handle.func('void fake_nvml_faults(int, int)')(0, -1);
    handle.unload();
    cleanup();
  });

  it.each(['auto', 'nvml'] as const)('recovers in %s mode once the driver answers again', async (mode) => {
    const configure = handle.func('void fake_nvml_configure(int, int, int, int)');
    const faults = handle.func('void fake_nvml_faults(int, int)');
    const inits = handle.func('int fake_nvml_init_calls(void)');
    configure(0, 2, 0, 3);
    faults(0, 1); // the second sample after an init answers GPU_IS_LOST
    const { diag, lines } = captureDiag();
    const collector = new GpuCollector(resolveHostConfig({ gpu: mode, nvmlLibrary: nvml, restartDelayMs: 50, maxRestartDelayMs: 400, gpuIntervalMs: 100 }, {}), diag);
    try {
      const init0 = inits();
      await collector.collect();
      expect(collector.devices()).toHaveLength(2);
      await collector.collect(); // GPU lost
      expect(collector.devices()).toEqual([]);
      expect(lines.some((l) => /NVML failed \(nvmlDeviceGetCount_v2 failed: GPU is lost \(15\)\); re-initialising in 50 ms/.test(l))).toBe(true);
      faults(0, -1); // the driver is back
      await waitFor(() => {
        void collector.collect();
        return collector.devices().length === 2;
      }, 5000);
      expect(inits() - init0).toBe(2);
      expect(collector.backendName()).toBe('nvml');
      expect(lines.some((l) => /NVML re-initialised/.test(l))).toBe(true);
    } finally {
      await collector.close();
    }
  });

  it('doubles the delay while the driver stays away, up to maxRestartDelayMs', async () => {
    const configure = handle.func('void fake_nvml_configure(int, int, int, int)');
    const faults = handle.func('void fake_nvml_faults(int, int)');
    const inits = handle.func('int fake_nvml_init_calls(void)');
    configure(0, 2, 0, 3);
    faults(0, 1);
    const { diag, lines } = captureDiag();
    const collector = new GpuCollector(resolveHostConfig({ gpu: 'nvml', nvmlLibrary: nvml, restartDelayMs: 100, maxRestartDelayMs: 400, gpuIntervalMs: 100 }, {}), diag);
    try {
      await collector.collect();
      await collector.collect(); // lost: next init in 100 ms
      configure(9, 2, 0, 3); // nvmlInit_v2 now answers DRIVER_NOT_LOADED
      const init0 = inits();
      const t0 = Date.now();
      let collections = 0;
      while (Date.now() - t0 < 2500) {
        await collector.collect();
        collections++;
        await new Promise((r) => setTimeout(r, 10));
      }
      const delays = lines.map((l) => /next try in (\d+) ms/.exec(l)?.[1]).filter(Boolean).map(Number);
      expect(delays.slice(0, 3)).toEqual([200, 400, 400]);
      // One nvmlInit per delay, never one per collection.
      expect(inits() - init0).toBe(delays.length);
      expect(collections).toBeGreaterThan(3 * delays.length);
    } finally {
      faults(0, -1);
      configure(0, 2, 0, 3);
      await collector.close();
    }
  });
});
