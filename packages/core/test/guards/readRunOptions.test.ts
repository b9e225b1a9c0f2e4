import { readRunOptions } from '../../src/guards/readRunOptions';

const work = () => 'ran';

describe('readRunOptions', () => {
  it('gives type, name and signal as they were given, type and name unchecked (as run() takes them)', () => {
    const signal = new AbortController().signal;
    expect(readRunOptions({ type: 'download', name: 'fetch', signal }, work)).toEqual({ type: 'download', name: 'fetch', signal });
    expect(readRunOptions({ type: 'download', name: 'fetch' }, work)).toEqual({ type: 'download', name: 'fetch', signal: undefined });
    expect(readRunOptions({ type: 'download', name: 'fetch', signal: undefined }, work)).toEqual({ type: 'download', name: 'fetch', signal: undefined });
    expect(readRunOptions({}, work)).toEqual({ type: undefined, name: undefined, signal: undefined });
    expect(readRunOptions({ type: NaN, name: 'x'.repeat(100_000) }, work)).toMatchObject({ name: 'x'.repeat(100_000) });
    expect(readRunOptions({ type: 't', name: 'n', signal: AbortSignal.abort() }, work)).toMatchObject({ type: 't' });
  });

  it('reads each option once: the signal that was checked is the signal that is used', () => {
    const signal = new AbortController().signal;
    let reads = 0;
    const options = Object.defineProperty({ type: 't', name: 'n' }, 'signal', {
      enumerable: true,
      get: () => (++reads === 1 ? signal : { not: 'a signal' }),
    });
    expect(readRunOptions(options, work)).toEqual({ type: 't', name: 'n', signal });
    expect(reads).toBe(1);
  });

  it('takes inherited options and a null-prototype object', () => {
    const base = { type: 't', name: 'n' };
    expect(readRunOptions(Object.create(base), work)).toEqual({ type: 't', name: 'n', signal: undefined });
    expect(readRunOptions(Object.assign(Object.create(null), base), work)).toEqual({ type: 't', name: 'n', signal: undefined });
  });

  it('says in words what is wrong, never throwing', () => {
    const read = (options: unknown, w: unknown = work) => {
      let result: unknown;
      expect(() => (result = readRunOptions(options, w))).not.toThrow();
      return result;
    };
    expect(read(null)).toBe('runWith(options, work) expects options to be an object { type, name, signal? }, got null');
    expect(read('download')).toBe('runWith(options, work) expects options to be an object { type, name, signal? }, got string');
    expect(read(undefined)).toBe('runWith(options, work) expects options to be an object { type, name, signal? }, got undefined');
    expect(read(new Proxy({}, { ownKeys: () => { throw new Error('trap'); } }))).toBe(
      'runWith(options, work): options could not be read (a getter or proxy threw while reading it)',
    );
    expect(read(Object.defineProperty({}, 'type', { enumerable: true, get: () => { throw new Error('getter'); } }))).toBe(
      'runWith(options, work): options could not be read (a getter or proxy threw while reading it)',
    );
    expect(read({ type: 't', name: 'n', sginal: 1 })).toBe(
      'runWith(options, work): options.sginal = 1: unknown option; expected one of type, name, signal; did you mean "signal"?',
    );
    expect(read({ type: 't', name: 'n', timeoutMs: 5 })).toBe('runWith(options, work): options.timeoutMs = 5: unknown option; expected one of type, name, signal');
    expect(read(Object.defineProperty({ type: 't' }, 'nmae', { enumerable: true, get: () => { throw new Error('getter'); } }))).toBe(
      'runWith(options, work): options.nmae = "<unreadable>": unknown option; expected one of type, name, signal; did you mean "name"?',
    );
    expect(read({ type: 't', name: 'n' }, 42)).toBe('runWith(options, work) expects work to be a function, got number');
    expect(read({ type: 't', name: 'n', signal: null })).toBe(
      'runWith(options, work): options.signal = null: expected an AbortSignal (AbortController#signal, a request signal, AbortSignal.timeout(ms), AbortSignal.any([...])) or undefined',
    );
  });

  it('keeps a huge unknown key and value short, and an API key out of the message', () => {
    const message = readRunOptions({ type: 't', ['k'.repeat(10_000)]: 'v'.repeat(10_000) }, work) as string;
    expect(message.length).toBeLessThan(400);
    expect(readRunOptions({ type: 't', apiKey: 'sk-secret-value' }, work)).not.toContain('sk-secret-value');
  });
});
