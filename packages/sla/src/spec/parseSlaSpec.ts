import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { SlaSpecError } from '../errors';
import { slaSpecSchema, type SlaSpec } from './schema';
import { checkBoundaries } from '../views';
import { checkSeverities } from './severities';

/**
 * Validates a spec object (from TypeScript or a parsed file) and applies defaults. Throws {@link SlaSpecError}
 * naming the first bad field (`objectives[generate-latency].latency.target`), its value and what is allowed;
 * also refuses a latency threshold that cannot be an exact bucket boundary of its operation's histogram.
 */
export function parseSlaSpec(input: unknown): SlaSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', 'spec', input, 'expected an object with service and objectives');
  }
  let result: ReturnType<typeof slaSpecSchema.safeParse>;
  try {
    result = slaSpecSchema.safeParse(input);
  } catch (err) {
    // A getter that throws while zod reads the spec: still a coded error, never a raw one.
    throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', 'spec', undefined, `a field could not be read (${err instanceof Error ? err.message : 'unreadable'})`);
  }
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', fieldName(input, path), valueAt(input, path), issue.message);
  }
  // No selector means this service's job, never every job on the Prometheus: another service's series would
  // otherwise count against the SLO and could keep its "metrics absent" alert quiet.
  const spec: SlaSpec = { ...result.data, selector: result.data.selector ?? { job: result.data.service } };
  unique(spec.objectives.map((o) => o.id), 'objectives', 'id');
  unique(spec.guards.map((g) => g.name), 'guards', 'name');
  checkBoundaries(spec);
  checkSeverities(spec);
  return spec;
}

/** Reads a YAML or JSON spec file and validates it with {@link parseSlaSpec}. */
export function loadSlaSpec(path: string): SlaSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SlaSpecError('PERFKIT_ERR_SLA_SPEC_FILE', path, undefined, (err as Error).message);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    throw new SlaSpecError('PERFKIT_ERR_SLA_SPEC_FILE', path, undefined, (err as Error).message.split('\n')[0]!);
  }
  return parseSlaSpec(parsed);
}

function unique(values: string[], list: string, key: string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', `${list}[${i}].${key}`, v, `duplicate ${key}; each must be unique`);
    seen.add(v);
  });
}

/** `objectives[generate-latency].latency.target` rather than `objectives.1.latency.target` when the item has an id. */
function fieldName(input: unknown, path: ReadonlyArray<string | number>): string {
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
