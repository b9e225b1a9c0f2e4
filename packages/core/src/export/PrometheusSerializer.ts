import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Attributes } from '@opentelemetry/api';
import { DROP_REASONS, LABEL, METRICS, promUnitSuffix, type MetricDef, type MetricKind } from '../names';
import { FIGURE_METRICS, SCORE_METRICS } from '../operations/figures';
import { COUNT, SUM, type ExemplarRow, type HistogramRowSource } from '../store/HistogramTable';
import { drainAll, SlicedWriter, type SlicedWork } from './SlicedWriter';
import type { OperationStore } from '../store/OperationStore';
import type { OperationHandle } from '../operations/OperationHandle';
import { escapeHelp, formatValue } from './escape';
import { attributeLabels, type ConstLabels } from './labels';
import { SdkMetricsText } from './SdkMetricsText';

export { attributeLabels, constLabelsOf, type ConstLabels } from './labels';

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
  private readonly sdkText = new SdkMetricsText((name, kind, unit, help) => this.header(name, kind, unit, help));
  private readonly defHeaders = new Map<MetricDef, string>();
  private targetInfoText?: { attributes: Attributes; text: string };

  constructor(private readonly openMetrics: boolean) {}

  /** Family header lines (HELP, TYPE and, for OpenMetrics, UNIT). */
  header(name: string, kind: MetricKind, unit: string, help: string): string {
    const type = kind === 'histogram' ? 'histogram' : kind === 'counter' ? 'counter' : 'gauge';
    if (!this.openMetrics) return `# HELP ${name} ${escapeHelp(help, false)}\n# TYPE ${name} ${type}\n`;
    const family = kind === 'counter' ? name.slice(0, -'_total'.length) : name;
    const unitWord = promUnitSuffix(unit, kind);
    const unitLine = unitWord && family.endsWith('_' + unitWord) ? `# UNIT ${family} ${unitWord}\n` : '';
    return `# HELP ${family} ${escapeHelp(help, true)}\n# TYPE ${family} ${type}\n${unitLine}`;
  }

  private defHeader(def: MetricDef): string {
    let text = this.defHeaders.get(def);
    if (text === undefined) this.defHeaders.set(def, (text = this.header(def.prom, def.kind === 'updowncounter' ? 'gauge' : def.kind, def.unit, def.description)));
    return text;
  }

  /**
   * Writes every family of the store into `w`, yielding whenever the writer's time slice is spent (see
   * {@link SlicedWriter}). Each histogram row is copied before it is formatted, so its buckets, sum and count
   * come from one instant.
   */
  *storeText(store: OperationStore, w: SlicedWriter): SlicedWork {
    w.write(this.defHeader(METRICS.operationDuration));
    for (const table of store.durationTables()) yield* histogramText(METRICS.operationDuration.prom, table, w, this.openMetrics);

    w.write(this.defHeader(METRICS.operationsActive));
    const activeOpen = `${METRICS.operationsActive.prom}{`;
    const handles = store.handles;
    for (let i = 0; i < handles.length; i++) {
      if ((i & 63) === 63 && w.isOverBudget()) yield;
      putActiveLine(w, activeOpen, handles[i]!);
    }

    // Figures are reported by few handles: one pass finds them, then each figure family reads only those.
    const withFigures: Array<(typeof handles)[number]> = [];
    for (let i = 0; i < handles.length; i++) {
      if ((i & 1023) === 1023 && w.isOverBudget()) yield;
      if (handles[i]!.figureMask !== 0) withFigures.push(handles[i]!);
    }
    for (const f of FIGURE_METRICS) {
      const def = METRICS[f.metric];
      let headerWritten = false;
      for (let i = 0; i < withFigures.length; i++) {
        if ((i & 255) === 255 && w.isOverBudget()) yield;
        const h = withFigures[i]!;
        const fig = h.figures;
        if (fig === null) continue;
        const labels = h.baseLabels;
        for (const [slot, extra] of f.slots) {
          if ((h.figureMask & (1 << slot)) === 0) continue;
          if (!headerWritten) w.write(this.defHeader(def));
          headerWritten = true;
          w.write(`${def.prom}{${labels}${extra ? `,${LABEL.integrityResult}="${extra}"` : ''}} ${formatValue(fig[slot]!)}\n`);
        }
      }
    }

    for (let i = 0; i < SCORE_METRICS.length; i++) {
      const key = SCORE_METRICS[i]!;
      const table = store.scoreTables[i]!;
      if (table.size === 0) continue;
      w.write(this.defHeader(METRICS[key]));
      yield* histogramText(METRICS[key].prom, table, w);
    }

    const drops = METRICS.droppedMeasurements;
    w.write(this.defHeader(drops));
    for (let i = 0; i < DROP_LABELS.length; i++) w.write(`${drops.prom}{${DROP_LABELS[i]}} ${store.drops[i]}\n`);
  }

  /** The store's families as one string, unsliced (tests, and the reference the bench compares slicing with). */
  serializeStore(store: OperationStore): string {
    let out = '';
    const w = new SlicedWriter((chunk) => (out += chunk.toString()), Infinity);
    drainAll(this.storeText(store, w), w);
    return out;
  }

  /** `target_info` carrying the resource attributes, as the OpenTelemetry-Prometheus compatibility spec says. */
  targetInfo(attributes: Attributes): string {
    if (this.targetInfoText?.attributes === attributes) return this.targetInfoText.text;
    const labels = attributeLabels(attributes);
    // OpenMetrics: the family is `target` of type info, its one sample `target_info`.
    const head = this.openMetrics
      ? '# HELP target Target metadata\n# TYPE target info\n'
      : '# HELP target_info Target metadata\n# TYPE target_info gauge\n';
    const text = `${head}target_info{${labels}} 1\n`;
    this.targetInfoText = { attributes, text };
    return text;
  }

  /** Serializes metrics collected from the OpenTelemetry SDK (observable gauges, plug-in instruments). */
  serializeResourceMetrics(rm: ResourceMetrics, constLabels: ConstLabels = []): string {
    return this.sdkText.write(rm, constLabels);
  }

  /** The closing line (OpenMetrics only). */
  end(): string {
    return this.openMetrics ? '# EOF\n' : '';
  }
}

/**
 * Writes the `_bucket`, `_sum` and `_count` lines of every row of `rows` (the row-copy/serialize step; any
 * {@link HistogramRowSource} can be fed through it), yielding between rows when the writer's slice is spent.
 *
 * A row is written as bytes straight into the writer's buffer: its label text (kept by the table) encoded once into a
 * scratch buffer and copied from there to each line, each bucket's `le` text from bytes made once per table, counts as
 * digits. A
 * scrape so makes almost no garbage: at 100,000 series the strings of the text (200 MB a scrape, held by the scrape
 * or by the socket and gzip buffers they were copied to) were 10-35 young-generation GCs and one or more full ones
 * inside the scrape, their pauses its longest turns. Rows with exemplars, and rows too long for a chunk, are written
 * as text.
 */
export function* histogramText(name: string, rows: HistogramRowSource, w: SlicedWriter, withExemplars = false): SlicedWork {
  const le = rows.leSuffix;
  const leBytes = asciiBytesOf(le);
  const small = smallCountLines(le);
  let leMost = 0;
  for (const b of leBytes) leMost = Math.max(leMost, b.length);
  const nb = rows.tail;
  const copy = new Float64Array(nb + 2);
  const bucketOpen = `${name}_bucket{`;
  const sumText = `${name}_sum{`;
  const countText = `${name}_count{`;
  const sumOpen = Buffer.from(sumText, 'utf8');
  const countOpen = Buffer.from(countText, 'utf8');
  const openBytes = Buffer.byteLength(bucketOpen, 'utf8');
  // Per line beyond the row's label text: the longest of `le` text, `_sum{`/`_count{`, `} `, a number, a newline.
  const lineMost = Math.max(leMost, countOpen.length + 2) + NUMBER_MOST + 1;
  /** Rows written as text since the last hand-over (text mode: the text of up to 16 rows). */
  let out = '';
  /** Views of the row scratch by length: the row's label text from the start, and without `name_bucket{`. */
  const rowViews: Uint8Array[] = [];
  const labelViews: Uint8Array[] = [];
  for (let r = 0; r < rows.size; r++) {
    if ((r & 15) === 15) {
      if (out) w.write(out);
      out = '';
      if (w.isOverBudget()) yield;
    }
    rows.copyRow(r, copy);
    const prefix = rows.rowPrefix !== undefined ? rows.rowPrefix(r, bucketOpen) : bucketOpen + rows.rowLabels(r);
    const ex = withExemplars ? rows.exemplarsOf?.(r) : undefined;
    if (w.textMode || ex !== undefined) {
      out = appendRowText(out, prefix, prefix.slice(bucketOpen.length), sumText, countText, le, small, nb, copy, ex);
      continue;
    }
    if (out) w.write(out); // in order, before the bytes of this row
    out = '';
    if (!w.reserve((prefix.length * 3 + lineMost) * (nb + 2))) {
      w.write(appendRowText('', prefix, prefix.slice(bucketOpen.length), sumText, countText, le, small, nb, copy, ex));
      continue;
    }
    const b = w.buf;
    let o = w.off;
    // The row's label text is written once into the scratch and copied from there by `set()` for each line: a copy
    // from another buffer measured 15-16 ns against 25-28 for `copyWithin` within the chunk (118 bytes, Node 20 and 26),
    // which was two thirds of this loop's own time on Node 26. A row longer than the scratch (label values of
    // thousands of characters) gets bytes of its own.
    const n = prefix.length * 3 <= ROW_SCRATCH_BYTES ? ROW_SCRATCH.write(prefix, 0, 'utf8') : -1;
    const row = n >= 0 ? (rowViews[n] ??= ROW_SCRATCH.subarray(0, n)) : Buffer.from(prefix, 'utf8');
    const labels = n >= 0 ? (labelViews[n] ??= ROW_SCRATCH.subarray(openBytes, n)) : row.subarray(openBytes);
    let cumulative = 0;
    for (let i = 0; i < nb; i++) {
      cumulative += copy[i]!;
      b.set(row, o);
      o += row.length;
      const l = leBytes[i]!;
      for (let j = 0; j < l.length; j++) b[o++] = l[j]!;
      o = putNumber(b, o, cumulative);
      b[o++] = NEWLINE;
    }
    o = putSeriesStart(b, o, sumOpen, labels);
    o += b.write(formatValue(copy[nb + SUM]!), o, 'latin1');
    b[o++] = NEWLINE;
    o = putSeriesStart(b, o, countOpen, labels);
    o = putNumber(b, o, copy[nb + COUNT]!);
    b[o++] = NEWLINE;
    w.off = o;
  }
  if (out) w.write(out);
}

const NEWLINE = 0x0a;
const SPACE = 0x20;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
/** The longest a number is written (`-1.2345678901234567e-123`, 24 characters). */
const NUMBER_MOST = 25;

/**
 * Writes a handle's active-operations line as bytes, from the label pieces its type keeps (`baseLabels` would build it
 * as a new string, and the line another, flattened again to be written: three strings a handle a scrape, 60 % of what
 * a cluster primary allocated per scrape of 2,000 series, 2026-12-02).
 */
function putActiveLine(w: SlicedWriter, open: string, h: OperationHandle): void {
  const head = h.labelHead;
  const name = h.labelName;
  if (!w.reserve((open.length + head.length + (name?.length ?? 0) + 3) * 3 + NUMBER_MOST)) {
    w.write(`${open}${h.baseLabels}} ${h.active}\n`);
    return;
  }
  const b = w.buf;
  let o = w.off;
  o += b.write(open, o, 'utf8');
  o += b.write(head, o, 'utf8');
  if (name !== undefined) {
    o += b.write(name, o, 'utf8');
    b[o++] = QUOTE;
  }
  b[o++] = CLOSE_BRACE;
  b[o++] = SPACE;
  o = putNumber(b, o, h.active);
  b[o++] = NEWLINE;
  w.off = o;
}

/**
 * Bytes of the scratch a row's label text is written into before it is copied to each of its lines: a row whose text
 * may take more (a label value of thousands of characters) gets a buffer of its own.
 */
const ROW_SCRATCH_BYTES = 4096;
const ROW_SCRATCH = Buffer.allocUnsafeSlow(ROW_SCRATCH_BYTES);

/** Writes `open` (`x_sum{`), the row's label bytes and `} `. */
function putSeriesStart(b: Buffer, o: number, open: Buffer, labels: Uint8Array): number {
  for (let j = 0; j < open.length; j++) b[o++] = open[j]!;
  b.set(labels, o);
  o += labels.length;
  b[o++] = CLOSE_BRACE;
  b[o++] = SPACE;
  return o;
}

/** Writes a count as JavaScript writes it (`'' + n`): digits for whole numbers under 10^15, else its string. */
function putNumber(b: Buffer, o: number, n: number): number {
  if (n >= 0 && n < 1e15 && n === Math.floor(n)) {
    if (n < 10) {
      b[o] = 0x30 + n;
      return o + 1;
    }
    let digits = 2;
    for (let t = 100; t <= n; t *= 10) digits++;
    let p = o + digits;
    let t = n;
    do {
      const q = Math.floor(t / 10);
      b[--p] = 0x30 + (t - q * 10);
      t = q;
    } while (t !== 0);
    return o + digits;
  }
  return o + b.write('' + n, o, 'latin1');
}

const asciiBytes = new WeakMap<readonly string[], Buffer[]>();
/** Each `le` text as bytes, made once per table (the texts are ASCII: numbers and `+Inf`). */
function asciiBytesOf(texts: readonly string[]): Buffer[] {
  let bytes = asciiBytes.get(texts);
  if (bytes === undefined) asciiBytes.set(texts, (bytes = texts.map((t) => Buffer.from(t, 'utf8'))));
  return bytes;
}

/**
 * Appends one row's lines to `out` as text (text mode, rows with exemplars, rows too long for a chunk). Every piece
 * appended here lives until the scrape is done where the text is kept, so young-generation GC copies each one: a line
 * is as few new strings as it can be. The row's prefix is kept by the table, a bucket's `le` and a small count (most
 * buckets of most series) are one cached piece, and pieces are appended one at a time (`a + b` made first would be one
 * more string per line).
 */
function appendRowText(
  out: string,
  prefix: string,
  labels: string,
  sumOpen: string,
  countOpen: string,
  le: readonly string[],
  small: string[][],
  nb: number,
  copy: Float64Array,
  ex: ExemplarRow | undefined,
): string {
  let cumulative = 0;
  for (let i = 0; i < nb; i++) {
    cumulative += copy[i]!;
    out += prefix;
    if (ex !== undefined && ex.times[i]! > 0) {
      out += `${le[i]}${cumulative} # {trace_id="${ex.traceIds[i]}",span_id="${ex.spanIds[i]}"} ${formatValue(ex.values[i]!)} ${(ex.times[i]! / 1000).toFixed(3)}\n`;
    } else if (cumulative < SMALL_COUNTS && small[i]![cumulative] !== undefined) out += small[i]![cumulative]!;
    else {
      out += le[i]!;
      out += cumulative;
      out += '\n';
    }
  }
  out += sumOpen;
  out += labels;
  out += '} ';
  out += formatValue(copy[nb + SUM]!);
  out += '\n';
  out += countOpen;
  out += labels;
  out += '} ';
  out += copy[nb + COUNT]!;
  out += '\n';
  return out;
}

/** Counts below this are written with their bucket's `le` text as one cached piece. */
const SMALL_COUNTS = 64;
const smallCountLinesOf = new WeakMap<readonly string[], string[][]>();
/** Per bucket, its `le` text followed by each small count and the newline (cached with the `le` texts they extend). */
function smallCountLines(le: readonly string[]): string[][] {
  let lines = smallCountLinesOf.get(le);
  if (lines === undefined) {
    lines = le.map((t) => Array.from({ length: SMALL_COUNTS }, (_, count) => `${t}${count}\n`));
    smallCountLinesOf.set(le, lines);
  }
  return lines;
}

