import { isNvidiaSmiPlaceholder, NVIDIA_SMI_FIELDS, nvidiaSmiArgs, parseNvidiaSmiLine as parseAll, withoutRejectedField } from '../../src/gpu/nvidiaSmiCsv';

/** The nine fields every driver knows (what a driver that refused all the others is asked for). */
const CORE = NVIDIA_SMI_FIELDS.slice(0, 9);
const parseNvidiaSmiLine = (line: string) => parseAll(line, CORE);

describe('parseNvidiaSmiLine', () => {
  it('converts MiB to bytes, % to 0..1 and MHz to Hz when given a full line', () => {
    expect(parseNvidiaSmiLine('0, GPU-3f1c0000-0000-4000-8000-000000000000, NVIDIA H100 80GB HBM3, 35, 1024, 81559, 45, 120.50, 1980')).toEqual({
      index: 0,
      uuid: 'GPU-3f1c0000-0000-4000-8000-000000000000',
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
    ['a header line', CORE.join(', ')],
    ['a huge line', '0, GPU-1, ' + 'x'.repeat(100_000) + ', 1, 2, 3, 4, 5, 6'],
    ['an error message', 'Unable to determine the device handle for GPU0000:00:04.0: GPU is lost.'],
  ])('returns undefined when the line is malformed (%s)', (_, line) => {
    expect(parseNvidiaSmiLine(line)).toBeUndefined();
  });

  it('drops NaN, Infinity and exponent forms instead of reporting them', () => {
    const g = parseNvidiaSmiLine('0, GPU-1, T4, NaN, Infinity, 1e309, -Infinity, 0x10, 1e3')!;
    expect([g.utilization, g.memoryUsed, g.memoryTotal, g.temperature, g.power, g.smClock]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('leaves utilization out (not clamped) when the driver reports more than 100 % or less than 0 %', () => {
    expect(parseNvidiaSmiLine('0, GPU-1, T4, 250, 1, 2, 3, 4, 5')!.utilization).toBeUndefined();
    expect(parseNvidiaSmiLine('0, GPU-1, T4, -1, 1, 2, 3, 4, 5')!.utilization).toBeUndefined();
  });

  it('tells a placeholder from a value', () => {
    for (const text of ['[N/A]', '[Not Supported]', '[Unknown Error]', '[GPU requires reset]', '[Insufficient Permissions]', 'N/A']) expect(isNvidiaSmiPlaceholder(text)).toBe(true);
    for (const text of ['GPU-6b9d3c1e-0000-4000-8000-000000000001', 'MIG-1', '', '[', 'N/A]']) expect(isNvidiaSmiPlaceholder(text)).toBe(false);
  });

  it('asks for one CSV loop process with the interval as --loop-ms', () => {
    expect(nvidiaSmiArgs(2500)).toEqual([`--query-gpu=${NVIDIA_SMI_FIELDS.join(',')}`, '--format=csv,noheader,nounits', '--loop-ms=2500']);
  });
});

/**
 * One H100 as `nvidia-smi --query-gpu=<NVIDIA_SMI_FIELDS> --format=csv,noheader,nounits` prints it: field names and
 * units from NVIDIA's `nvidia-smi --help-query-gpu` (memory in MiB, utilization in %, clocks in MHz, power in W,
 * clocks_event_reasons.active as a hex bit mask). The values are set by hand (no GPU machine was lent to record one).
 */
const H100 = '3, GPU-6b9d3c1e-0000-4000-8000-000000000001, NVIDIA H100 80GB HBM3, 87, 61440, 81559, 71, 612.35, 1755, 43, 5, 12, 512, 700.00, 2619, 0x0000000000000004, 2, 0, 00000000:8D:00.0';

describe('parseNvidiaSmiLine with the health fields', () => {
  it('reads memory-controller, encoder and decoder utilization, reserved memory, power limit, memory clock, clock events and ECC counts', () => {
    expect(NVIDIA_SMI_FIELDS).toEqual([
      'index', 'uuid', 'name', 'utilization.gpu', 'memory.used', 'memory.total', 'temperature.gpu', 'power.draw', 'clocks.sm',
      'utilization.memory', 'utilization.encoder', 'utilization.decoder', 'memory.reserved', 'enforced.power.limit', 'clocks.mem',
      'clocks_event_reasons.active', 'ecc.errors.corrected.volatile.total', 'ecc.errors.uncorrected.volatile.total', 'pci.bus_id',
    ]);
    expect(parseAll(H100)).toEqual({
      index: 3,
      uuid: 'GPU-6b9d3c1e-0000-4000-8000-000000000001',
      name: 'NVIDIA H100 80GB HBM3',
      utilization: 0.87,
      memoryUsed: 61440 * 1048576,
      memoryTotal: 81559 * 1048576,
      memoryUtilization: 61440 / 81559,
      temperature: 71,
      power: 612.35,
      smClock: 1755e6,
      memoryControllerUtilization: 0.43,
      encoderUtilization: 0.05,
      decoderUtilization: 0.12,
      memoryReserved: 512 * 1048576,
      powerLimit: 700,
      memoryClock: 2619e6,
      clockEventReasons: 4, // 0x4: SW power cap (nvmlClocksEventReasonSwPowerCap)
      eccCorrected: 2,
      eccUncorrected: 0,
      pciBusId: '00000000:8D:00.0',
      processes: [],
    });
  });

  it('leaves out what a GeForce card prints [N/A] or [Not Supported] for (ECC, encoder stats) and keeps the rest', () => {
    const line = '0, GPU-aa, NVIDIA GeForce RTX 4090, 12, 900, 24564, 40, 35.10, 210, 3, [Not Supported], [Not Supported], 357, 450.00, 405, 0x0000000000000001, [N/A], [N/A], 00000000:01:00.0';
    const g = parseAll(line)!;
    expect([g.encoderUtilization, g.decoderUtilization, g.eccCorrected, g.eccUncorrected]).toEqual([undefined, undefined, undefined, undefined]);
    expect([g.memoryReserved, g.powerLimit, g.clockEventReasons]).toEqual([357 * 1048576, 450, 1]);
  });

  it.each([
    ['not hex', 'Active'],
    ['decimal', '4'],
    ['past 2^53', '0xffffffffffffffff'],
    ['too long', '0x00000000000000004'],
  ])('drops a clock-event mask it cannot read (%s)', (_, mask) => {
    expect(parseAll(H100.replace('0x0000000000000004', mask))!.clockEventReasons).toBeUndefined();
  });

  it('drops negative or fractional ECC counts', () => {
    const g = parseAll(H100.replace(/, 2, 0, (\S+)$/, ', -2, 0.5, $1'))!;
    expect([g.eccCorrected, g.eccUncorrected]).toEqual([undefined, undefined]);
  });

  it('reads the mask under its pre-R535 name when that is what was asked for', () => {
    const older = NVIDIA_SMI_FIELDS.map((f) => (f === 'clocks_event_reasons.active' ? 'clocks_throttle_reasons.active' : f));
    expect(parseAll(H100, older)!.clockEventReasons).toBe(4);
  });
});

describe('parseNvidiaSmiLine with pci.bus_id', () => {
  const withBus = (uuid: string, bus: string) => H100.replace('GPU-6b9d3c1e-0000-4000-8000-000000000001', uuid).replace('00000000:8D:00.0', bus);

  it('keeps the uuid as hw.id and the bus id beside it, in NVML\'s form (8-digit domain, upper case)', () => {
    expect(parseAll(withBus('GPU-11111111-1111-4000-8000-000000000001', '0000:8d:00.0'))).toMatchObject({ uuid: 'GPU-11111111-1111-4000-8000-000000000001', pciBusId: '00000000:8D:00.0' });
  });

  it.each([
    ['garbage', 'GPU0000:00:04.0: GPU is lost'],
    ['a device number past 31', '00000000:8D:20.0'],
    ['a function past 7', '00000000:8D:00.8'],
    ['a 9-digit domain', '000000000:8D:00.0'],
    ['no function', '00000000:8D:00'],
    ['a long value', '0'.repeat(1000)],
  ])('leaves out a bus id that is not one (%s), says so once, and identifies a GPU without uuid by its index', (_, bus) => {
    const problems: string[] = [];
    const g = parseAll(withBus('[Unknown Error]', bus), NVIDIA_SMI_FIELDS, (key, message) => problems.push(`${key.replace(/\u0000/g, '|')} ${message}`))!;
    expect([g.uuid, g.pciBusId]).toEqual(['index:3', undefined]);
    expect(problems).toEqual([
      `index:3|pci.bus_id host gpu: nvidia-smi: GPU 3: pci.bus_id ${JSON.stringify(bus.slice(0, 40))} is not a PCI bus id (domain:bus:device.function); left out`,
      'index:3|uuid host gpu: nvidia-smi: GPU 3 has no uuid ([Unknown Error]); its hw.id is index:3',
    ]);
  });

  it('says nothing about a bus id nvidia-smi prints a placeholder for', () => {
    const problems: string[] = [];
    const g = parseAll(withBus('GPU-11111111-1111-4000-8000-000000000001', '[N/A]'), NVIDIA_SMI_FIELDS, (_, message) => problems.push(message))!;
    expect([g.uuid, g.pciBusId, problems]).toEqual(['GPU-11111111-1111-4000-8000-000000000001', undefined, []]);
  });
});

describe('withoutRejectedField', () => {
  const refused = (field: string) => `Field "${field}" is not a valid field to query.\n\n`;

  it('swaps a renamed field for its older name, then drops it when that is refused too', () => {
    const older = withoutRejectedField(NVIDIA_SMI_FIELDS, refused('clocks_event_reasons.active'))!;
    expect(older).toContain('clocks_throttle_reasons.active');
    expect(older).not.toContain('clocks_event_reasons.active');
    expect(older).toHaveLength(NVIDIA_SMI_FIELDS.length);
    const none = withoutRejectedField(older, refused('clocks_throttle_reasons.active'))!;
    expect(none).toHaveLength(NVIDIA_SMI_FIELDS.length - 1);
    expect(none.some((f) => f.includes('reasons'))).toBe(false);
  });

  it('drops any other refused field', () => {
    expect(withoutRejectedField(NVIDIA_SMI_FIELDS, refused('memory.reserved'))).toEqual(NVIDIA_SMI_FIELDS.filter((f) => f !== 'memory.reserved'));
  });

  it.each([
    ['another error', "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."],
    ['a field not asked for', 'Field "fan.speed" is not a valid field to query.'],
    ['the uuid, without which nothing works', 'Field "uuid" is not a valid field to query.'],
    ['nothing', ''],
  ])('gives up on nothing when stderr names %s', (_, stderr) => {
    expect(withoutRejectedField(NVIDIA_SMI_FIELDS, stderr)).toBeUndefined();
  });
});
