import { gpuHwId, indexHwId, KnownUuids, parseGpuUuid, parsePciBusId, quotedForDiagnostic, refusedUuidReason, shownPlaceholder, withUniqueHwIds } from '../../src/gpu/gpuIdentity';
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

describe('parseGpuUuid', () => {
  it.each([
    ['GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd', 'GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd'],
    ['MIG-ebd34bdf-1083-eaac-2aff-4b71a022f9bd', 'MIG-ebd34bdf-1083-eaac-2aff-4b71a022f9bd'],
    ['MIG-GPU-8932f937-d72c-4106-c12f-20bd9faed9f6/1/2', 'MIG-GPU-8932f937-d72c-4106-c12f-20bd9faed9f6/1/2'],
    ['MIG-GPU-8932f937-d72c-4106-c12f-20bd9faed9f6/13/0', 'MIG-GPU-8932f937-d72c-4106-c12f-20bd9faed9f6/13/0'],
    ['GPU-EBD34BDF-1083-EAAC-2AFF-4B71A022F9BD', 'GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd'],
    ['MIG-GPU-8932F937-D72C-4106-C12F-20BD9FAED9F6/1/2', 'MIG-GPU-8932f937-d72c-4106-c12f-20bd9faed9f6/1/2'],
  ])('takes %s as %s (hex digits in NVIDIA\'s lower case)', (text, uuid) => {
    expect(parseGpuUuid(text)).toBe(uuid);
  });

  it.each([
    ['[N/A]'],
    ['[Unknown Error]'],
    [''],
    ['GPU-'],
    ['GPU-foo'],
    ['ebd34bdf-1083-eaac-2aff-4b71a022f9bd'],
    ['GPU-ebd34bdf1083eaac2aff4b71a022f9bd'],
    ['GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bg'],
    ['GPU-GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd'],
    ['MIG-GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd'],
    ['MIG-GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd/1'],
    ['MIG-GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd/1/2/3'],
    ['MIG-GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd/-1/2'],
    ['MIG-GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd/123456/2'],
    ['MIG-ebd34bdf-1083-eaac-2aff-4b71a022f9bd/1/2'],
    ['GPU-00000000-0000-0000-0000-000000000000'],
    ['MIG-00000000-0000-0000-0000-000000000000'],
    ['MIG-GPU-00000000-0000-0000-0000-000000000000/1/2'],
    [' GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd'],
    ['GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd\n'],
    ['GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd\u0000'],
    ['GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9b\u0501'],
    ['GPU-ebd34bdf\u20101083-eaac-2aff-4b71a022f9bd'],
    ['GPU-\uff45bd34bdf-1083-eaac-2aff-4b71a022f9bd'],
    ['GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd'.repeat(250)],
    ['GPU-' + 'a'.repeat(10_000)],
  ])('gives undefined for %p', (text) => {
    expect(parseGpuUuid(text)).toBeUndefined();
  });

  it('gives undefined for undefined and for non-strings a caller might hand it', () => {
    for (const value of [undefined, null, NaN, Infinity, 42, {}, ['GPU-ebd34bdf-1083-eaac-2aff-4b71a022f9bd']]) {
      expect(parseGpuUuid(value as unknown as string)).toBeUndefined();
    }
  });
});

describe('refusedUuidReason', () => {
  it('quotes a short uuid whole and names the forms', () => {
    expect(refusedUuidReason('GPU-1234')).toBe('uuid "GPU-1234" is not one of NVIDIA\'s forms (GPU-, MIG- or MIG-GPU- and 8-4-4-4-12 hex digits)');
  });

  it('says the nil uuid is the nil uuid', () => {
    expect(refusedUuidReason('MIG-00000000-0000-0000-0000-000000000000')).toBe('uuid "MIG-00000000-0000-0000-0000-000000000000" is the nil uuid');
  });

  it('cuts a long one at 40 characters with its length, and escapes what is not printable ASCII', () => {
    expect(refusedUuidReason('x'.repeat(10_000))).toBe(`uuid "${'x'.repeat(40)}"... (10000 characters) is not one of NVIDIA's forms (GPU-, MIG- or MIG-GPU- and 8-4-4-4-12 hex digits)`);
    expect(refusedUuidReason('G\u0420U-\u200b\t\"\u007f')).toBe('uuid "G\\u0420U-\\u200b\\t\\"\\u007f" is not one of NVIDIA\'s forms (GPU-, MIG- or MIG-GPU- and 8-4-4-4-12 hex digits)');
  });
});

describe('quotedForDiagnostic and shownPlaceholder', () => {
  it('quotes and escapes, cutting at 40 characters with the length', () => {
    expect(quotedForDiagnostic('[\u0007]')).toBe('"[\\u0007]"');
    expect(quotedForDiagnostic('x'.repeat(41))).toBe(`"${'x'.repeat(40)}"... (41 characters)`);
  });

  it('shows a short printable placeholder as it is, anything else quoted', () => {
    expect(shownPlaceholder('[Unknown Error]')).toBe('[Unknown Error]');
    expect(shownPlaceholder(`[${'e'.repeat(39)}]`)).toBe(`"[${'e'.repeat(39)}"... (41 characters)`);
    expect(shownPlaceholder('[Fehler\u00e9]')).toBe('"[Fehler\\u00e9]"');
  });
});

function setupKnown(): { known: KnownUuids; A: string; B: string } {
  return { known: new KnownUuids(), A: 'GPU-aaaaaaaa-0000-4000-8000-000000000001', B: 'GPU-bbbbbbbb-0000-4000-8000-000000000002' };
}

describe('KnownUuids', () => {
  it('hands back a uuid there is, and the one an index had when it has none', () => {
    const { known, A } = setupKnown();
    expect(known.resolve(0, A, '00000000:17:00.0')).toBe(A);
    expect(known.resolve(0, undefined, '00000000:17:00.0')).toBe(A);
    // The bus id unreadable too: the index of one enumeration is still that GPU.
    expect(known.resolve(0, undefined, undefined)).toBe(A);
    expect(known.resolve(1, undefined, '00000000:37:00.0')).toBeUndefined();
  });

  it('keeps nothing for another slot at that index, nor after clear()', () => {
    const { known, A, B } = setupKnown();
    known.resolve(0, A, '00000000:17:00.0');
    expect(known.resolve(0, undefined, '00000000:37:00.0')).toBeUndefined();
    known.resolve(0, B, undefined); // another GPU at index 0, its bus id unread: A's slot is not B's
    expect(known.resolve(0, undefined, '00000000:37:00.0')).toBe(B);
    known.clear();
    expect(known.resolve(0, undefined, undefined)).toBeUndefined();
  });

  it('remembers at most 256 indexes (a garbled stream may print any index)', () => {
    const { known, A } = setupKnown();
    for (let i = 0; i < 300; i++) known.resolve(i, A, undefined);
    expect([known.resolve(255, undefined, undefined), known.resolve(256, undefined, undefined)]).toEqual([A, undefined]);
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
