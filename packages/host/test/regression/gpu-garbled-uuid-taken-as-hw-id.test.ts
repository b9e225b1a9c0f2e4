/*
 * Bug: a GPU's uuid was taken as its hw.id whatever it held, as long as it was not one of nvidia-smi's placeholders
 * (`[N/A]`, `[Unknown Error]`): a truncated `GPU-1234`, `GPU-zzzz…`, a driver message, the nil uuid, a uuid with a
 * Cyrillic letter or a Unicode dash in it all became the GPU's identity (NVML took anything nvmlDeviceGetUUID wrote).
 * Garbage that differs from read to read (a GPU in trouble) then gave one GPU a new series at every reload, and
 * garbage in upper case gave one GPU two identities, one per back end. A uuid must now be one of NVIDIA's forms
 * (`GPU-` or `MIG-` and 8-4-4-4-12 hex digits, or the older `MIG-GPU-<gpu uuid>/<gi>/<ci>`; documented in the
 * CUDA programming guide's CUDA_VISIBLE_DEVICES entry and NVIDIA's go-nvlib identifier tests), hex digits taken in
 * lower case as NVIDIA prints them; anything else is treated as a placeholder: the GPU is `pci:<bus id>` (else
 * `index:<n>`), and it is said once. One rule for nvidia-smi and NVML. Expected identities and lines are written out
 * by hand.
 */
import { OnceReporter } from '../../src/collectors/onceReporter';
import { NVML, type NvmlFunctions } from '../../src/gpu/NvmlLibrary';
import { NVIDIA_SMI_FIELDS, parseNvidiaSmiLine } from '../../src/gpu/nvidiaSmiCsv';
import { NvmlSampler } from '../../src/gpu/nvmlSampler';
import { captureDiag } from '../fixtures/fakes';

const BUS = '00000000:17:00.0';
const FIELDS = [...NVIDIA_SMI_FIELDS.slice(0, 9), 'pci.bus_id'];
const FORMS = "(GPU-, MIG- or MIG-GPU- and 8-4-4-4-12 hex digits)";

/** Not one of NVIDIA's forms, and what the diagnostic quotes of each (non-ASCII escaped). */
const GARBLED: readonly (readonly [string, string, string])[] = [
  ['truncated', 'GPU-1234', '"GPU-1234"'],
  ['not hex', 'GPU-zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', '"GPU-zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"'],
  ['a driver message', 'Unable to determine the device handle for GPU0000:17:00.0: Unknown Error', '"Unable to determine the device handle fo"... (72 characters)'],
  ['one digit short', 'GPU-6b9d3c1e-0000-4000-8000-00000000001', '"GPU-6b9d3c1e-0000-4000-8000-00000000001"'],
  ['one digit too many', 'GPU-6b9d3c1e-0000-4000-8000-0000000000011', '"GPU-6b9d3c1e-0000-4000-8000-000000000001"... (41 characters)'],
  ['no prefix', '6b9d3c1e-0000-4000-8000-000000000001', '"6b9d3c1e-0000-4000-8000-000000000001"'],
  ['a lower-case prefix', 'gpu-6b9d3c1e-0000-4000-8000-000000000001', '"gpu-6b9d3c1e-0000-4000-8000-000000000001"'],
  ['a space inside', 'GPU-6b9d3c1e 0000-4000-8000-000000000001', '"GPU-6b9d3c1e 0000-4000-8000-000000000001"'],
  ['a Cyrillic e (U+0435)', 'GPU-6b9d3c1\u0435-0000-4000-8000-000000000001', '"GPU-6b9d3c1\\u0435-0000-4000-8000-000000000001"'],
  ['a Cyrillic Er for P (U+0420)', 'G\u0420U-6b9d3c1e-0000-4000-8000-000000000001', '"G\\u0420U-6b9d3c1e-0000-4000-8000-000000000001"'],
  ['a full-width digit (U+FF16)', 'GPU-\uff16b9d3c1e-0000-4000-8000-000000000001', '"GPU-\\uff16b9d3c1e-0000-4000-8000-000000000001"'],
  ['a non-breaking hyphen (U+2011)', 'GPU\u20116b9d3c1e-0000-4000-8000-000000000001', '"GPU\\u20116b9d3c1e-0000-4000-8000-000000000001"'],
  ['a minus sign (U+2212)', 'GPU-6b9d3c1e\u22120000-4000-8000-000000000001', '"GPU-6b9d3c1e\\u22120000-4000-8000-000000000001"'],
  ['a zero-width space (U+200B)', 'GPU-6b9d3c1e-0000-4000-8000-000000000001\u200b', '"GPU-6b9d3c1e-0000-4000-8000-000000000001"... (41 characters)'],
  ['a MIG uuid missing its instances', 'MIG-GPU-6b9d3c1e-0000-4000-8000-000000000001', '"MIG-GPU-6b9d3c1e-0000-4000-8000-00000000"... (44 characters)'],
];

/** NVIDIA's forms, and the hw.id each gives. */
const VALID: readonly (readonly [string, string, string])[] = [
  ['a GPU uuid', 'GPU-6b9d3c1e-0000-4000-8000-000000000001', 'GPU-6b9d3c1e-0000-4000-8000-000000000001'],
  ['a MIG uuid (R470+)', 'MIG-1f292bf8-f63f-570f-a866-efaab3ceb50a', 'MIG-1f292bf8-f63f-570f-a866-efaab3ceb50a'],
  ['a MIG uuid (older drivers)', 'MIG-GPU-8932f937-d72c-4106-c12f-20bd9faed9f6/1/2', 'MIG-GPU-8932f937-d72c-4106-c12f-20bd9faed9f6/1/2'],
  ['upper-case hex', 'GPU-6B9D3C1E-0000-4000-8000-00000000000A', 'GPU-6b9d3c1e-0000-4000-8000-00000000000a'],
];

/** One nvidia-smi line through the back end's once-only reporter; the GPU's hw.id and the lines said. */
function smi(uuids: readonly string[], busId = BUS) {
  const { diag, lines } = captureDiag();
  const reporter = new OnceReporter(diag, 'host gpu: nvidia-smi');
  const ids = uuids.map((uuid) => parseNvidiaSmiLine(`0, ${uuid}, A100, 35, 1024, 40960, 45, 120.50, 1410, ${busId}`, FIELDS, (k, m) => void reporter.report(k, m))?.uuid);
  return { ids, lines };
}

interface FakeDevice {
  /** What nvmlDeviceGetUUID writes (snprintf-like: cut to the buffer, NUL-terminated); undefined: NVML_ERROR_UNKNOWN. */
  readonly uuid: string | undefined;
  readonly busId: string;
}

/** nvmlDeviceGetUUID, nvmlDeviceGetPciInfo_v3 and the device calls they need, as the library fills its buffers. */
function fakeNvml(devices: readonly FakeDevice[]): NvmlFunctions {
  const write = (buf: Buffer, text: string, at: number, length: number, encoding: BufferEncoding) => {
    const bytes = Buffer.from(text, encoding).subarray(0, length - 1);
    bytes.copy(buf, at);
    buf[at + bytes.length] = 0;
  };
  return {
    init: () => NVML.SUCCESS,
    shutdown: () => NVML.SUCCESS,
    errorString: (code) => `error ${code}`,
    deviceCount: (out) => ((out[0] = devices.length), NVML.SUCCESS),
    handleByIndex: (index, out) => ((out[0] = devices[index]), NVML.SUCCESS),
    uuid: (device, buf, length) => {
      const { uuid } = device as FakeDevice;
      if (uuid === undefined) return NVML.ERROR_UNKNOWN;
      write(buf, uuid, 0, length, 'utf8');
      return NVML.SUCCESS;
    },
    name: (_, buf, length) => (write(buf, 'NVIDIA A100-SXM4-40GB', 0, length, 'utf8'), NVML.SUCCESS),
    pciInfo: (device, buf) => (write(buf, (device as FakeDevice).busId, NVML.PCI_BUS_ID_OFFSET, NVML.PCI_BUS_ID_SIZE, 'latin1'), NVML.SUCCESS),
  };
}

/** Two samples of one NVML session through the back end's once-only reporter; each sample's hw.ids, the lines said. */
function nvml(devices: readonly FakeDevice[]) {
  const { diag, lines } = captureDiag();
  const reporter = new OnceReporter(diag, 'host gpu: NVML');
  const sampler = new NvmlSampler(fakeNvml(devices), 0, (k, m) => void reporter.report(k, m));
  const ids = [sampler.sample(), sampler.sample()].map((sample) => sample.map((g) => g.uuid));
  return { ids, lines };
}

describe('regression: a uuid not of NVIDIA\'s form is no GPU identity', () => {
  describe('nvidia-smi', () => {
    it.each(GARBLED)('identifies a GPU whose uuid is garbled (%s) by its bus id, said once', (_, uuid, quoted) => {
      expect(smi([uuid, uuid])).toEqual({
        ids: [`pci:${BUS}`, `pci:${BUS}`],
        lines: [`warn: host gpu: nvidia-smi: GPU 0: uuid ${quoted} is not one of NVIDIA's forms ${FORMS}; its hw.id is pci:${BUS}`],
      });
    });

    it('refuses the nil uuid, and falls back to the index when the bus id is missing too', () => {
      expect(smi(['GPU-00000000-0000-0000-0000-000000000000'], '[N/A]')).toEqual({
        ids: ['index:0'],
        lines: ['warn: host gpu: nvidia-smi: GPU 0: uuid "GPU-00000000-0000-0000-0000-000000000000" is the nil uuid; its hw.id is index:0'],
      });
    });

    it('says once a uuid that is different garbage at every line', () => {
      const { ids, lines } = smi(Array.from({ length: 50 }, (_, i) => `GPU-${i}`));
      expect(new Set(ids)).toEqual(new Set([`pci:${BUS}`]));
      expect(lines).toEqual([`warn: host gpu: nvidia-smi: GPU 0: uuid "GPU-0" is not one of NVIDIA's forms ${FORMS}; its hw.id is pci:${BUS}`]);
    });

    it('keeps a GPU whose uuid column holds 4,000 characters, by its bus id (the line was dropped as malformed)', () => {
      const { ids, lines } = smi(['GPU-' + 'f'.repeat(3996)]);
      expect(ids).toEqual([`pci:${BUS}`]);
      expect(lines).toEqual([`warn: host gpu: nvidia-smi: GPU 0: uuid "GPU-${'f'.repeat(36)}"... (4000 characters) is not one of NVIDIA's forms ${FORMS}; its hw.id is pci:${BUS}`]);
    });

    it.each(VALID)('takes %s as the hw.id, silently', (_, uuid, hwId) => {
      expect(smi([uuid])).toEqual({ ids: [hwId], lines: [] });
    });
  });

  describe('NVML', () => {
    it.each(GARBLED)('identifies a device whose uuid is garbled (%s) by its bus id, said once', (_, uuid, quoted) => {
      expect(nvml([{ uuid, busId: BUS }])).toEqual({
        ids: [[`pci:${BUS}`], [`pci:${BUS}`]],
        lines: [`warn: host gpu: NVML device 0: uuid ${quoted} is not one of NVIDIA's forms ${FORMS}; its hw.id is pci:${BUS}`],
      });
    });

    it.each([
      ['a trailing space', 'GPU-6b9d3c1e-0000-4000-8000-000000000001 ', '"GPU-6b9d3c1e-0000-4000-8000-000000000001"... (41 characters)'],
      ['a leading tab', '\tGPU-6b9d3c1e-0000-4000-8000-000000000001', '"\\tGPU-6b9d3c1e-0000-4000-8000-00000000000"... (41 characters)'],
      ['a newline', 'GPU-6b9d3c1e-0000-4000-8000-000000000001\n', '"GPU-6b9d3c1e-0000-4000-8000-000000000001"... (41 characters)'],
      ['10,000 characters (cut to the 96-byte buffer)', 'GPU-' + 'a'.repeat(9996), `"GPU-${'a'.repeat(36)}"... (95 characters)`],
    ])('refuses a uuid with %s', (_, uuid, quoted) => {
      expect(nvml([{ uuid, busId: BUS }]).lines).toEqual([
        `warn: host gpu: NVML device 0: uuid ${quoted} is not one of NVIDIA's forms ${FORMS}; its hw.id is pci:${BUS}`,
      ]);
    });

    it('gives two devices with the same garbled uuid and bus id their indexes', () => {
      const { ids, lines } = nvml([
        { uuid: 'GPU-1234', busId: BUS },
        { uuid: 'GPU-1234', busId: BUS },
      ]);
      expect(ids).toEqual([
        ['index:0', 'index:1'],
        ['index:0', 'index:1'],
      ]);
      expect(lines).toContain(`warn: host gpu: NVML devices 0, 1 have the same identity (pci:${BUS}); each is identified by its index instead`);
    });

    it.each(VALID)('takes %s as the hw.id, silently', (_, uuid, hwId) => {
      expect(nvml([{ uuid, busId: BUS }])).toEqual({ ids: [[hwId], [hwId]], lines: [] });
    });

    it('gives the GPU nvidia-smi printed in lower case and NVML in upper case one identity', () => {
      const [upper] = nvml([{ uuid: 'GPU-6B9D3C1E-0000-4000-8000-00000000000A', busId: BUS }]).ids[0]!;
      const [lower] = smi(['GPU-6b9d3c1e-0000-4000-8000-00000000000a']).ids;
      expect(upper).toBe(lower);
    });
  });
});
