import fc from 'fast-check';

/**
 * An object every property read of which throws (a getter trap that explodes). Symbol keys are left alone so
 * that fast-check can still inspect and print it; perfkit reads string keys.
 */
export function throwingGetters(): object {
  return new Proxy(
    {},
    {
      get(_, key) {
        if (typeof key === 'symbol') return undefined;
        throw new Error('hostile getter');
      },
      has(_, key) {
        if (typeof key === 'symbol') return false;
        throw new Error('hostile has');
      },
      ownKeys() {
        throw new Error('hostile ownKeys');
      },
      getPrototypeOf() {
        throw new Error('hostile getPrototypeOf');
      },
      getOwnPropertyDescriptor() {
        throw new Error('hostile descriptor');
      },
    },
  );
}

/** An object whose conversion to a primitive throws (`String(x)`, `${x}`, `x + ''`). */
export function unprintable(): object {
  return {
    toString() {
      throw new Error('hostile toString');
    },
    valueOf() {
      throw new Error('hostile valueOf');
    },
    [Symbol.toPrimitive]() {
      throw new Error('hostile toPrimitive');
    },
  };
}

/** Values that are not what a typed caller would pass: every kind of JavaScript value, including traps. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, NaN, Infinity, -Infinity, -0, -1, Number.MAX_VALUE, Number.MIN_VALUE, true, false, '', '0'),
  fc.constantFrom(10n, Symbol('hostile'), () => 1, [], [1, 2], {}, new Date(NaN), /x/),
  fc.constant(null).map(() => Object.create(null) as object),
  fc.constant(null).map(throwingGetters),
  fc.constant(null).map(unprintable),
  fc.double(),
  fc.integer(),
  fc.string(),
);

/** Numbers a measurement method may receive: valid ones, invalid ones and non-numbers. */
export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 0.5, Number.MAX_VALUE, NaN, Infinity, -Infinity, -1e-9, -5) },
  { weight: 1, arbitrary: hostileValue },
);

/** Strings that are hard on a label value: quotes, backslashes, newlines, control and non-BMP characters. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('a"b', 'a\\b', 'a\nb', '\\"\n', '"}', '{x="y"}', 'le="+Inf"', '\u0000', '\uD800', '😀', '#', ' ', '\r\n', 'ÄÖÜ'),
  fc.string({ unit: 'binary', maxLength: 24 }),
);

/** Operation names: a small pool (so series repeat), nasty strings, huge strings and non-strings. */
export const operationName: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('fetch', 'load', 'gen', 'a"b', 'c\\d', 'e\nf') },
  { weight: 1, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(129), 'y'.repeat(1_000_000)) },
  { weight: 1, arbitrary: hostileValue },
);

/** Operation types: built-ins, a registered custom one, unknown but well-formed ones, malformed ones, non-strings. */
export const operationType: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('download', 'health_check', 'fallback', 'model_operation', 'analytics_collection', 'indexing') },
  { weight: 1, arbitrary: fc.constantFrom('not_registered', 'Download', 'bad-type', '', 'z'.repeat(100_000), '__proto__', 'constructor') },
  { weight: 1, arbitrary: hostileValue },
);

/** Options objects for `end()`/`record()`: valid outcomes, unknown outcomes, throwing getters, non-objects. */
export const endOptions: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.record(
    {
      outcome: fc.oneof(
        fc.constantFrom('success', 'failure', 'timeout', 'cancelled', 'rejected', 'resource_exceeded'),
        fc.constantFrom('FAILURE', 'error', '', undefined, 'constructor', 'toString', '__proto__', 'hasOwnProperty'),
        hostileValue,
      ),
      errorType: fc.oneof(fc.constantFrom('ECONNRESET', 'TypeError', 'bad type!', '', 'x'.repeat(70)), hostileValue),
    },
    { requiredKeys: [] },
  ),
  hostileValue,
);

/** Things a tracked function may throw. */
export const thrown: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('TypeError', 'RangeError', 'ECONNRESET', 'bad code!').map((code) => Object.assign(new Error('boom'), { code })),
  fc.constant(null).map(() => new TypeError('t')),
  hostileValue,
);
