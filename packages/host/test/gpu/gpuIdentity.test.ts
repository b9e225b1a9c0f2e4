import { gpuHwId, indexHwId, parsePciBusId, withUniqueHwIds } from '../../src/gpu/gpuIdentity';
import type { GpuSample } from '../../src/types';

describe('parsePciBusId', () => {
  it.each([
    ['00000000:17:00.0', '00000000:17:00.0'],
    ['00000000:8d:00.0', '00000000:8D:00.0'],
    ['0000:8D:00.0', '00000000:8D:00.0'],
    ['0001:3b:1f.7', '00000001:3B:1F.7'],
    ['FFFFFFFF:FF:1F.7', 'FFFFFFFF:FF:1F.7'],
  ])('reads %s as %s (NVML\'s form)', (text, busId) => {
    expect(parsePciBusId(text)).toBe(busId);
  });

  it.each([
    ['[N/A]'],
    ['N/A'],
    [''],
    [' 00000000:17:00.0'],
    ['00000000:17:00.0\n'],
    ['000:17:00.0'],
    ['000000000:17:00.0'],
    ['00000000:7:00.0'],
    ['00000000:17:20.0'],
    ['00000000:17:00.8'],
    ['00000000-17-00.0'],
    ['0x000000:17:00.0'],
    ['00000000:17:00.0.0'],
    ['x'.repeat(100_000)],
  ])('gives undefined for %p', (text) => {
    expect(parsePciBusId(text)).toBeUndefined();
  });

  it('gives undefined for undefined and for non-strings a caller might hand it', () => {
    expect(parsePciBusId(undefined)).toBeUndefined();
    expect(parsePciBusId(NaN as unknown as string)).toBeUndefined();
  });
});

describe('gpuHwId', () => {
  it('takes the uuid, else the bus id, else the index', () => {
    expect(gpuHwId('GPU-1', '00000000:17:00.0', 3)).toBe('GPU-1');
    expect(gpuHwId(undefined, '00000000:17:00.0', 3)).toBe('pci:00000000:17:00.0');
    expect(gpuHwId(undefined, undefined, 3)).toBe('index:3');
    expect(indexHwId(0)).toBe('index:0');
  });
});

describe('withUniqueHwIds', () => {
  const gpu = (index: number, uuid: string): GpuSample => ({ index, uuid, name: 'A100', processes: [] });

  it('hands back the same array when every hw.id is unique', () => {
    const devices = [gpu(0, 'GPU-a'), gpu(1, 'pci:00000000:37:00.0'), gpu(2, 'index:2')];
    expect(withUniqueHwIds(devices)).toBe(devices);
  });

  it('gives every GPU whose hw.id another shares its index, and names the shared id once', () => {
    const shared: string[] = [];
    const out = withUniqueHwIds([gpu(0, 'GPU-a'), gpu(1, 'GPU-b'), gpu(2, 'GPU-a'), gpu(3, 'GPU-a')], (id, indexes) => shared.push(`${id} ${indexes.join(',')}`));
    expect(out.map((g) => g.uuid)).toEqual(['index:0', 'GPU-b', 'index:2', 'index:3']);
    expect(shared).toEqual(['GPU-a 0,2,3']);
  });
});
