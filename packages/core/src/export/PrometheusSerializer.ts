import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Attributes } from '@opentelemetry/api';
import { DROP_REASONS, LABEL, METRICS, promName, promUnitSuffix, sanitizeLabelName, type MetricDef, type MetricKind } from '../names';
import { FIGURE_METRICS, SCORE_METRICS } from '../operations/figures';
import { COUNT, SUM, type HistogramTable } from '../store/HistogramTable';
import type { OperationStore } from '../store/OperationStore';
import { escapeHelp, escapeLabelValue, formatValue } from './escape';

/** Content type of the Prometheus text format 0.0.4. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** Content type of OpenMetrics 1.0. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

const DROP_LABELS = DROP_REASONS.map((r) => `${LABEL.dropReason}="${r}"`);

/**
 * Writes the Prometheus text format (or OpenMetrics) from the operation store directly: label text was built
 * when each series was created, so a scrape only formats numbers. OpenTelemetry SDK metrics (host gauges,
 * plug-ins) are appended by {@link serializeResourceMetrics} with the same naming rules.
 */
export class PrometheusSerializer {
  constructor(private readonly openMetrics: boolean) {}

  /** Family header lines (HELP, TYPE and, for OpenMetrics, UNIT). */
  header(name: string, kind: MetricKind, unit: string, help: string): string {
    const type = kind === 'histogram' ? 'histogram' : kind === 'counter' ? 'counter' : 'gauge';
    if (!this.openMetrics) return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
    const family = kind === 'counter' ? name.slice(0, -'_total'.length) : name;
    const unitWord = promUnitSuffix(unit, kind);
    const unitLine = unitWord && family.endsWith('_' + unitWord) ? `# UNIT ${family} ${unitWord}\n` : '';
    return `# HELP ${family} ${escapeHelp(help)}\n# TYPE ${family} ${type}\n${unitLine}`;
  }

  private defHeader(def: MetricDef): string {
    return this.header(def.prom, def.kind === 'updowncounter' ? 'gauge' : def.kind, def.unit, def.description);
  }

  /** Serializes every family of the store. */
  serializeStore(store: OperationStore): string {
    let out = this.defHeader(METRICS.operationDuration);
    for (const table of store.durationTables()) out += histogramRows(METRICS.operationDuration.prom, table);

    out += this.defHeader(METRICS.operationsActive);
    const activeName = METRICS.operationsActive.prom;
    for (const h of store.handles) out += `${activeName}{${h.baseLabels}} ${h.active}\n`;

    for (const f of FIGURE_METRICS) {
      const def = METRICS[f.metric];
      let body = '';
      for (const h of store.handles) {
        const fig = h.figures;
        if (fig === null) continue;
        const labels = h.baseLabels;
        for (const [slot, extra] of f.slots) {
          if ((h.figureMask & (1 << slot)) === 0) continue;
          body += `${def.prom}{${labels}${extra ? `,${LABEL.integrityResult}="${extra}"` : ''}} ${formatValue(fig[slot]!)}\n`;
        }
      }
      if (body) out += this.defHeader(def) + body;
    }

    SCORE_METRICS.forEach((key, i) => {
      const table = store.scoreTables[i]!;
      if (table.size > 0) out += this.defHeader(METRICS[key]) + histogramRows(METRICS[key].prom, table);
    });

    const drops = METRICS.droppedMeasurements;
    out += this.defHeader(drops);
    for (let i = 0; i < DROP_LABELS.length; i++) out += `${drops.prom}{${DROP_LABELS[i]}} ${store.drops[i]}\n`;
    return out;
  }

  /** `target_info` carrying the resource attributes, as the OpenTelemetry-Prometheus compatibility spec says. */
  targetInfo(attributes: Attributes): string {
    const labels = attributeLabels(attributes);
    const head = this.openMetrics
      ? '# HELP target info Target metadata\n# TYPE target info\n'
      : '# HELP target_info Target metadata\n# TYPE target_info gauge\n';
    return `${head}target_info{${labels}} 1\n`;
  }

  /** Serializes metrics collected from the OpenTelemetry SDK (observable gauges, plug-in instruments). */
  serializeResourceMetrics(rm: ResourceMetrics, constLabels: string): string {
    const families = new Map<string, { kind: MetricKind; unit: string; help: string; body: string }>();
    for (const scope of rm.scopeMetrics) {
      for (const metric of scope.metrics) {
        const kind = kindOf(metric);
        if (!kind) continue;
        const name = promName(metric.descriptor.name, metric.descriptor.unit, kind);
        let family = families.get(name);
        if (!family) {
          family = { kind, unit: metric.descriptor.unit, help: metric.descriptor.description || metric.descriptor.name, body: '' };
          families.set(name, family);
        }
        family.body += dataPoints(name, metric, constLabels);
      }
    }
    let out = '';
    for (const [name, f] of families) if (f.body) out += this.header(name, f.kind, f.unit, f.help) + f.body;
    return out;
  }

  /** The closing line (OpenMetrics only). */
  end(): string {
    return this.openMetrics ? '# EOF\n' : '';
  }
}

function histogramRows(name: string, table: HistogramTable): string {
  let out = '';
  const le = table.leSuffix;
  const nb = table.tail;
  for (let r = 0; r < table.size; r++) {
    const d = table.chunkOf(r);
    const off = table.offsetOf(r);
    const labels = table.owners[r]!.baseLabels + table.kinds[r]!.suffix;
    const prefix = `${name}_bucket{${labels}`;
    let cumulative = 0;
    for (let i = 0; i < nb; i++) {
      cumulative += d[off + i]!;
      out += prefix + le[i] + cumulative + '\n';
    }
    out += `${name}_sum{${labels}} ${formatValue(d[off + nb + SUM]!)}\n${name}_count{${labels}} ${d[off + nb + COUNT]}\n`;
  }
  return out;
}

function kindOf(metric: MetricData): MetricKind | undefined {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      return undefined;
  }
}

/** `k="v",...` for OpenTelemetry attributes, keys sanitized, values escaped. */
export function attributeLabels(attributes: Attributes, prefix = '', reserved?: ReadonlySet<string>): string {
  // A label name must appear once per series: keys that sanitize to the same name are joined with ';' in the
  // order of their original keys (OpenTelemetry's Prometheus rule); names Prometheus reserves (a leading "__",
  // and "le" on histograms) get a single leading underscore.
  const byLabel = new Map<string, Array<[string, string]>>();
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    let label = sanitizeLabelName(key) || '_';
    if (label.startsWith('__')) label = label.replace(/^_+/, '_');
    if (reserved?.has(label)) label = `_${label}`;
    const text = Array.isArray(value) ? JSON.stringify(value) : String(value);
    const list = byLabel.get(label);
    if (list) list.push([key, text]);
    else byLabel.set(label, [[key, text]]);
  }
  let out = prefix;
  for (const [label, list] of byLabel) {
    const text = list.length === 1 ? list[0]![1] : list.sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((e) => e[1]).join(';');
    out += `${out ? ',' : ''}${label}="${escapeLabelValue(text)}"`;
  }
  return out;
}

const HISTOGRAM_RESERVED: ReadonlySet<string> = new Set(['le']);

function dataPoints(name: string, metric: MetricData, constLabels: string): string {
  let out = '';
  const base = constLabels.endsWith(',') ? constLabels.slice(0, -1) : constLabels;
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    for (const dp of metric.dataPoints) {
      const labels = attributeLabels(dp.attributes, base, HISTOGRAM_RESERVED);
      const sep = labels ? ',' : '';
      const { boundaries, counts } = dp.value.buckets;
      let cumulative = 0;
      for (let i = 0; i < counts.length; i++) {
        cumulative += counts[i]!;
        const le = i < boundaries.length ? formatValue(boundaries[i]!) : '+Inf';
        out += `${name}_bucket{${labels}${sep}le="${le}"} ${cumulative}\n`;
      }
      out += `${name}_sum{${labels}} ${formatValue(dp.value.sum ?? 0)}\n${name}_count{${labels}} ${dp.value.count}\n`;
    }
    return out;
  }
  if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
    for (const dp of metric.dataPoints) {
      const labels = attributeLabels(dp.attributes, base);
      out += `${name}${labels ? `{${labels}}` : ''} ${formatValue(dp.value)}\n`;
    }
  }
  return out;
}
