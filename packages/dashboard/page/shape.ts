/**
 * Checks that an answer has the fields the page reads, before the page reads them: valid JSON of the wrong shape (a
 * proxy's or another service's, a server of another version) is then reported as `malformed_response` naming the
 * field, instead of a TypeError from deep inside the rendering. Deliberately small: the fields the page uses, not
 * the API's whole schema (the server validates that itself; the page must not refuse fields it does not read).
 */

/** A check of one value at `at` (`score.value`, `points[3].t`): what is wrong with it, or `undefined`. */
export type Check = (value: unknown, at: string) => string | undefined;

/** How a value is named in a report: `missing`, `null`, `a string`, `an array`, `an object`. */
function kind(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const wrong = (value: unknown, at: string, expected: string) => `${at || 'the answer'} is ${kind(value)} (expected ${expected})`;
const join = (at: string, key: string) => (at ? `${at}.${key}` : key);

/** A number (JSON has no NaN or Infinity). */
export const num: Check = (v, at) => (typeof v === 'number' ? undefined : wrong(v, at, 'a number'));
/** A number or `null` (the API's "not known"). */
export const numOrNull: Check = (v, at) => (v === null || typeof v === 'number' ? undefined : wrong(v, at, 'a number or null'));
/** A string. */
export const str: Check = (v, at) => (typeof v === 'string' ? undefined : wrong(v, at, 'a string'));
/** Any object (its fields are read loosely, through formatters that show `–` for what they cannot use). */
export const anyObject: Check = (v, at) => (isObject(v) ? undefined : wrong(v, at, 'an object'));

/** An object with at least these fields (others are ignored). */
export function object(fields: Record<string, Check>): Check {
  return (v, at) => {
    if (!isObject(v)) return wrong(v, at, 'an object');
    for (const key in fields) {
      const problem = fields[key]!(v[key], join(at, key));
      if (problem) return problem;
    }
    return undefined;
  };
}

/** An array whose every item passes `item`. */
export function arrayOf(item: Check): Check {
  return (v, at) => {
    if (!Array.isArray(v)) return wrong(v, at, 'an array');
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** An object used as a map: every value passes `value`. */
export function recordOf(value: Check): Check {
  return (v, at) => {
    if (!isObject(v)) return wrong(v, at, 'an object');
    for (const key of Object.keys(v)) {
      const problem = value(v[key], join(at, key));
      if (problem) return problem;
    }
    return undefined;
  };
}
