import { Slicer } from './Slicer';

/** Containers nearer the top than this are written part by part; deeper values go to `JSON.stringify` whole. */
const SPLIT_DEPTH = 2;

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * `JSON.stringify(value)`, written part by part (each property and array element of the top two levels on its own)
 * with a yield to the event loop whenever a slice has used its budget: a report of 2,000 names is ~0.5 MB of JSON,
 * several milliseconds in one piece. `redact` is applied to every part (a secret sits inside one JSON string, so
 * inside one part).
 */
export async function stringifySliced(value: unknown, redact: (text: string) => string = (t) => t, slicer = new Slicer()): Promise<string | undefined> {
  const parts: string[] = [];
  const emit = (text: string) => parts.push(redact(text));
  // Returns false when the value writes nothing (undefined, a function, a symbol), as JSON.stringify omits them.
  const write = async (key: string, v: unknown, depth: number): Promise<boolean> => {
    if (v !== null && (typeof v === 'object' || typeof v === 'bigint') && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON: (k: string) => unknown }).toJSON(key);
    }
    if (depth >= SPLIT_DEPTH || v === null || typeof v !== 'object' || (!Array.isArray(v) && !isPlainObject(v))) {
      const text = JSON.stringify(v);
      if (text === undefined) return false;
      emit(text);
      await slicer.check();
      return true;
    }
    if (Array.isArray(v)) {
      emit('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) emit(',');
        if (!(await write(String(i), v[i], depth + 1))) emit('null');
      }
      emit(']');
      return true;
    }
    emit('{');
    let isFirst = true;
    for (const k of Object.keys(v)) {
      const at = parts.length;
      emit(isFirst ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
      if (await write(k, (v as Record<string, unknown>)[k], depth + 1)) isFirst = false;
      else parts.length = at;
    }
    emit('}');
    return true;
  };
  return (await write('', value, 0)) ? parts.join('') : undefined;
}
