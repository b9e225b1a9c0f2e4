import { join } from 'node:path';
import { NvmlBackend } from '../../src/gpu/NvmlBackend';
import { buildFakeNvml, captureDiag, tempDir } from '../fixtures/fakes';

type Counter = () => number;
const GiB = 2 ** 30;
const MiB = 2 ** 20;

describe('NvmlBackend (fake libnvidia-ml.so built with cc, read on a worker thread)', () => {
  let dir: string;
  let cleanup: () => void;
  let libPath: string;
  let oldLibPath: string;
  let counters: { init: Counter; shutdown: Counter; samples: Counter };
  let configure: (initResult: number, devices: number, countResult: number, processes: number) => void;
  let faults: (hangMs: number, lostAfter: number) => void;
  let testHandle: { unload(): void };

  beforeAll(() => {
    ({ dir, cleanup } = tempDir('nvml'));
    libPath = buildFakeNvml(dir);
    oldLibPath = buildFakeNvml(dir, true);
    // The test holds its own handle: the worker's dlopen of the same path shares the fake's state (one copy per
    // process), so the test can configure it and read its counters while the back end uses it.
    const koffi = require('koffi');
    const lib = koffi.load(libPath);
    testHandle = lib;
    counters = {
      init: lib.func('int fake_nvml_init_calls(void)'),
      shutdown: lib.func('int fake_nvml_shutdown_calls(void)'),
      samples: lib.func('int fake_nvml_sample_calls(void)'),
    };
    configure = lib.func('void fake_nvml_configure(int, int, int, int)');
    faults = lib.func('void fake_nvml_faults(int, int)');
  });
  afterEach(() => faults(0, -1));
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

  function setup(fake: Fake = {}, maxProcesses = 16, timeoutMs = 5000, path = libPath) {
    configure(fake.initResult ?? 0, fake.devices ?? 2, fake.countResult ?? 0, fake.processes ?? 3);
    const { diag, lines } = captureDiag();
    return { open: () => NvmlBackend.open(path, diag, maxProcesses, timeoutMs), lines };
  }

  it('reads every figure per device, calling nvmlInit once and nvmlShutdown on close', async () => {
    const { open } = setup();
    const init0 = counters.init();
    const shutdown0 = counters.shutdown();
    const backend = await open();
    // Closed in finally too (close is idempotent): a failed expectation must not leave the worker thread running.
    try {
      await backend.sample();
      await backend.sample();
      const [g0, g1] = backend.devices();
      expect(g0).toEqual({
        index: 0,
        uuid: 'GPU-fa4e0000-0000-4000-8000-000000000000',
        // nvmlDeviceGetPciInfo_v3: nvmlPciInfo_t.busId at offset 36, as the fake writes it ("%08X:%02X:%02X.0").
        pciBusId: '00000000:17:00.0',
        name: 'Fake GPU 0, 80GB',
        utilization: 0.4,
        memoryControllerUtilization: 0.1,
        // nvmlDeviceGetMemoryInfo_v2: reserved apart from used.
        memoryUsed: 20 * GiB,
        memoryTotal: 80 * GiB,
        memoryReserved: 512 * MiB,
        memoryUtilization: 0.25,
        temperature: 50,
        power: 250.5,
        powerLimit: 700,
        energy: 123456.789,
        smClock: 1980e6,
        memoryClock: 2619e6,
        clockEventReasons: 0x44,
        eccCorrected: 42,
        eccUncorrected: 1,
        pcieTxBytesPerSecond: 1000 * 1024,
        pcieRxBytesPerSecond: 250000 * 1024,
        encoderUtilization: 0.15,
        decoderUtilization: 0.05,
        migInstances: 3,
        processes: [
          { pid: 1002, memoryUsed: 768 * MiB },
          { pid: 1000, memoryUsed: 256 * MiB },
        ],
      });
      // Device 1: NOT_SUPPORTED for power, ECC, MIG and the encoder; NO_PERMISSION for energy. Those figures are
      // missing, the rest is there.
      expect([g1!.power, g1!.eccCorrected, g1!.migInstances, g1!.encoderUtilization, g1!.energy]).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(g1!.temperature).toBe(51);
      expect(g1!.decoderUtilization).toBe(0.05);
      expect(g1!.processes).toEqual([]);
      expect(counters.init() - init0).toBe(1);
      expect(counters.samples()).toBeGreaterThanOrEqual(4);
      await backend.close();
      await backend.close();
      expect(counters.shutdown() - shutdown0).toBe(1);
      expect(backend.devices()).toEqual([]);
    } finally {
      await backend.close();
    }
  });

  it('loses only the figures of symbols an older driver lacks, and uses the older clock-reason name', async () => {
    const { open } = setup({}, 16, 5000, oldLibPath);
    const backend = await open();
    try {
      expect([...backend.missing].sort()).toEqual(['nvmlDeviceGetMemoryInfo_v2', 'nvmlDeviceGetTotalEnergyConsumption']);
      await backend.sample();
      const g0 = backend.devices()[0]!;
      // nvmlDeviceGetMemoryInfo (v1): no reserved figure; used and total still there.
      expect([g0.memoryUsed, g0.memoryTotal, g0.memoryReserved, g0.energy]).toEqual([20 * GiB, 80 * GiB, undefined, undefined]);
      expect(g0.clockEventReasons).toBe(0x44);
    } finally {
      await backend.close();
    }
  });

  it('keeps the event loop turning while an NVML call hangs, leaves the figures out and says so once', async () => {
    const { open, lines } = setup({}, 16, 200);
    const backend = await open();
    try {
      await backend.sample();
      expect(backend.devices()).toHaveLength(2);
      faults(1500, -1);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const t0 = performance.now();
      await backend.sample(); // resolves at the 200 ms timeout, the call still hanging on the worker
      await new Promise((r) => setTimeout(r, 300));
      await backend.sample();
      await backend.sample();
      clearInterval(timer);
      expect(performance.now() - t0).toBeLessThan(1400);
      expect(ticks).toBeGreaterThan(10);
      expect(backend.devices()).toEqual([]);
      expect(lines.filter((l) => /has not returned for 200 ms/.test(l))).toHaveLength(1);
      faults(0, -1);
      // Once the call returns, samples flow again.
      await new Promise((r) => setTimeout(r, 1500));
      await backend.sample();
      await backend.sample();
      expect(backend.devices()).toHaveLength(2);
    } finally {
      await backend.close();
    }
  });

  it('grows its process buffer when NVML answers INSUFFICIENT_SIZE and keeps the largest maxProcesses', async () => {
    const { open } = setup({ processes: 40, devices: 1 }, 5);
    const backend = await open();
    try {
      await backend.sample();
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

  it('keeps the whole-sample failure for the collector when nvmlDeviceGetCount fails (GPU lost)', async () => {
    const { open } = setup();
    const backend = await open();
    try {
      configure(0, 2, 15, 3);
      await backend.sample();
      expect(backend.takeFailure()).toMatch(/GPU is lost \(15\)/);
      expect(backend.devices()).toEqual([]);
    } finally {
      await backend.close();
    }
  });

  it('rejects when the library does not exist, without loading anything', async () => {
    const { diag } = captureDiag();
    await expect(NvmlBackend.open(join(dir, 'no-such-libnvidia-ml.so.1'), diag, 16, 1000)).rejects.toThrow();
  });

  it.each([-5, 99999, 2 ** 31 - 1])('stays bounded when the fake reports a hostile device count (%s)', async (v) => {
    const { open } = setup({ devices: v });
    const backend = await open();
    try {
      await backend.sample();
      expect(backend.devices().length).toBeLessThanOrEqual(8);
    } finally {
      await backend.close();
    }
  });
});
