/*
 * Bug: a GPU whose uuid cannot be read (nvidia-smi prints `[Unknown Error]` or `[N/A]`; NVML's nvmlDeviceGetUUID
 * answers an error) was identified by its index: `hw.id="index:<n>"` (nvidia-smi), `"GPU-index-<n>"` (NVML). The
 * index is the enumeration order, which a driver reload or a GPU removal renumbers: a loop restarted after GPU 0 was
 * lost printed GPU 1 as index 0, so the nvidia-smi back end showed it twice (its old line as index:1, its new one as
 * index:0, in the place of the lost GPU's), and NVML's re-initialised session carried its figures on under the lost
 * GPU's hw.id (GPU-index-0: an energy counter that jumps, two GPUs mixed in one series). The query had no PCI bus
 * id. Now nvidia-smi is also asked for `pci.bus_id` and NVML for nvmlDeviceGetPciInfo_v3's busId, and a GPU without
 * a usable uuid is `pci:<bus id>` (the slot: fixed across reloads), `index:<n>` only when the bus id is missing too.
 * A bus id that is garbage is left out (said once); one two GPUs share identifies neither (each is its index).
 */
import { join } from 'node:path';
import { NVIDIA_SMI_FIELDS, parseNvidiaSmiLine } from '../../src/gpu/nvidiaSmiCsv';
import { NvmlSampler } from '../../src/gpu/nvmlSampler';
import { openFakeNvml, startFakeNvidiaSmi, tempDir, waitFor, type FakeNvml } from '../fixtures/fakes';

/** The nine fields every driver knows, and the bus id. */
const FIELDS = [...NVIDIA_SMI_FIELDS.slice(0, 9), 'pci.bus_id'];
const A_BUS = '00000000:17:00.0';
const B_BUS = '00000000:37:00.0';

describe('regression: a GPU without a usable uuid is identified by its PCI bus id, not its index', () => {
  it('asks nvidia-smi for pci.bus_id', () => {
    expect(NVIDIA_SMI_FIELDS).toContain('pci.bus_id');
  });

  it('gives a GPU printed with a placeholder uuid the same hw.id at index 1 and, renumbered, at index 0', () => {
    const before = parseNvidiaSmiLine(`1, [Unknown Error], NVIDIA A100-SXM4-40GB, 20, 2048, 40960, 47, 90.25, 1410, ${B_BUS}`, FIELDS)!;
    const after = parseNvidiaSmiLine(`0, [Unknown Error], NVIDIA A100-SXM4-40GB, 60, 4096, 40960, 50, 200.00, 1410, ${B_BUS}`, FIELDS)!;
    expect([before.uuid, after.uuid]).toEqual([`pci:${B_BUS}`, `pci:${B_BUS}`]);
    expect(after.pciBusId).toBe(B_BUS);
    // Only when the bus id is a placeholder too is the index all that is left.
    expect(parseNvidiaSmiLine('0, [N/A], NVIDIA A100-SXM4-40GB, 60, 4096, 40960, 50, 200.00, 1410, [N/A]', FIELDS)!.uuid).toBe('index:0');
  });

  describe('through the nvidia-smi loop', () => {
    let stop: (() => Promise<void>) | undefined;
    let cleanup: (() => void) | undefined;
    afterEach(async () => {
      await stop?.();
      cleanup?.();
    });

    it('moves a GPU renumbered after a restart to its new index instead of showing it twice', async () => {
      let dir: string;
      ({ dir, cleanup } = tempDir('smi-bus'));
      const started = startFakeNvidiaSmi(
        {
          FAKE_SMI_FIELDS: FIELDS.join(','),
          FAKE_SMI_LOG: join(dir, 'starts.log'),
          // GPU A (35 %) and GPU B (20 %), both without a uuid; the loop dies after one round ("GPU is lost").
          FAKE_SMI_LINES: [`0, [Unknown Error], A100, 35, 1024, 40960, 45, 120.50, 1410, ${A_BUS}`, `1, [Unknown Error], A100, 20, 2048, 40960, 47, 90.25, 1410, ${B_BUS}`].join('\\n'),
          FAKE_SMI_MODE: 'crash-after=1',
          // The restarted loop enumerates only GPU B, now as index 0, at 60 %.
          FAKE_SMI_RESTART_LINES: `0, [Unknown Error], A100, 60, 4096, 40960, 50, 200.00, 1410, ${B_BUS}`,
        },
        { intervalMs: 200, restartDelayMs: 100, maxRestartDelayMs: 400 },
      );
      stop = started.stop;
      const b = started.backend;
      await waitFor(() => b.devices().some((g) => g.utilization === 0.6), 10_000);
      // GPU A's last line stays until it is three intervals old; GPU B is there once, at its new index.
      expect(b.devices().filter((g) => g.utilization !== 0.35).map((g) => [g.index, g.uuid, g.utilization])).toEqual([[0, `pci:${B_BUS}`, 0.6]]);
    });

    it('identifies two GPUs printing the same bus id (and no uuid) by their indexes, said once', async () => {
      const started = startFakeNvidiaSmi({
        FAKE_SMI_FIELDS: FIELDS.join(','),
        FAKE_SMI_LINES: [`0, [N/A], A100, 35, 1024, 40960, 45, 120.50, 1410, ${A_BUS}`, `1, [N/A], A100, 20, 2048, 40960, 47, 90.25, 1410, ${A_BUS}`].join('\\n'),
      });
      stop = started.stop;
      const b = started.backend;
      await waitFor(() => b.devices().length === 2 && b.devices().every((g) => g.uuid.startsWith('index:')));
      expect(b.devices().map((g) => [g.index, g.uuid, g.utilization])).toEqual([
        [0, 'index:0', 0.35],
        [1, 'index:1', 0.2],
      ]);
      expect(started.lines.filter((l) => l.includes('same identity'))).toEqual([
        `warn: host gpu: nvidia-smi: GPUs 0 and 1 have the same identity (pci:${A_BUS}); each is identified by its index instead`,
      ]);
    });
  });

  describe('through NVML (the fake libnvidia-ml.so, sampled on this thread)', () => {
    let fake: FakeNvml;
    beforeAll(() => (fake = openFakeNvml('nvml-bus')));
    afterAll(() => fake.close());

    /** One NVML session (init, one sample, shutdown) as the worker runs it; the problems it reports. */
    function session(devices: number, uuidResult: number, busShift: number, busMode: number) {
      const { nvml, configure, identity } = fake;
      configure(0, devices, 0, 0);
      identity(uuidResult, busShift, busMode);
      expect(nvml.fn.init()).toBe(0);
      const reports: string[] = [];
      try {
        const sample = new NvmlSampler(nvml.fn, 0, (_, message) => reports.push(message)).sample();
        return { ids: sample.map((g) => [g.index, g.uuid, g.pciBusId]), reports };
      } finally {
        nvml.fn.shutdown();
      }
    }

    it('keeps GPU B\'s hw.id when, re-initialised after GPU A was removed, it is device 0 instead of 1', () => {
      // nvmlDeviceGetUUID answers NVML_ERROR_UNKNOWN (999) for both: a GPU in trouble.
      expect(session(2, 999, 0, 0).ids).toEqual([
        [0, `pci:${A_BUS}`, A_BUS],
        [1, `pci:${B_BUS}`, B_BUS],
      ]);
      expect(session(1, 999, 1, 0).ids).toEqual([[0, `pci:${B_BUS}`, B_BUS]]);
    });

    it('keeps the uuid as hw.id when there is one, and reports the bus id beside it', () => {
      expect(session(1, 0, 1, 0).ids).toEqual([[0, 'GPU-fa4e0000-0000-4000-8000-000000000001', B_BUS]]);
    });

    it('leaves a garbled bus id out (said once) and falls back to the index only then', () => {
      const { ids, reports } = session(1, 999, 0, 2);
      expect(ids).toEqual([[0, 'index:0', undefined]]);
      expect(reports).toEqual([
        'host gpu: NVML device 0: busId "GPU0:fell off the bus" is not a PCI bus id; left out',
        'host gpu: NVML device 0 has no uuid; its hw.id is index:0',
      ]);
    });

    it('identifies two devices with the same bus id by their indexes', () => {
      const { ids, reports } = session(2, 999, 0, 1);
      expect(ids).toEqual([
        [0, 'index:0', A_BUS],
        [1, 'index:1', A_BUS],
      ]);
      expect(reports.filter((r) => r.includes('same identity'))).toEqual([
        `host gpu: NVML devices 0, 1 have the same identity (pci:${A_BUS}); each is identified by its index instead`,
      ]);
    });
  });
});
