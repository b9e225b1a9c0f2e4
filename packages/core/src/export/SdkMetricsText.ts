import { DataPointType, type Histogram, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { promName, type MetricKind } from '../names';
import { formatValue } from './escape';
import { LabelCache, type ConstLabels } from './labels';

/** Writes a family's HELP/TYPE (and UNIT) lines. */
export type HeaderWriter = (name: string, kind: MetricKind, unit: string, help: string) => string;

/** What a scrape writes for one instrument, worked out on its first scrape. */
interface DescriptorText {
  /** What the text was made from: a descriptor object changed since is worked out again. */
  readonly otelName: string;
  readonly unit: string;
  readonly description: string;
  readonly dataPointType: DataPointType;
  readonly isMonotonic: boolean | undefined;
  readonly name: string;
  /** The family's HELP/TYPE lines, when this instrument is the first of its family in a scrape. */
  readonly header: string;
}

/**
 * The Prometheus text of the metrics collected from the OpenTelemetry SDK (observable gauges and counters of plug-ins,
 * an app's instruments). The SDK hands back the same descriptor object for an instrument and the same attributes
 * object for a series on every collection, so the family name and HELP/TYPE lines are made once per instrument and
 * the label text once per series ({@link LabelCache}); a scrape formats the numbers.
 */
export class SdkMetricsText {
  private readonly descriptors = new WeakMap<object, DescriptorText>();
  private readonly leTexts = new WeakMap<readonly number[], { bounds: number[]; texts: string[] }>();
  private labels?: LabelCache;
  private constLabels?: ConstLabels;

  constructor(private readonly header: HeaderWriter) {}

  /** The families of `rm`, each family's HELP/TYPE once, series of instruments sharing a family name under it. */
  write(rm: ResourceMetrics, constLabels: ConstLabels): string {
    if (constLabels !== this.constLabels) {
      this.constLabels = constLabels;
      this.labels = new LabelCache(constLabels);
    }
    const families = new Map<string, string>();
    const headers = new Map<string, string>();
    for (const scope of rm.scopeMetrics) {
      for (const metric of scope.metrics) {
        const text = this.textOf(metric);
        if (text === undefined) continue;
        const body = this.dataPoints(text.name, metric);
        if (!body) continue;
        const before = families.get(text.name);
        if (before === undefined) headers.set(text.name, text.header);
        families.set(text.name, before === undefined ? body : before + body);
      }
    }
    let out = '';
    for (const [name, body] of families) out += headers.get(name)! + body;
    return out;
  }

  private textOf(metric: MetricData): DescriptorText | undefined {
    const d = metric.descriptor;
    const isMonotonic = metric.dataPointType === DataPointType.SUM ? metric.isMonotonic : undefined;
    const hit = this.descriptors.get(d);
    if (hit !== undefined && hit.dataPointType === metric.dataPointType && hit.isMonotonic === isMonotonic && hit.description === d.description && hit.otelName === d.name && hit.unit === d.unit) {
      return hit;
    }
    const kind = kindOf(metric);
    if (!kind) return undefined;
    const name = promName(d.name, d.unit, kind);
    const text: DescriptorText = {
      otelName: d.name,
      unit: d.unit,
      description: d.description,
      dataPointType: metric.dataPointType,
      isMonotonic,
      name,
      header: this.header(name, kind, d.unit, d.description || d.name),
    };
    this.descriptors.set(d, text);
    return text;
  }

  private dataPoints(name: string, metric: MetricData): string {
    let out = '';
    const cache = this.labels!;
    const instrument = metric.descriptor.name;
    if (metric.dataPointType === DataPointType.HISTOGRAM) {
      for (const dp of metric.dataPoints) {
        const labels = cache.labels(dp.attributes, instrument);
        const bucketPrefix = labels ? `${name}_bucket{${labels},` : `${name}_bucket{`;
        const { boundaries, counts } = dp.value.buckets;
        const le = this.leTextOf(boundaries);
        let cumulative = 0;
        for (let i = 0; i < counts.length; i++) {
          cumulative += counts[i]!;
          out += `${bucketPrefix}${i < boundaries.length ? le[i] : 'le="+Inf"} '}${cumulative}\n`;
        }
        // A series without labels is written without braces (`name_sum 1`), as on every other line of the scrape.
        const braces = labels ? `{${labels}}` : '';
        out += `${name}_sum${braces} ${formatValue((dp.value as Histogram).sum ?? 0)}\n${name}_count${braces} ${dp.value.count}\n`;
      }
    } else if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
      for (const dp of metric.dataPoints) {
        const labels = cache.labels(dp.attributes, instrument);
        out += labels ? `${name}{${labels}} ${formatValue(dp.value)}\n` : `${name} ${formatValue(dp.value)}\n`;
      }
    }
    return out;
  }

  /** `le="0.5"} ` per finite bound; the SDK shares one boundaries array among an instrument's points. */
  private leTextOf(boundaries: readonly number[]): string[] {
    const hit = this.leTexts.get(boundaries);
    if (hit !== undefined && sameNumbers(hit.bounds, boundaries)) return hit.texts;
    const texts = boundaries.map((b) => `le="${formatValue(b)}"} `);
    this.leTexts.set(boundaries, { bounds: [...boundaries], texts });
    return texts;
  }
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
