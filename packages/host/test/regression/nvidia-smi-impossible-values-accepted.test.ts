/*
 * Bug: the nvidia-smi CSV parser took `-?\d+` for memory, power, clocks and temperature, so a driver in trouble
 * printing `-1024` MiB used or `-120.50` W reached latest() and /metrics as negative memory and power; and a
 * utilization outside 0-100 % was clamped (250 % read as 1, a saturated GPU; -5 % as 0, an idle one) without a word.
 * Such a value is now refused: that figure is left out, and each distinct problem (GPU, field, kind) is said once,
 * however many lines repeat it.
 */
import { parseNvidiaSmiLine, NVIDIA_SMI_FIELDS } from '../../src/gpu/nvidiaSmiCsv';
import { startFakeNvidiaSmi, waitFor } from '../fixtures/fakes';

const CORE = NVIDIA_SMI_FIELDS.slice(0, 9);
const MiB = 1024 * 1024;
/** GPU 0: 250 % busy, -1024 MiB used, -120.50 W, -1410 MHz; GPU 1: fine, but -5 % busy. */
const LINES = ['0, GPU-aaaaaaaa-0000-4000-8000-000000000000, NVIDIA A100-SXM4-40GB, 250, -1024, 40960, 45, -120.50, -1410', '1, GPU-bbbbbbbb-1111-4000-8000-000000000001, NVIDIA A100-SXM4-40GB, -5, 2048, 40960, 47, 90.25, 1410'].join('\\n');

describe('regression: nvidia-smi values no GPU can have are refused, not reported or clamped', () => {
  it('leaves out negative memory, power, clocks and temperature and utilization outside 0-100 %, and says why', () => {
    const problems: [string, string][] = [];
    const g = parseNvidiaSmiLine('0, GPU-aaaaaaaa-0000-4000-8000-000000000000, A100, 101, -1, -2, -3, -4.5, -6', CORE, (key, message) => problems.push([key, message]))!;
    expect([g.utilization, g.memoryUsed, g.memoryTotal, g.memoryUtilization, g.temperature, g.power, g.smClock]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
    // In any order: one line per problem.
    expect(problems.map(([, message]) => message).sort()).toEqual([
      'host gpu: nvidia-smi: GPU 0 (GPU-aaaaaaaa-0000-4000-8000-000000000000): utilization.gpu 101 % is outside 0-100 %; left out',
      'host gpu: nvidia-smi: GPU 0 (GPU-aaaaaaaa-0000-4000-8000-000000000000): memory.used -1 is negative; left out',
      'host gpu: nvidia-smi: GPU 0 (GPU-aaaaaaaa-0000-4000-8000-000000000000): memory.total -2 is negative; left out',
      'host gpu: nvidia-smi: GPU 0 (GPU-aaaaaaaa-0000-4000-8000-000000000000): temperature.gpu -3 is negative; left out',
      'host gpu: nvidia-smi: GPU 0 (GPU-aaaaaaaa-0000-4000-8000-000000000000): power.draw -4.5 is negative; left out',
      'host gpu: nvidia-smi: GPU 0 (GPU-aaaaaaaa-0000-4000-8000-000000000000): clocks.sm -6 is negative; left out',
    ].sort());
    // The edges are values: 0 % and 100 %, 0 MiB, 0 W.
    const edge = parseNvidiaSmiLine('0, GPU-aaaaaaaa-0000-4000-8000-000000000000, A100, 100, 0, 40960, 0, 0, 0', CORE)!;
    expect([edge.utilization, edge.memoryUsed, edge.power, edge.smClock]).toEqual([1, 0, 0, 0]);
    expect(parseNvidiaSmiLine('0, GPU-aaaaaaaa-0000-4000-8000-000000000000, A100, 0, 0, 40960, 0, 0, 0', CORE)!.utilization).toBe(0);
  });

  describe('through the nvidia-smi loop', () => {
    let stop: (() => Promise<void>) | undefined;
    afterEach(async () => stop?.());

    it('keeps the good figures, drops the impossible ones, and says each problem once over many lines', async () => {
      const started = startFakeNvidiaSmi({ FAKE_SMI_LINES: LINES });
      ({ stop } = started);
      const { backend: b, lines } = started;
      await waitFor(() => b.devices().length === 2);
      // Several more rounds of the same two lines (one every 100 ms).
      await new Promise((resolve) => setTimeout(resolve, 800));
      const [a, bb] = b.devices();
      expect([a!.utilization, a!.memoryUsed, a!.memoryTotal, a!.temperature, a!.power, a!.smClock]).toEqual([undefined, undefined, 40960 * MiB, 45, undefined, undefined]);
      expect([bb!.utilization, bb!.memoryUsed, bb!.power, bb!.smClock]).toEqual([undefined, 2048 * MiB, 90.25, 1410e6]);
      expect(lines.filter((l) => l.startsWith('warn: host gpu: nvidia-smi: GPU')).sort()).toEqual([
        'warn: host gpu: nvidia-smi: GPU 0 (GPU-aaaaaaaa-0000-4000-8000-000000000000): utilization.gpu 250 % is outside 0-100 %; left out',
        'warn: host gpu: nvidia-smi: GPU 0 (GPU-aaaaaaaa-0000-4000-8000-000000000000): memory.used -1024 is negative; left out',
        'warn: host gpu: nvidia-smi: GPU 0 (GPU-aaaaaaaa-0000-4000-8000-000000000000): power.draw -120.50 is negative; left out',
        'warn: host gpu: nvidia-smi: GPU 0 (GPU-aaaaaaaa-0000-4000-8000-000000000000): clocks.sm -1410 is negative; left out',
        'warn: host gpu: nvidia-smi: GPU 1 (GPU-bbbbbbbb-1111-4000-8000-000000000001): utilization.gpu -5 % is outside 0-100 %; left out',
      ].sort());
    });
  });
});
