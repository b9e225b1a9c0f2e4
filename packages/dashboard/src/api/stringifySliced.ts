import { Slicer } from './Slicer';

/** Containers nearer the top than this are written part by part; deeper values go to `JSON.stringify` whole. */
const SPLIT_DEPTH = 2;

/** Array elements written by one `JSON.stringify` call (about 15 KB of a report's per-name entries). */
const LEAVES_PER_CALL = 64;

function hasToJSON(v: unknown): boolean {
  return v !== null && (typeof v === 'object' || typeof v === 'bigint') && typeof (v as { toJSON?: unknown }).toJSON === 'function';
}

/** What `JSON.stringify` would serialize in place of `v` (its `toJSON(key)` result, if it has one). */
function prepare(key: string | number, v: unknown): unknown {
  return hasToJSON(v) ? (v as { toJSON: (k: string) => unknown }).toJSON(String(key)) : v;
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
      for (let i = 0; i < v.length; ) {
        const comma = i > 0 ? ',' : '';
        const item = prepare(i, v[i]);
        if (isSplit(item, depth + 1)) {
          if (comma) emit(comma);
          await write(item, depth + 1);
          i++;
        } else if (hasToJSON(v[i])) {
          emit(comma + (JSON.stringify(item) ?? 'null'));
          i++;
        } else {
          // A run of plain leaves goes to one JSON.stringify call: one call per element cost 3x the whole body's.
          let end = i + 1;
          while (end < v.length && end - i < LEAVES_PER_CALL && !hasToJSON(v[end]) && !isSplit(v[end], depth + 1)) end++;
          emit(comma + (end === i + 1 ? (JSON.stringify(item) ?? 'null') : JSON.stringify(v.slice(i, end)).slice(1, -1)));
          i = end;
        }
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
