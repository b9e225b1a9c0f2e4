import { Slicer } from './Slicer';

/** Containers nearer the top than this are written part by part; deeper values go to `JSON.stringify` whole. */
const SPLIT_DEPTH = 2;

/** What `JSON.stringify` would serialize in place of `v` (its `toJSON(key)` result, if it has one). */
function prepare(key: string | number, v: unknown): unknown {
  if (v !== null && (typeof v === 'object' || typeof v === 'bigint') && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return (v as { toJSON: (k: string) => unknown }).toJSON(String(key));
  }
  return v;
}

/** Whether `v` is written part by part (a plain object or an array above {@link SPLIT_DEPTH}). */
function isSplit(v: unknown, depth: number): v is Record<string, unknown> | unknown[] {
  if (depth >= SPLIT_DEPTH || v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * `JSON.stringify(value)`, written part by part (each property and array element of the top two levels on its own)
 * with a yield to the event loop whenever a slice has used its budget: a report of 2,000 names is ~0.5 MB of JSON,
 * several milliseconds in one piece. `redact` is applied to every part (a secret sits inside one JSON string, so
 * inside one part). Only containers are awaited: a leaf costs no promise.
 */
export async function stringifySliced(value: unknown, redact: (text: string) => string = (t) => t, slicer = new Slicer()): Promise<string | undefined> {
  const parts: string[] = [];
  const emit = (text: string) => parts.push(redact(text));
  const write = async (v: Record<string, unknown> | unknown[], depth: number): Promise<void> => {
    if (Array.isArray(v)) {
      emit('[');
      for (let i = 0; i < v.length; i++) {
        const item = prepare(i, v[i]);
        const comma = i > 0 ? ',' : '';
        if (isSplit(item, depth + 1)) {
          if (comma) emit(comma);
          await write(item, depth + 1);
        } else emit(comma + (JSON.stringify(item) ?? 'null'));
        if (slicer.isDue) await slicer.yield();
      }
      emit(']');
      return;
    }
    emit('{');
    let comma = '';
    for (const k of Object.keys(v)) {
      const item = prepare(k, v[k]);
      if (isSplit(item, depth + 1)) {
        emit(`${comma}${JSON.stringify(k)}:`);
        await write(item, depth + 1);
      } else {
        const text = JSON.stringify(item);
        if (text === undefined) continue; // JSON.stringify leaves out undefined, functions and symbols
        emit(`${comma}${JSON.stringify(k)}:${text}`);
      }
      comma = ',';
      if (slicer.isDue) await slicer.yield();
    }
    emit('}');
  };
  const top = prepare('', value);
  if (!isSplit(top, 0)) {
    const text = JSON.stringify(top);
    return text === undefined ? undefined : redact(text);
  }
  await write(top, 0);
  return parts.join('');
}
