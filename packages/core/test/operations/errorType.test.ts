import { errorTypeOf, isValidErrorType, OTHER_ERROR_TYPE } from '../../src/operations/errorType';

// The OpenTelemetry `error.type` rule: a string `code` if the error has a usable one, else the class name,
// else `_OTHER`. Usable: a letter or `_` first, then up to 63 of letters, digits, `_ . : -` (64 characters at most).
describe('errorTypeOf', () => {
  it('prefers a string code over the class name', () => {
    expect(errorTypeOf(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(errorTypeOf({ code: 'ERR_STREAM_PREMATURE_CLOSE' })).toBe('ERR_STREAM_PREMATURE_CLOSE');
  });

  it('uses the class name when the code is missing, not a string or not usable', () => {
    class QuotaExceeded extends Error {}
    expect(errorTypeOf(new TypeError('x'))).toBe('TypeError');
    expect(errorTypeOf(new QuotaExceeded())).toBe('QuotaExceeded');
    expect(errorTypeOf(Object.assign(new RangeError(), { code: 42 }))).toBe('RangeError');
    expect(errorTypeOf(Object.assign(new Error(), { code: 'has space' }))).toBe('Error');
    expect(errorTypeOf(Object.assign(new Error(), { code: '1starts_with_digit' }))).toBe('Error');
    expect(errorTypeOf(Object.assign(new Error(), { code: '' }))).toBe('Error');
  });

  it('accepts codes of 1 to 64 characters of the allowed set and refuses 65', () => {
    expect(errorTypeOf({ code: 'E' })).toBe('E');
    expect(errorTypeOf({ code: '_a.b:c-d9' })).toBe('_a.b:c-d9');
    const sixtyFour = 'E' + 'x'.repeat(63);
    expect(errorTypeOf({ code: sixtyFour })).toBe(sixtyFour);
    expect(errorTypeOf({ code: sixtyFour + 'x' })).toBe(OTHER_ERROR_TYPE);
    expect(errorTypeOf({ code: 'a/b' })).toBe(OTHER_ERROR_TYPE);
    expect(errorTypeOf({ code: 'ok\n' })).toBe(OTHER_ERROR_TYPE);
  });

  it('falls back to _OTHER for plain objects, primitives, null and nameless classes', () => {
    expect(OTHER_ERROR_TYPE).toBe('_OTHER');
    expect(errorTypeOf({})).toBe('_OTHER');
    expect(errorTypeOf(Object.create(null))).toBe('_OTHER');
    expect(errorTypeOf(null)).toBe('_OTHER');
    expect(errorTypeOf(undefined)).toBe('_OTHER');
    expect(errorTypeOf('boom')).toBe('_OTHER');
    expect(errorTypeOf(42)).toBe('_OTHER');
    expect(errorTypeOf(Symbol('s'))).toBe('_OTHER');
    expect(errorTypeOf({ constructor: { name: 7 } })).toBe('_OTHER');
    expect(errorTypeOf({ constructor: { name: '' } })).toBe('_OTHER');
    expect(errorTypeOf({ constructor: { name: 'not valid' } })).toBe('_OTHER');
    expect(errorTypeOf({ constructor: null })).toBe('_OTHER');
    // Non-strings that would pass the pattern once turned into text are still refused.
    expect(errorTypeOf({ code: true })).toBe('_OTHER');
    expect(errorTypeOf({ code: { toString: () => 'EFAKE' } })).toBe('_OTHER');
    expect(errorTypeOf({ constructor: { name: true } })).toBe('_OTHER');
    expect(errorTypeOf({ constructor: { name: { toString: () => 'Fake' } } })).toBe('_OTHER');
  });

  it('names a thrown function by its constructor (Function), as for any object', () => {
    expect(errorTypeOf(() => 0)).toBe('Function');
  });

  it('never throws, even for an error whose getters throw', () => {
    const hostile = {
      get code(): string {
        throw new Error('getter');
      },
    };
    const hostileCtor = Object.defineProperty({}, 'constructor', {
      get() {
        throw new Error('getter');
      },
    });
    const proxy = new Proxy({}, { get: () => { throw new Error('trap'); } });
    expect(errorTypeOf(hostile)).toBe('_OTHER');
    expect(errorTypeOf(hostileCtor)).toBe('_OTHER');
    expect(errorTypeOf(proxy)).toBe('_OTHER');
  });
});

describe('isValidErrorType', () => {
  it('accepts the same strings errorTypeOf would report and nothing else', () => {
    expect(isValidErrorType('ETIMEDOUT')).toBe(true);
    expect(isValidErrorType('E' + 'x'.repeat(63))).toBe(true);
    expect(isValidErrorType('E' + 'x'.repeat(64))).toBe(false);
    expect(isValidErrorType('')).toBe(false);
    expect(isValidErrorType('9lives')).toBe(false);
    expect(isValidErrorType('a b')).toBe(false);
    expect(isValidErrorType(undefined)).toBe(false);
    expect(isValidErrorType(5)).toBe(false);
    expect(isValidErrorType({ toString: () => 'E' })).toBe(false);
  });
});
