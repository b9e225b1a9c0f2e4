import { Slicer } from '../../src/api/Slicer';
import { stringifySliced } from '../../src/api/stringifySliced';
import { countTurns } from '../countTurns';

/** A slicer that yields after every unit of work, counting its yields. */
function setup() {
  const slicer = new Slicer(0);
  return { slicer };
}

describe('stringifySliced', () => {
  // JSON.stringify is the independent reference: the sliced writer must produce its exact text.
  const cases: Array<[string, unknown]> = [
    ['a report-like body', { generatedAt: 1, window: { from: 0, to: 5 }, byName: [{ type: 't', name: 'a', stats: { p99Seconds: null } }], analysis: { score: 97 } }],
    ['hostile numbers', { nan: NaN, inf: Infinity, negInf: -Infinity, negZero: -0, list: [NaN, -0, 1e308] }],
    ['values JSON omits or nulls', { u: undefined, f: () => 1, s: Symbol('x'), list: [undefined, () => 1, Symbol('y'), 1], nested: { u: undefined, a: [undefined] } }],
    ['only omitted properties', { u: undefined, f: () => 1 }],
    ['a sparse array', { list: [1, , 3] }], // eslint-disable-line no-sparse-arrays
    ['toJSON and dates', { at: new Date(0), own: { toJSON: (key: string) => `key=${key}` }, list: [{ toJSON: () => undefined }] }],
    ['non-plain objects', { map: new Map([[1, 2]]), set: new Set([1]), typed: new Float64Array([1.5, 2]), boxed: new Number(3), str: new String('s') }],
    ['strings that need escapes', { ['quote"key']: 'line\nbreak \u2028 \ud800 "q" \\', emoji: '😀' }],
    ['deep nesting', { a: { b: { c: { d: [1, { e: [2, 3] }] } } } }],
    ['a top-level array', [1, 'two', null, { three: 3 }, [4, [5]]]],
    ['primitives', 42],
    ['a top-level string', 'text'],
    ['null', null],
    ['an empty object and array', { o: {}, a: [] }],
    [
      'long arrays mixing plain values, toJSON objects that read their index, undefined, functions and holes',
      // eslint-disable-next-line no-sparse-arrays
      { list: [...Array.from({ length: 150 }, (_, i) => (i % 37 === 5 ? { toJSON: (key: string) => `at ${key}` } : i % 41 === 7 ? undefined : i % 43 === 9 ? () => i : { i, name: `n${i}` })), , NaN, new Date(0)] },
    ],
    ['a long top-level array of objects and arrays', Array.from({ length: 130 }, (_, i) => (i % 2 ? { i, list: [i, { deep: i }] } : [i, 'x']))],
  ];
  it.each(cases)('writes the same text as JSON.stringify for %s', async (_label, value) => {
    const { slicer } = setup();
    expect(await stringifySliced(value, undefined, slicer)).toBe(JSON.stringify(value));
  });

  it('gives undefined where JSON.stringify does', async () => {
    expect(await stringifySliced(undefined)).toBeUndefined();
    expect(await stringifySliced(() => 1)).toBeUndefined();
  });

  it('throws what JSON.stringify throws (a cycle, a BigInt)', async () => {
    const cyclic: Record<string, unknown> = { list: [] };
    (cyclic.list as unknown[]).push({ back: cyclic });
    await expect(stringifySliced(cyclic)).rejects.toThrow(TypeError);
    await expect(stringifySliced({ n: 1n })).rejects.toThrow(TypeError);
  });

  it('yields between the parts of a large array', async () => {
    const { slicer } = setup();
    const body = { byName: Array.from({ length: 3200 }, (_, i) => ({ name: `n${i}`, stats: { total: i } })) };
    const counter = countTurns();
    const text = await stringifySliced(body, undefined, slicer);
    counter.stop();
    expect(text).toBe(JSON.stringify(body));
    // A zero budget yields after every part: at least once per 64 elements (one JSON.stringify call each).
    expect(counter.turns).toBeGreaterThanOrEqual(50);
  });

  it('redacts a secret in every part it appears in', async () => {
    const secret = 'secret-value-123';
    const body = { list: [`a ${secret}`, { name: secret, url: 'http://user:pw@host/x' }], [secret]: 1 };
    const redact = (t: string) => t.split(secret).join('[redacted]');
    const text = (await stringifySliced(body, redact))!;
    expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toEqual({ list: ['a [redacted]', { name: '[redacted]', url: 'http://user:pw@host/x' }], '[redacted]': 1 });
  });
});
