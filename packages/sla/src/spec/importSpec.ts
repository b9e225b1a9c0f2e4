import { parseAllDocuments } from 'yaml';
import { SlaSpecError } from '../errors';

/** The spec formats `perfkit-sla import` reads. */
export const IMPORT_FORMATS = ['sloth', 'openslo'] as const;
/** One of {@link IMPORT_FORMATS}. */
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A perfkit spec (before validation) made from another tool's spec, and what could not be carried over. */
export interface ImportedSpec {
  readonly spec: Record<string, unknown>;
  readonly warnings: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strMap = (v: unknown): Record<string, string> | undefined =>
  isObj(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== null).map(([k, x]) => [k, String(x)])) : undefined;

/** `requests-availability`, `Requests Availability`, `sloth_slo` -> kebab-case objective ids. */
function objectiveId(name: string): string {
  const id = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').replace(/^(\d)/, 'slo-$1').slice(0, 63);
  return id || 'slo';
}

/** Sloth and OpenSLO write percentages or ratios; perfkit ratios without float noise (99.9 -> 0.999). */
const ratio = (v: number) => Number(v.toPrecision(12));

/** Parses the text of a Sloth or OpenSLO spec into a perfkit spec object (validate it with parseSlaSpec). */
export function importSpec(format: string, text: string, source = 'the input'): ImportedSpec {
  if (!(IMPORT_FORMATS as readonly string[]).includes(format)) {
    throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', '--from', format, `perfkit-sla reads ${IMPORT_FORMATS.join(' and ')} specs (Sloth prometheus/v1; OpenSLO v1 SLO and SLI documents with ratio metrics on Prometheus)`);
  }
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const values: unknown[] = [];
  for (const d of docs) {
    if (d.errors.length) throw new SlaSpecError('PERFKIT_ERR_SLA_SPEC_FILE', source, undefined, d.errors[0]!.message.split('\n')[0]!);
    const v = d.toJS() as unknown;
    if (v !== null && v !== undefined) values.push(v);
  }
  return format === 'sloth' ? fromSloth(values, source) : fromOpenSlo(values, source);
}

function fromSloth(values: unknown[], source: string): ImportedSpec {
  const doc = values[0];
  if (values.length !== 1 || !isObj(doc) || doc.version !== 'prometheus/v1' || typeof doc.service !== 'string' || !Array.isArray(doc.slos)) {
    throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', source, isObj(doc) ? doc.version : doc, 'expected one Sloth document with version: prometheus/v1, a service and slos');
  }
  const warnings: string[] = [];
  const specLabels = strMap(doc.labels) ?? {};
  if (isObj(doc.slo_plugins)) warnings.push('slo_plugins are Sloth-specific and were not imported (alert for: durations are: page_alert.for / ticket_alert.for)');
  const objectives = (doc.slos as unknown[]).map((raw, i) => {
    const slo = isObj(raw) ? raw : {};
    const name = str(slo.name) ?? `slo-${i}`;
    const where = `slos[${name}]`;
    const events = isObj(slo.sli) && isObj(slo.sli.events) ? slo.sli.events : undefined;
    if (!events || typeof events.error_query !== 'string' || typeof events.total_query !== 'string') {
      const kind = isObj(slo.sli) ? Object.keys(slo.sli).join(', ') : 'none';
      throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', `${where}.sli`, kind, 'perfkit imports event SLIs (sli.events.error_query and total_query); raw and plugin SLIs have no counterpart');
    }
    if (typeof slo.objective !== 'number') throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', `${where}.objective`, slo.objective, 'expected a percentage such as 99.9');
    const alerting = isObj(slo.alerting) ? slo.alerting : {};
    const severity = (key: 'page_alert' | 'ticket_alert') => {
      const a = isObj(alerting[key]) ? (alerting[key] as Obj) : {};
      if (a.disable === true) warnings.push(`${where}.alerting.${key}.disable: perfkit always writes both severities; disabled alerts were imported enabled`);
      if (isObj(a.annotations)) warnings.push(`${where}.alerting.${key}.annotations: per-severity annotations are not supported; the objective's annotations apply`);
      const labels = strMap(a.labels);
      const forText = str(a.for);
      return labels || forText ? { ...(forText ? { for: forText } : {}), ...(labels ? { labels } : {}) } : undefined;
    };
    const page = severity('page_alert');
    const ticket = severity('ticket_alert');
    const labels = { ...specLabels, ...strMap(slo.labels), ...strMap(alerting.labels) };
    const annotations = strMap(alerting.annotations);
    return {
      id: objectiveId(name),
      ...(str(slo.description) ? { description: str(slo.description)!.trim().slice(0, 300) } : {}),
      promql: { target: ratio(slo.objective / 100), errorQuery: events.error_query.trim(), totalQuery: events.total_query.trim() },
      alerting: {
        ...(str(alerting.name) ? { name: str(alerting.name) } : {}),
        ...(Object.keys(labels).length ? { labels } : {}),
        ...(annotations ? { annotations } : {}),
        ...(page ? { page } : {}),
        ...(ticket ? { ticket } : {}),
      },
    };
  });
  // Sloth's default SLO period is 30 days, with the SRE workbook's windows: the same as perfkit's standard catalogue.
  return { spec: { service: doc.service, window: '30d', objectives }, warnings };
}

function fromOpenSlo(values: unknown[], source: string): ImportedSpec {
  const warnings: string[] = [];
  const docs = values.filter(isObj);
  const slis = new Map(docs.filter((d) => d.kind === 'SLI' && isObj(d.metadata)).map((d) => [String((d.metadata as Obj).name), d.spec]));
  const slos = docs.filter((d) => d.kind === 'SLO');
  if (slos.length === 0 || !slos.every((d) => d.apiVersion === 'openslo/v1' || d.apiVersion === 'openslo/v1alpha')) {
    throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', source, docs.map((d) => `${String(d.apiVersion)} ${String(d.kind)}`).join(', ') || 'nothing', 'expected OpenSLO documents (apiVersion openslo/v1) with at least one SLO');
  }
  const services = new Set<string>();
  const windows = new Set<string>();
  const objectives = slos.flatMap((d) => {
    const meta = isObj(d.metadata) ? d.metadata : {};
    const spec = isObj(d.spec) ? d.spec : {};
    const name = str(meta.name) ?? 'slo';
    const where = `SLO ${name}`;
    if (str(spec.service)) services.add(str(spec.service)!);
    for (const w of Array.isArray(spec.timeWindow) ? spec.timeWindow : Array.isArray(spec.timeWindows) ? spec.timeWindows : []) {
      if (isObj(w) && str(w.duration)) windows.add(str(w.duration)!);
      else if (isObj(w) && typeof w.count === 'number' && w.unit === 'Day') windows.add(`${w.count}d`);
    }
    if (spec.budgetingMethod !== undefined && spec.budgetingMethod !== 'Occurrences') {
      throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', `${where}.spec.budgetingMethod`, spec.budgetingMethod, 'perfkit imports Occurrences budgeting (good or bad events over total)');
    }
    const indicator = isObj(spec.indicator) ? spec.indicator.spec : str(spec.indicatorRef) ? slis.get(str(spec.indicatorRef)!) : undefined;
    const list = Array.isArray(spec.objectives) ? spec.objectives.filter(isObj) : [];
    return list.map((o, i) => {
      // v1: indicator.spec.ratioMetric {good|bad, total}.metricSource.spec.query; v1alpha (Sloth's example): objectives[].ratioMetrics.
      const ratioMetric = isObj(indicator) && isObj(indicator.ratioMetric) ? indicator.ratioMetric : isObj(o.ratioMetrics) ? o.ratioMetrics : undefined;
      const query = (key: string): string | undefined => {
        const m = ratioMetric?.[key];
        if (!isObj(m)) return undefined;
        if (isObj(m.metricSource)) {
          const type = str(m.metricSource.type);
          if (type !== undefined && type.toLowerCase() !== 'prometheus') throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', `${where}.indicator.${key}.metricSource.type`, type, 'perfkit imports Prometheus metric sources only');
          return isObj(m.metricSource.spec) ? str(m.metricSource.spec.query) : undefined;
        }
        return str(m.query);
      };
      const good = query('good');
      const bad = query('bad');
      const total = query('total');
      if (!total || (!good && !bad)) {
        throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', `${where}.indicator`, ratioMetric ? Object.keys(ratioMetric).join(', ') : 'none', 'expected a ratioMetric with good or bad, and total, Prometheus queries');
      }
      if (typeof o.target !== 'number') throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', `${where}.objectives[${i}].target`, o.target, 'expected a ratio such as 0.999');
      const id = objectiveId(list.length > 1 ? `${name}-${str(o.displayName) ?? i}` : name);
      const description = str(spec.description) ?? str(meta.displayName);
      return {
        id,
        ...(description ? { description: description.trim().slice(0, 300) } : {}),
        promql: { target: ratio(o.target), ...(bad ? { errorQuery: bad.trim() } : { goodQuery: good!.trim() }), totalQuery: total.trim() },
      };
    });
  });
  if (services.size > 1) warnings.push(`several services (${[...services].join(', ')}); the first names the perfkit spec`);
  if (windows.size > 1) warnings.push(`several time windows (${[...windows].join(', ')}); the first is the perfkit window`);
  const window = [...windows][0] ?? '30d';
  return { spec: { service: [...services][0] ?? 'service', window: window.replace(/^(\d+)w$/, (_m, n: string) => `${Number(n) * 7}d`), objectives }, warnings };
}
