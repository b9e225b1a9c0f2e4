import { join } from 'node:path';
import { NvmlBackend } from '../../src/gpu/NvmlBackend';
import { buildFakeNvml, captureDiag, tempDir } from '../fixtures/fakes';

type Counter = () => number;

describe('NvmlBackend (fake libnvidia-ml.so built with cc)', () => {
  let dir: string;
  let cleanup: () => void;
  let libPath: string;
  let counters: { init: Counter; shutdown: Counter; samples: Counter };
  let configure: (initResult: number, devices: number, countResult: number, processes: number) => void;
  let testHandle: { unload(): void };

  beforeAll(() => {
    ({ dir, cleanup } = tempDir('nvml'));
    libPath = buildFakeNvml(dir);
    // The test holds its own handle so the fake's call counters survive the back end's unload.
    const koffi = require('koffi');
    const lib = koffi.load(libPath);
    testHandle = lib;
    counters = {
      init: lib.func('int fake_nvml_init_calls(void)'),
      shutdown: lib.func('int fake_nvml_shutdown_calls(void)'),
      samples: lib.func('int fake_nvml_sample_calls(void)'),
    };
    configure = lib.func('void fake_nvml_configure(int, int, int, int)');
  });
  afterAll(() => {
    testHandle.unload();
    cleanup();
  });
  interface Fake {
    initResult?: number;
    devices?: number;
    countResult?: number;
    processes?: number;
  }

  function setup(fake: Fake = {}, maxProcesses = 16) {
    configure(fake.initResult ?? 0, fake.devices ?? 2, fake.countResult ?? 0, fake.processes ?? 3);
    const { diag, lines } = captureDiag();
    return { open: () => NvmlBackend.open(libPath, diag, maxProcesses), lines };
  }

  it('reads every figure per device in-process, calling nvmlInit once and nvmlShutdown on close', async () => {
    const { open } = setup();
    const init0 = counters.init();
    const shutdown0 = counters.shutdown();
    const backend = await open();
    backend.sample();
    backend.sample();
    const [g0, g1] = backend.devices();
    expect(g0).toEqual({
      index: 0,
      uuid: 'GPU-fake-0000-0000',
      name: 'Fake GPU 0, 80GB',
      utilization: 0.4,
      memoryUsed: 20 * 2 ** 30,
      memoryTotal: 80 * 2 ** 30,
      memoryUtilization: 0.25,
      temperature: 50,
      power: 250.5,
      smClock: 1980e6,
      processes: [
        { pid: 1002, memoryUsed: 768 * 2 ** 20 },
        { pid: 1000, memoryUsed: 256 * 2 ** 20 },
      ],
    });
    // Device 1 answers NVML_ERROR_NOT_SUPPORTED for power: that one figure is missing, the rest is there.
    expect(g1!.power).toBeUndefined();
    expect(g1!.temperature).toBe(51);
    expect(g1!.processes).toEqual([]);
    expect(counters.init() - init0).toBe(1);
    expect(counters.samples()).toBeGreaterThanOrEqual(4);
    await backend.close();
    await backend.close();
    expect(counters.shutdown() - shutdown0).toBe(1);
    expect(backend.devices()).toEqual([]);
  });

  it('runs nvmlInit_v2 off the event loop (koffi async call) so a slow driver does not block', async () => {
    const { open } = setup();
    let ticked = false;
    setImmediate(() => (ticked = true));
    const pending = open();
    expect(ticked).toBe(false);
    const backend = await pending;
    try {
      expect(ticked).toBe(true);
    } finally {
      await backend.close();
    }
  });

  it('grows its process buffer when NVML answers INSUFFICIENT_SIZE and keeps the largest maxProcesses', async () => {
    const { open } = setup({ processes: 40, devices: 1 }, 5);
    const backend = await open();
    try {
      backend.sample();
      const procs = backend.devices()[0]!.processes;
      expect(procs.map((p) => p.pid)).toEqual([1039, 1038, 1037, 1036, 1035]);
    } finally {
      await backend.close();
    }
  });

  it('rejects with a readable error and unloads when nvmlInit_v2 fails (driver not loaded)', async () => {
    const { open } = setup({ initResult: 9 });
    await expect(open()).rejects.toThrow('nvmlInit_v2 failed: Driver Not Loaded (9)');
  });

  it('throws from sample (for the sampler to log) when nvmlDeviceGetCount fails (GPU lost)', async () => {
    const { open } = setup();
    const backend = await open();
    try {
      configure(0, 2, 15, 3);
      expect(() => backend.sample()).toThrow('GPU is lost');
    } finally {
      await backend.close();
    }
  });

  it('rejects when the library does not exist, without loading anything', async () => {
    const { diag } = captureDiag();
    await expect(NvmlBackend.open(join(dir, 'no-such-libnvidia-ml.so.1'), diag, 16)).rejects.toThrow();
  });

  it.each([-5, 99999, 2 ** 31 - 1])('stays bounded when the fake reports a hostile device count (%s)', async (v) => {
    const { open } = setup({ devices: v });
    const backend = await open();
    try {
      backend.sample();
      expect(backend.devices().length).toBeLessThanOrEqual(8);
    } finally {
      await backend.close();
    }
  });
});
