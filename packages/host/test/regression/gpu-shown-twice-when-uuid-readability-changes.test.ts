/*
 * Bug: a GPU's hw.id is its uuid, `pci:<bus id>` while the uuid cannot be read (gpu-without-uuid-identified-by-index).
 * When a GPU's uuid became readable (after `nvidia-smi -r`, a driver that recovered) or stopped being readable (a GPU
 * falling into trouble prints `[Unknown Error]`):
 * - the nvidia-smi back end kept the GPU's line under its old identity beside the new one until it was three
 *   intervals old, so one GPU showed twice, its old figures frozen beside the new (memory counted twice in a sum);
 *   across a restarted loop the same (its old `pci:` line beside its new uuid);
 * - the NVML back end read a device's identity once per session, so a GPU whose uuid could not be read at the first
 *   sample stayed `pci:<bus id>` until NVML was re-initialised, while nvidia-smi showed its uuid: one GPU, two hw.ids
 *   depending on the back end (the README promises one);
 * - the other way round, NVML kept the uuid it had read of a GPU whose uuid stopped reading, and nvidia-smi moved it
 *   to `pci:<bus id>`, taking it off the series its alerts watch just when it was in trouble.
 * Now a line replaces its GPU's line under any other identity (same loop and index, or an earlier loop's line from the
 * same slot), NVML reads an identity again until its uuid reads, and the nvidia-smi loop keeps the uuid an index
 * printed before, at the same slot, as NVML keeps the one it read.
 */
import { join } from 'node:path';
import { NVIDIA_SMI_FIELDS } from '../../src/gpu/nvidiaSmiCsv';
import { NvmlSampler } from '../../src/gpu/nvmlSampler';
import { openFakeNvml, startFakeNvidiaSmi, tempDir, waitFor, type FakeNvml } from '../fixtures/fakes';

const FIELDS = [...NVIDIA_SMI_FIELDS.slice(0, 9), 'pci.bus_id'];
const A_BUS = '00000000:17:00.0';
const B_BUS = '00000000:37:00.0';
const A_UUID = 'GPU-aaaaaaaa-0000-4000-8000-000000000001';
const B_UUID = 'GPU-bbbbbbbb-0000-4000-8000-000000000002';
const line = (index: number, uuid: string, utilization: number, bus: string) => `${index}, ${uuid}, A100, ${utilization}, 1024, 40960, 45, 120.50, 1410, ${bus}`;

describe('regression: one GPU is one device when its uuid becomes readable or stops being readable', () => {
  describe('through the nvidia-smi loop', () => {
    let stop: (() => Promise<void>) | undefined;
    let cleanup: (() => void) | undefined;
    afterEach(async () => {
      await stop?.();
      cleanup?.();
    });

    it('shows each GPU once, under its uuid, whichever way its uuid changed between two lines', async () => {
      // The fake prints the four lines in one write: what two rounds of a loop print when GPU 0's uuid became readable
      // (35 % then 40 %) and GPU 1's stopped reading (20 % then 60 %) between them.
      const started = startFakeNvidiaSmi(
        {
          FAKE_SMI_FIELDS: FIELDS.join(','),
          FAKE_SMI_LINES: [line(0, '[Unknown Error]', 35, A_BUS), line(1, B_UUID, 20, B_BUS), line(0, A_UUID, 40, A_BUS), line(1, '[Unknown Error]', 60, B_BUS)].join('\\n'),
        },
        { intervalMs: 60_000 },
      );
      stop = started.stop;
      const b = started.backend;
      await waitFor(() => b.devices().some((g) => g.utilization === 0.6));
      expect(b.devices().map((g) => [g.index, g.uuid, g.utilization])).toEqual([
        [0, A_UUID, 0.4],
        [1, B_UUID, 0.6],
      ]);
      expect(started.lines.filter((l) => l.includes('no uuid'))).toEqual([
        `warn: host gpu: nvidia-smi: GPU 0 has no uuid ([Unknown Error]); its hw.id is pci:${A_BUS}`,
        `warn: host gpu: nvidia-smi: GPU 1 has no uuid ([Unknown Error]); its hw.id stays ${B_UUID}, the uuid it printed before`,
      ]);
    });

    it('replaces the old pci: line of a GPU whose uuid a restarted loop reads', async () => {
      let dir: string;
      ({ dir, cleanup } = tempDir('smi-uuid-later'));
      const started = startFakeNvidiaSmi(
        {
          FAKE_SMI_FIELDS: FIELDS.join(','),
          FAKE_SMI_LOG: join(dir, 'starts.log'),
          FAKE_SMI_LINES: line(0, '[GPU requires reset]', 35, A_BUS),
          FAKE_SMI_MODE: 'crash-after=1',
          FAKE_SMI_RESTART_LINES: line(0, A_UUID, 40, A_BUS),
        },
        { intervalMs: 20, restartDelayMs: 20, maxRestartDelayMs: 20 },
      );
      stop = started.stop;
      const b = started.backend;
      await waitFor(() => b.devices().some((g) => g.utilization === 0.4));
      // The first loop's line is well within three intervals and a second (1.06 s) of its printing: only its
      // replacement takes it out.
      expect(b.devices().map((g) => [g.index, g.uuid, g.utilization])).toEqual([[0, A_UUID, 0.4]]);
    });
  });

  describe('through NVML (the fake libnvidia-ml.so, sampled on this thread)', () => {
    let fake: FakeNvml;
    beforeAll(() => (fake = openFakeNvml('nvml-uuid-later')));
    afterAll(() => fake.close());

    it('gives a device its uuid as soon as it reads, within the session, and keeps it when it stops reading', () => {
      const { nvml, configure, identity } = fake;
      configure(0, 1, 0, 0);
      identity(999, 0, 0); // nvmlDeviceGetUUID answers NVML_ERROR_UNKNOWN: a GPU in trouble
      expect(nvml.fn.init()).toBe(0);
      try {
        const sampler = new NvmlSampler(nvml.fn, 0, () => undefined);
        const ids = () => sampler.sample().map((g) => g.uuid);
        expect(ids()).toEqual([`pci:${A_BUS}`]);
        identity(0, 0, 0); // the uuid reads again; the fake's device 0 is GPU-fa4e0000-0000-4000-8000-000000000000
        expect(ids()).toEqual(['GPU-fa4e0000-0000-4000-8000-000000000000']);
        identity(999, 0, 0);
        expect(ids()).toEqual(['GPU-fa4e0000-0000-4000-8000-000000000000']);
      } finally {
        nvml.fn.shutdown();
      }
    });
  });
});
