/*
 * Bug: the nvidia-smi back end took whatever the uuid column held as the GPU's identity (`hw.id`, and the key its
 * lines are kept under). A GPU in trouble prints a placeholder there (`[Unknown Error]`, `[N/A]`, `[GPU requires
 * reset]`, ...), so two broken GPUs both became `hw.id="[Unknown Error]"`: one overwrote the other's line, and only
 * one of them was reported. A placeholder is now no uuid: such a GPU is `index:<n>` (nvidia-smi's index, unique
 * among the GPUs one process prints) when, as here, no PCI bus id is printed either (with one it is `pci:<bus id>`:
 * gpu-without-uuid-identified-by-index), said once per GPU.
 */
import { NVIDIA_SMI_FIELDS, parseNvidiaSmiLine } from '../../src/gpu/nvidiaSmiCsv';
import { startFakeNvidiaSmi, waitFor } from '../fixtures/fakes';

const CORE = NVIDIA_SMI_FIELDS.slice(0, 9);
const LINES = [
  '0, [Unknown Error], NVIDIA A100-SXM4-40GB, 10, 1024, 40960, 45, 120.50, 1410',
  '1, [Unknown Error], NVIDIA A100-SXM4-40GB, 20, 2048, 40960, 46, 130.50, 1410',
  '2, [N/A], NVIDIA A100-SXM4-40GB, 30, 3072, 40960, 47, 140.50, 1410',
  '3, GPU-dddddddd-3333-4000-8000-000000000003, NVIDIA A100-SXM4-40GB, 40, 4096, 40960, 48, 150.50, 1410',
].join('\\n');

describe('regression: GPUs whose uuid nvidia-smi cannot read do not share one hw.id', () => {
  it('reads a placeholder uuid as no uuid and identifies the GPU by its index', () => {
    for (const placeholder of ['[Unknown Error]', '[N/A]', '[Not Supported]', '[GPU requires reset]', '[Insufficient Permissions]', 'N/A']) {
      expect(parseNvidiaSmiLine(`5, ${placeholder}, A100, 1, 2, 3, 4, 5, 6`, CORE)!.uuid).toBe('index:5');
    }
    expect(parseNvidiaSmiLine('5, GPU-6b9d3c1e-0000-4000-8000-000000000001, A100, 1, 2, 3, 4, 5, 6', CORE)!.uuid).toBe('GPU-6b9d3c1e-0000-4000-8000-000000000001');
  });

  describe('through the nvidia-smi loop', () => {
    let stop: (() => Promise<void>) | undefined;
    afterEach(async () => stop?.());

    it('reports all four GPUs, each under its own hw.id, and says each missing uuid once', async () => {
      const started = startFakeNvidiaSmi({ FAKE_SMI_LINES: LINES });
      ({ stop } = started);
      const { backend: b, lines } = started;
      await waitFor(() => b.devices().some((g) => g.index === 3));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(b.devices().map((g) => [g.index, g.uuid, g.utilization])).toEqual([
        [0, 'index:0', 0.1],
        [1, 'index:1', 0.2],
        [2, 'index:2', 0.3],
        [3, 'GPU-dddddddd-3333-4000-8000-000000000003', 0.4],
      ]);
      expect(lines.filter((l) => l.includes('has no uuid'))).toEqual([
        'warn: host gpu: nvidia-smi: GPU 0 has no uuid ([Unknown Error]); its hw.id is index:0',
        'warn: host gpu: nvidia-smi: GPU 1 has no uuid ([Unknown Error]); its hw.id is index:1',
        'warn: host gpu: nvidia-smi: GPU 2 has no uuid ([N/A]); its hw.id is index:2',
      ]);
    });
  });
});
