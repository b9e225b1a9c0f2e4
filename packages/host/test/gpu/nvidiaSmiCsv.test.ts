import { NVIDIA_SMI_FIELDS, nvidiaSmiArgs, parseNvidiaSmiLine } from '../../src/gpu/nvidiaSmiCsv';

describe('parseNvidiaSmiLine', () => {
  it('converts MiB to bytes, % to 0..1 and MHz to Hz when given a full line', () => {
    expect(parseNvidiaSmiLine('0, GPU-3f1c, NVIDIA H100 80GB HBM3, 35, 1024, 81559, 45, 120.50, 1980')).toEqual({
      index: 0,
      uuid: 'GPU-3f1c',
      name: 'NVIDIA H100 80GB HBM3',
      utilization: 0.35,
      memoryUsed: 1024 * 1048576,
      memoryTotal: 81559 * 1048576,
      memoryUtilization: 1024 / 81559,
      temperature: 45,
      power: 120.5,
      smClock: 1980e6,
      processes: [],
    });
  });

  it('leaves a figure undefined when nvidia-smi prints [N/A] or [Not Supported] for it', () => {
    const g = parseNvidiaSmiLine('1, GPU-aa, Tesla T4, [N/A], 10, 15360, 40, [Not Supported], N/A')!;
    expect(g.utilization).toBeUndefined();
    expect(g.power).toBeUndefined();
    expect(g.smClock).toBeUndefined();
    expect(g.memoryUsed).toBe(10 * 1048576);
  });

  it.each([
    ['too few fields', '0, GPU-1, T4, 1, 2'],
    ['too many fields', '0, GPU-1, T4, 1, 2, 3, 4, 5, 6, 7'],
    ['no index', 'x, GPU-1, T4, 1, 2, 3, 4, 5, 6'],
    ['negative index', '-1, GPU-1, T4, 1, 2, 3, 4, 5, 6'],
    ['fractional index', '0.5, GPU-1, T4, 1, 2, 3, 4, 5, 6'],
    ['no uuid', '0, , T4, 1, 2, 3, 4, 5, 6'],
    ['a header line', NVIDIA_SMI_FIELDS.join(', ')],
    ['a huge line', '0, GPU-1, ' + 'x'.repeat(100_000) + ', 1, 2, 3, 4, 5, 6'],
    ['an error message', 'Unable to determine the device handle for GPU0000:00:04.0: GPU is lost.'],
  ])('returns undefined when the line is malformed (%s)', (_, line) => {
    expect(parseNvidiaSmiLine(line)).toBeUndefined();
  });

  it('drops NaN, Infinity and exponent forms instead of reporting them', () => {
    const g = parseNvidiaSmiLine('0, GPU-1, T4, NaN, Infinity, 1e309, -Infinity, 0x10, 1e3')!;
    expect([g.utilization, g.memoryUsed, g.memoryTotal, g.temperature, g.power, g.smClock]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('clamps utilization to 0..1 when the driver reports more than 100 %', () => {
    expect(parseNvidiaSmiLine('0, GPU-1, T4, 250, 1, 2, 3, 4, 5')!.utilization).toBe(1);
  });

  it('asks for one CSV loop process with the interval as --loop-ms', () => {
    expect(nvidiaSmiArgs(2500)).toEqual([`--query-gpu=${NVIDIA_SMI_FIELDS.join(',')}`, '--format=csv,noheader,nounits', '--loop-ms=2500']);
  });
});
