import { nearestKey } from '@perfkit/core';
import type { SlaProblem } from '../errors';

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly keys?: readonly string[];
}

/**
 * Every zod issue as a problem naming the field, its value and what is allowed. An unknown key is named itself
 * (`objectives[a].success.badOutcome`, with its own value, not its parent object's), with the keys allowed there and
 * the nearest of them.
 */
export function issueProblems(schema: unknown, input: unknown, issues: readonly IssueLike[]): SlaProblem[] {
  const problems: SlaProblem[] = [];
  const seen = new Set<string>();
  const add = (path: ReadonlyArray<string | number>, detail: string) => {
    const field = fieldName(input, path);
    if (seen.has(field)) return;
    seen.add(field);
    problems.push({ code: 'PERFKIT_ERR_INVALID_SLA_SPEC', field, value: valueAt(input, path), detail });
  };
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
      const known = knownKeys(schema, path);
      for (const key of issue.keys) {
        const near = nearestKey(key, known);
        const allowed = known.length ? `; expected one of ${known.join(', ')}` : '';
        add([...path, key], `unknown key${allowed}${near ? `; did you mean "${near}"?` : ''}`);
      }
      continue;
    }
    add(path, issue.message);
  }
  return problems;
}

/** The keys an object schema allows at `path` (through defaults, optionals, arrays, records and unions). */
function knownKeys(schema: unknown, path: ReadonlyArray<string | number>): string[] {
  let cur = objectAt(schema);
  for (const part of path) {
    if (!cur) return [];
    if (cur.shape) cur = objectAt(cur.shape[String(part)]);
    else if (cur.def?.element !== undefined && typeof part === 'number') cur = objectAt(cur.def.element);
    else if (cur.def?.valueType !== undefined) cur = objectAt(cur.def.valueType);
    else return [];
  }
  return cur?.shape ? Object.keys(cur.shape) : [];
}

interface SchemaLike {
  shape?: Record<string, unknown>;
  def?: { innerType?: unknown; in?: unknown; options?: unknown[]; element?: unknown; valueType?: unknown; type?: string };
}

/** Unwraps optional, default and pipe wrappers down to an object, array or record schema. */
function objectAt(schema: unknown): SchemaLike | undefined {
  let cur = schema as SchemaLike | undefined;
  for (let i = 0; i < 8 && cur; i++) {
    if (cur.shape || cur.def?.element !== undefined || cur.def?.valueType !== undefined) return cur;
    const def = cur.def;
    if (!def) return undefined;
    if (def.innerType) cur = def.innerType as SchemaLike;
    else if (def.in) cur = def.in as SchemaLike;
    else if (def.options) cur = def.options.map(objectAt).find((o) => o?.shape) as SchemaLike | undefined;
    else return undefined;
  }
  return undefined;
}

/** `objectives[generate-latency].latency.target` rather than `objectives.1.latency.target` when the item has an id. */
export function fieldName(input: unknown, path: ReadonlyArray<string | number>): string {
  let out = '';
  let cur: unknown = input;
  for (const part of path) {
    if (typeof part === 'number') {
      const item = Array.isArray(cur) ? cur[part] : undefined;
      const id = item && typeof item === 'object' ? ((item as Record<string, unknown>).id ?? (item as Record<string, unknown>).name) : undefined;
      out += typeof id === 'string' && id.length > 0 && id.length <= 64 ? `[${id}]` : `[${part}]`;
    } else {
      out += out ? `.${part}` : part;
    }
    cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[part] : undefined;
  }
  return out || 'spec';
}

function valueAt(input: unknown, path: ReadonlyArray<string | number>): unknown {
  let cur = input;
  for (const part of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[part] : undefined;
  return cur;
}
