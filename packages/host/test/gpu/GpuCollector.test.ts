import { join } from 'node:path';
import { resolveHostConfig, type HostMetricsOptions } from '../../src/config';
import { GpuCollector } from '../../src/gpu/GpuCollector';
import { buildFakeNvml, captureDiag, FAKE_NVIDIA_SMI, tempDir, waitFor } from '../fixtures/fakes';

describe('GpuCollector', () => {
  let dir: string;
  let cleanup: () => void;
  let nvml: string;
  const collectors: GpuCollector[] = [];
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('gpu'));
    nvml = buildFakeNvml(dir);
  });
  afterEach(async () => {
    await Promise.all(collectors.splice(0).map((c) => c.close()));
  });
  afterAll(() => cleanup());

  function setup(options: HostMetricsOptions) {
    const { diag, lines } = captureDiag();
    const collector = new GpuCollector(resolveHostConfig({ gpuIntervalMs: 100, restartDelayMs: 50, ...options }, {}), diag);
    collectors.push(collector);
    return { collector, lines };
  }

  it('loads nothing until the first collection and then picks NVML first in auto mode', async () => {
    const { collector } = setup({ gpu: 'auto', nvmlLibrary: nvml, nvidiaSmiPath: FAKE_NVIDIA_SMI });
    expect(collector.backendName()).toBe('none');
    await collector.collect();
    expect(collector.backendName()).toBe('nvml');
    expect(collector.devices()).toHaveLength(2);
  });

  it('falls back to the nvidia-smi loop when NVML cannot be loaded', async () => {
    process.env.FAKE_SMI_LINES = '0, GPU-11111111-1111-4000-8000-000000000001, Tesla T4, 10, 1, 2, 3, 4, 5';
    process.env.FAKE_SMI_MODE = 'loop';
    const { collector } = setup({ gpu: 'auto', nvmlLibrary: join(dir, 'missing.so'), nvidiaSmiPath: FAKE_NVIDIA_SMI });
    await collector.collect();
    await waitFor(() => collector.backendName() === 'nvidia-smi');
    expect(collector.devices()[0]).toMatchObject({ uuid: 'GPU-11111111-1111-4000-8000-000000000001', name: 'Tesla T4' });
  });

  it('ends at none with ONE diagnostic line, no throw and no retry when neither back end exists', async () => {
    const { collector, lines } = setup({ gpu: 'auto', nvmlLibrary: join(dir, 'missing.so'), nvidiaSmiPath: join(dir, 'no-nvidia-smi') });
    for (let i = 0; i < 5; i++) await expect(collector.collect()).resolves.toBeUndefined();
    await waitFor(() => lines.some((l) => l.includes('no GPU metrics')));
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 5; i++) await collector.collect();
    expect(lines.filter((l) => !l.startsWith('debug:'))).toHaveLength(1);
    expect(lines[0]).toMatch(/^info: host gpu: no GPU metrics \(NVML: .*; nvidia-smi: .*ENOENT/);
    expect(collector.backendName()).toBe('none');
    expect(collector.devices()).toEqual([]);
  });

  it('warns once and does not try nvidia-smi when gpu is nvml and NVML is missing', async () => {
    const { collector, lines } = setup({ gpu: 'nvml', nvmlLibrary: join(dir, 'missing.so'), nvidiaSmiPath: FAKE_NVIDIA_SMI });
    await collector.collect();
    await collector.collect();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn: host gpu: no GPU metrics \(NVML:/);
    expect(collector.backendName()).toBe('none');
  });

  it('releases NVML at once when shut down while nvmlInit is still running', async () => {
    const { collector } = setup({ gpu: 'nvml', nvmlLibrary: nvml });
    const collecting = collector.collect();
    await collector.close();
    await collecting;
    expect(collector.backendName()).toBe('none');
    expect(collector.devices()).toEqual([]);
  });

  it('does nothing at all when gpu is false', async () => {
    const { collector, lines } = setup({ gpu: false, nvmlLibrary: nvml });
    await collector.collect();
    expect(collector.backendName()).toBe('none');
    expect(lines).toEqual([]);
  });
});
