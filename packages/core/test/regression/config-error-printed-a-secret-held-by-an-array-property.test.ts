import { inspect } from 'node:util';
import { loadConfig, redactForDisplay } from '@perfkit/core';
import { configErrorOf } from '../configErrorOf';

/**
 * A configuration error searches a value as JSON prints it, and kept a plain array or object as it was when nothing
 * in that reading was hidden. But `util.inspect` (what `console.log(err)` and an uncaught error print) also shows an
 * array's named properties and an object's symbol-keyed ones, which JSON leaves out: `Object.assign(['a'], { apiKey })`
 * under an unknown option kept its key in `err.value` and `err.problems`, and printing the error showed it. The shown
 * value is now a copy without them whenever it has any.
 */
const SECRET = 'prod-secret-0123456789abcdef';

describe('config-error-printed-a-secret-held-by-an-array-property', () => {
  it('drops named properties of an array from the value an error keeps and prints', () => {
    const list = Object.assign(['a', 'b'], { apiKey: SECRET, note: 'n' });
    const err = configErrorOf(() => loadConfig({ plugin: { list } } as never, {}));
    expect(inspect(err, { depth: Infinity })).not.toContain(SECRET);
    expect(inspect(err.value, { depth: Infinity })).toBe("{ list: [ 'a', 'b' ] }");
    expect(err.message).toBe('Invalid perfkit configuration: plugin = {"list":["a","b"]}: unknown option');
    expect(Object.keys(list)).toEqual(['0', '1', 'apiKey', 'note']); // the caller's array is left as it was
  });

  it('drops them at the top, from a sparse array, and past the largest index an array can have', () => {
    const sparse: string[] = [];
    sparse[2] = 'c';
    const shown = redactForDisplay(Object.assign(sparse, { token: SECRET }), 'plugin.list');
    expect(inspect(shown)).toBe("[ undefined, undefined, 'c' ]"); // a copy, as JSON reads it (holes print as null)
    const past = Object.assign(['a'], { 4294967295: SECRET }); // not an index: a named property
    expect(inspect(redactForDisplay(past, 'list'))).toBe("[ 'a' ]");
  });

  it('drops symbol-keyed properties of an object or array, which util.inspect prints too', () => {
    const object = { a: 1, [Symbol('apiKey')]: SECRET };
    const err = configErrorOf(() => loadConfig({ plugin: object } as never, {}));
    expect(inspect(err, { depth: Infinity })).not.toContain(SECRET);
    expect(err.value).toEqual({ a: 1 });
    expect(inspect(redactForDisplay(Object.assign(['a'], { [Symbol('t')]: SECRET }), 'list'))).toBe("[ 'a' ]");
  });

  it('keeps a plain array or object that has none as it is, with hidden non-enumerable properties too', () => {
    const list = ['a', 'b'];
    expect(redactForDisplay(list, 'list')).toBe(list);
    const object = Object.defineProperty({ a: 1 }, Symbol('s'), { value: SECRET, enumerable: false });
    expect(redactForDisplay(object, 'x')).toBe(object);
    expect(inspect(object)).not.toContain(SECRET);
  });
});
