import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { SlaSpecError, type SlaProblem } from '../errors';
import { slaSpecSchema, type SlaSpec } from './schema';
import { boundaryProblems } from '../views';
import { severityProblems } from './severities';
import { alertNameProblems } from './alertNames';
import { issueProblems } from './issueProblems';
import { promqlGroupingProblems } from './promqlGrouping';

/**
 * Validates a spec object (from TypeScript or a parsed file) and applies defaults. Throws one {@link SlaSpecError}
 * listing every problem (`err.problems`), each naming the field (`objectives[generate-latency].latency.target`), its
 * value and what is allowed, an unknown key with the nearest allowed one. Problems of the schema (raw-PromQL queries
 * that do not parse among them) come first, all at once; the checks across fields (duplicate ids, alert names that
 * collide, latency thresholds that cannot be exact bucket boundaries, severities, raw-PromQL queries whose outer
 * aggregations group differently) need a spec that passed the schema, and then report all of theirs at once.
 */
export function parseSlaSpec(input: unknown): SlaSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', 'spec', input, 'expected an object with service and objectives');
  }
  let result: ReturnType<typeof slaSpecSchema.safeParse>;
  let problems: SlaProblem[] = [];
  try {
    result = slaSpecSchema.safeParse(input);
    if (!result.success) problems = issueProblems(slaSpecSchema, input, result.error.issues);
  } catch (err) {
    // A getter that throws while zod reads the spec: still a coded error, never a raw one.
    throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', 'spec', undefined, `a field could not be read (${err instanceof Error ? err.message : 'unreadable'})`);
  }
  if (!result.success) throw SlaSpecError.of(problems);
  // No selector means this service's job, never every job on the Prometheus: another service's series would
  // otherwise count against the SLO and could keep its "metrics absent" alert quiet.
  const spec: SlaSpec = { ...result.data, selector: result.data.selector ?? { job: result.data.service } };
  problems.push(...unique(spec.objectives.map((o) => o.id), 'objectives', 'id'));
  problems.push(...unique(spec.guards.map((g) => g.name), 'guards', 'name'));
  problems.push(...alertNameProblems(spec));
  problems.push(...boundaryProblems(spec));
  problems.push(...severityProblems(spec));
  problems.push(...promqlGroupingProblems(spec));
  if (problems.length > 0) throw SlaSpecError.of(problems);
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
  // Only the first line of the library's message: the rest is an excerpt of the file, which may hold a webhook
  // token. Warnings are problems too (a tag perfkit does not resolve, `!secret`, would be read as its literal text),
  // and are never left to the library, which prints them with their excerpt through process.emitWarning.
  let parsed: unknown;
  try {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'silent' });
    const first = doc.errors[0] ?? doc.warnings[0];
    if (first) throw first;
    parsed = doc.toJS();
  } catch (err) {
    throw new SlaSpecError('PERFKIT_ERR_SLA_SPEC_FILE', path, undefined, (err as Error).message.split('\n')[0]!);
  }
  return parseSlaSpec(parsed);
}

function unique(values: string[], list: string, key: string): SlaProblem[] {
  const seen = new Set<string>();
  const problems: SlaProblem[] = [];
  values.forEach((v, i) => {
    if (seen.has(v)) problems.push({ code: 'PERFKIT_ERR_INVALID_SLA_SPEC', field: `${list}[${i}].${key}`, value: v, detail: `duplicate ${key}; each must be unique` });
    seen.add(v);
  });
  return problems;
}
