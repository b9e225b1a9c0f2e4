import type { Attributes } from '@opentelemetry/api';
import type { DiagLogger } from '../diag';
import { sanitizeLabelName } from '../names';
import { escapeLabelValue } from './escape';

/**
 * Told, when a series' label text is made (its first scrape, not every scrape), which attribute keys of which
 * instrument were written under another name because Prometheus reserves theirs ({@link RESERVED_LABELS}).
 */
export type RenamedLabelNotice = (instrument: string, keys: readonly string[]) => void;

/** Labels written on every series (resource attributes copied by configuration): label name and its `k="v"` text. */
export type ConstLabels = ReadonlyArray<readonly [label: string, text: string]> & {
  /** Where the SDK instruments' renamed reserved attributes are reported (once per instrument: see {@link renamedLabelWarner}). */
  readonly onRenamed?: RenamedLabelNotice;
};

/**
 * Label names with a meaning of their own in Prometheus: `le` is a histogram bucket's bound, `quantile` a summary's
 * quantile. An attribute of either name is written with a leading underscore (`_le`, `_quantile`) on every series:
 * on a histogram a second `le` makes the exposition invalid, and on any other kind (perfkit writes no summaries)
 * `promtool check metrics` refuses both (client_golang's promlint: "non-histogram metrics should not have "le" label").
 */
export const RESERVED_LABELS: ReadonlySet<string> = new Set(['le', 'quantile']);

/** The {@link ConstLabels} for resource attributes copied onto every series. */
export function constLabelsOf(attributes: Attributes, onRenamed?: RenamedLabelNotice): ConstLabels {
  const labels = [...labelMap(attributes)].map(([label, list]) => [label, `${label}="${escapeLabelValue(joined(list))}"`] as const);
  return onRenamed ? Object.assign(labels, { onRenamed }) : labels;
}

/** A {@link RenamedLabelNotice} that warns once per instrument name (a scrape may find new series any time). */
export function renamedLabelWarner(diag: DiagLogger): RenamedLabelNotice {
  const warned = new Set<string>();
  return (instrument, keys) => {
    if (warned.has(instrument)) return;
    warned.add(instrument);
    const pairs = keys.map((k) => `${JSON.stringify(k)} as ${JSON.stringify(`_${sanitizeLabelName(k)}`)}`).join(', ');
    diag.warn(
      `${JSON.stringify(instrument)}: attribute written under another label name, ${pairs} (Prometheus reserves "le" for ` +
        'histogram buckets and "quantile" for summary quantiles); said once per instrument',
    );
  };
}

/**
 * `k="v",...` for OpenTelemetry attributes, keys sanitized, values escaped. A constant label whose name the
 * attributes also carry is left out for that series: a label name appears once per series (the series' own
 * value wins), or Prometheus would refuse the whole scrape. Keys written under another name because their own is
 * reserved are pushed to `renamed`.
 */
export function attributeLabels(attributes: Attributes, prefix = '', constLabels?: ConstLabels, renamed?: string[]): string {
  const byLabel = labelMap(attributes, renamed);
  let out = prefix;
  if (constLabels) for (const [label, text] of constLabels) if (!byLabel.has(label)) out += `${out ? ',' : ''}${text}`;
  for (const [label, list] of byLabel) out += `${out ? ',' : ''}${label}="${escapeLabelValue(joined(list))}"`;
  return out;
}

function labelMap(attributes: Attributes, renamed?: string[]): Map<string, Array<[string, string]>> {
  // A label name must appear once per series: keys that sanitize to the same name are joined with ';' in the
  // order of their original keys (OpenTelemetry's Prometheus rule); names Prometheus reserves (a leading "__",
  // "le" and "quantile") get a single leading underscore.
  const byLabel = new Map<string, Array<[string, string]>>();
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    let label = sanitizeLabelName(key) || '_';
    if (label.startsWith('__')) label = label.replace(/^_+/, '_');
    if (RESERVED_LABELS.has(label)) {
      label = `_${label}`;
      renamed?.push(key);
    }
    const text = Array.isArray(value) ? JSON.stringify(value) : String(value);
    const list = byLabel.get(label);
    if (list) list.push([key, text]);
    else byLabel.set(label, [[key, text]]);
  }
  return byLabel;
}

function joined(list: Array<[string, string]>): string {
  return list.length === 1 ? list[0]![1] : list.sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((e) => e[1]).join(';');
}

/** What {@link LabelCache} keeps per attributes object: the label text and what it was made from. */
interface CachedLabels {
  readonly text: string;
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
}

/**
 * The label text of OpenTelemetry attributes, cached per attributes object: the SDK hands back, on every data
 * point, the object the instrument was given, and plug-ins pass the same object on every observation, so a scrape
 * finds each series' text made. An entry is used only while the object still holds the same keys and values (a
 * caller may reuse one object for different series across scrapes); array values are never cached (their items can
 * change in place). Weakly held: a series whose attributes object is gone leaves the cache with it.
 */
export class LabelCache {
  private readonly entries = new WeakMap<object, CachedLabels>();
  /** The text of a series without attributes (the SDK makes a new empty object for each such observation). */
  private readonly empty: string;
  /** Keys renamed while making one series' text (reused: a miss allocates no array for it). */
  private readonly renamed: string[] = [];

  constructor(private readonly constLabels: ConstLabels) {
    this.empty = attributeLabels({}, '', constLabels);
  }

  /** `k="v",...` for `attributes` (see {@link attributeLabels}) of a series of `instrument`. */
  labels(attributes: Attributes, instrument: string): string {
    const keys = Object.keys(attributes);
    if (keys.length === 0) return this.empty;
    const hit = this.entries.get(attributes);
    if (hit !== undefined && sameContent(hit, attributes, keys)) return hit.text;
    const renamed = this.renamed;
    renamed.length = 0;
    const text = attributeLabels(attributes, '', this.constLabels, renamed);
    if (renamed.length !== 0) this.constLabels.onRenamed?.(instrument, renamed.slice());
    const values: unknown[] = [];
    for (const key of keys) {
      const value = attributes[key];
      if (Array.isArray(value)) return text;
      values.push(value);
    }
    this.entries.set(attributes, { text, keys, values });
    return text;
  }
}

function sameContent(hit: CachedLabels, attributes: Attributes, keys: readonly string[]): boolean {
  const cachedKeys = hit.keys;
  if (cachedKeys.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key !== cachedKeys[i] || attributes[key] !== hit.values[i]) return false;
  }
  return true;
}
