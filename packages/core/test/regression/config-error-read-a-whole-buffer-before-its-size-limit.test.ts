import { inspect } from 'node:util';
import { loadConfig, redactForDisplay } from '@perfkit/core';
import { configErrorOf } from '../configErrorOf';

/**
 * A configuration error searches a value for secrets through at most 10,000 entries, but a Buffer was read whole
 * first (its `toJSON` makes an array of every byte: a 100 MB Buffer given as an option made 100 M numbers before
 * the bound said "too large") and a typed array had every index listed (`Object.keys`); an ArrayBuffer, a
 * SharedArrayBuffer or a DataView printed as `{}`. Binary data is now shown by its kind and size in bytes, its
 * contents never read: `[Buffer, 104857600 bytes]`.
 */
describe('config-error-read-a-whole-buffer-before-its-size-limit', () => {
  afterEach(() => jest.restoreAllMocks());

  it('shows binary data by kind and size, at the top and nested, without reading its contents', () => {
    const toJSON = jest.spyOn(Buffer.prototype, 'toJSON');
    const keys = jest.spyOn(Object, 'keys');
    const buffer = Buffer.alloc(20_000);
    const floats = new Float64Array(3_000);
    const err = configErrorOf(() => loadConfig({ plugin: { buffer, floats, list: ['a', new Uint8Array(5)] } } as never, {}));
    expect(toJSON).not.toHaveBeenCalled();
    expect(keys.mock.calls.filter(([v]) => ArrayBuffer.isView(v))).toEqual([]);
    expect(err.value).toEqual({ buffer: '[Buffer, 20000 bytes]', floats: '[Float64Array, 24000 bytes]', list: ['a', '[Uint8Array, 5 bytes]'] });
    expect(err.message).toMatch(/^Invalid perfkit configuration: plugin = \{"buffer":"\[Buffer, 20000 bytes\]","floats":"\[Float64Array, 24000 bytes\]",.*: unknown option$/);
    expect(inspect(err.problems)).not.toContain('<Buffer');
  });

  it('names a 100 MB Buffer given for an option by its size', () => {
    const err = configErrorOf(() => loadConfig({ serviceName: Buffer.alloc(100 * 1024 * 1024) } as never, {}));
    expect(err.message).toMatch(/^Invalid perfkit configuration: serviceName = "\[Buffer, 104857600 bytes\]": /);
  });

  it('shows an ArrayBuffer, a SharedArrayBuffer and a DataView by kind and size, not as {}', () => {
    const shown = redactForDisplay({ ab: new ArrayBuffer(16), sab: new SharedArrayBuffer(8), view: new DataView(new ArrayBuffer(32), 4, 10) }, 'plugin');
    expect(shown).toEqual({ ab: '[ArrayBuffer, 16 bytes]', sab: '[SharedArrayBuffer, 8 bytes]', view: '[DataView, 10 bytes]' });
  });

  it('still redacts binary data under a secret-named key or a header map', () => {
    expect(redactForDisplay(Buffer.from('secret'), 'apiKey')).toBe('[redacted]');
    expect(redactForDisplay({ 'x-api-key': Buffer.from('secret') }, 'otlp.headers')).toEqual({ 'x-api-key': '[REDACTED]' });
  });
});
