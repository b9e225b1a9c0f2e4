import { DROP_REASONS, OUTCOMES } from '../names';
import { FIGURE_SLOTS } from '../operations/figures';
import { decodeDoubles, decodeUint32s, type WireReport, type WireTable } from './protocol';
import { BadReportError } from './SourceState';
import { FIGURE_ROW, maskWords } from './StoreReporter';

const OUTCOME_SET: ReadonlySet<string> = new Set([...OUTCOMES, '']);
const DROP_SET: ReadonlySet<string> = new Set(DROP_REASONS);
const MAX_BOUNDS = 64;

/** One table of a report, checked, with its blocks decoded. */
export interface CheckedTable {
  readonly wire: WireTable;
  readonly stride: number;
  readonly index: Uint32Array;
  readonly data: Float64Array;
}

/** A report whose every part was checked, with its blocks decoded. */
export interface CheckedReport {
  readonly report: WireReport;
  readonly tables: readonly CheckedTable[];
  readonly scores: readonly CheckedTable[];
  readonly figures: Float64Array;
}

/**
 * Checks a report whole before anything of it is merged; throws {@link BadReportError} naming the first problem.
 * Costs one pass over the (changed) numbers a report carries.
 */
export function checkReport(report: WireReport): CheckedReport {
  if (typeof report !== 'object' || report === null) throw new BadReportError('the report is not an object');
  const { handles, handlesFrom, tables, scores, drops, active } = report;
  if (!Array.isArray(handles) || !Array.isArray(tables) || !Array.isArray(scores) || !Array.isArray(drops) || !Array.isArray(active)) {
    throw new BadReportError('the report lacks handles, tables, scores, active or drops');
  }
  if (!isCount(report.seq)) throw new BadReportError('seq is not a count');
  if (!isCount(handlesFrom)) throw new BadReportError('handlesFrom is not a count');
  for (const h of handles) {
    if (!Array.isArray(h) || typeof h[0] !== 'string' || typeof h[1] !== 'string' || (h[2] !== 0 && h[2] !== 1)) {
      throw new BadReportError('a handle is not [type, name, 0|1]');
    }
  }
  const handleCount = handlesFrom + handles.length;
  for (const d of drops) {
    if (!Array.isArray(d) || !DROP_SET.has(d[0]) || !isAmount(d[1])) throw new BadReportError('a drop count is not [reason, amount]');
  }
  for (const a of active) {
    if (!Array.isArray(a) || !isCount(a[0]) || a[0] >= handleCount || !isCount(a[1])) throw new BadReportError('an active count is not [handle, count]');
  }
  const figures = decodeDoubles(report.figures);
  if (!figures || figures.length % FIGURE_ROW !== 0 || !allAmounts(figures) || !increasingIndexes(figures, FIGURE_ROW, handleCount)) {
    throw new BadReportError('figures are not one block of [handle, figures, mask] rows of non-negative numbers');
  }
  for (let e = FIGURE_ROW - 1; e < figures.length; e += FIGURE_ROW) {
    if (!Number.isInteger(figures[e]) || figures[e]! >= 2 ** FIGURE_SLOTS) throw new BadReportError('a figure mask is not a mask');
  }
  return { report, tables: tables.map((t) => checkTable(t, false)), scores: scores.map((t) => checkTable(t, true)), figures };
}

function checkTable(wire: WireTable, isScore: boolean): CheckedTable {
  if (typeof wire !== 'object' || wire === null || !isCount(wire.id) || !isCount(wire.from) || !isCount(wire.size) || !Array.isArray(wire.rows)) {
    throw new BadReportError('a table lacks id, from, size or rows');
  }
  const bounds = wire.bounds;
  if (!Array.isArray(bounds) || bounds.length === 0 || bounds.length > MAX_BOUNDS || !bounds.every((b, i) => typeof b === 'number' && b > 0 && b < Infinity && (i === 0 || b > bounds[i - 1]!))) {
    throw new BadReportError('a table has bounds that are not increasing positive numbers');
  }
  if (wire.from + wire.rows.length !== wire.size) throw new BadReportError('a table announces rows that do not end at its size');
  for (const r of wire.rows) {
    if (!Array.isArray(r) || !isCount(r[0]) || typeof r[1] !== 'string' || typeof r[2] !== 'string' || !(isScore || OUTCOME_SET.has(r[1]))) {
      throw new BadReportError('a row is not [handle, outcome, error type]');
    }
  }
  const stride = bounds.length + 3;
  const words = maskWords(stride);
  const index = decodeUint32s(wire.index);
  const counts = wire.wide === true ? decodeDoubles(wire.counts) : decodeUint32s(wire.counts);
  const sums = decodeDoubles(wire.sums);
  if (!index || !counts || !sums || index.length % (1 + words) !== 0 || !allAmounts(counts) || !allAmounts(sums)) {
    throw new BadReportError('row numbers are not blocks of row masks and non-negative numbers');
  }
  let cells = 0;
  let previous = -1;
  const spare = words * 32 - stride;
  for (let e = 0; e < index.length; e += 1 + words) {
    const row = index[e]!;
    if (row <= previous || row >= wire.size) throw new BadReportError('row numbers name rows out of order or beyond the table');
    previous = row;
    for (let w = 0; w < words; w++) cells += bitCount(index[e + 1 + w]!);
    if (spare > 0 && index[e + words]! >>> (32 - spare) !== 0) throw new BadReportError('a row mask names cells beyond the row');
  }
  if (cells !== counts.length + sums.length) throw new BadReportError('row numbers do not match their masks');
  // Back into one block in cell order, as the merge reads it.
  const data = new Float64Array(cells);
  const sumCell = stride - 2;
  let c = 0;
  let s = 0;
  let v = 0;
  for (let e = 0; e < index.length; e += 1 + words) {
    for (let cell = 0; cell < stride; cell++) {
      if (!((index[e + 1 + (cell >>> 5)]! >>> (cell & 31)) & 1)) continue;
      if (cell !== sumCell) data[v++] = counts[c++]!;
      else if (s < sums.length) data[v++] = sums[s++]!;
      else throw new BadReportError('row numbers do not match their masks');
    }
  }
  if (s !== sums.length) throw new BadReportError('row numbers do not match their masks');
  return { wire, stride, index, data };
}

/** Whether the first number of every `stride` numbers is a handle index, increasing, below `limit`. */
function increasingIndexes(block: Float64Array, stride: number, limit: number): boolean {
  let previous = -1;
  for (let e = 0; e < block.length; e += stride) {
    const i = block[e]!;
    if (!Number.isInteger(i) || i <= previous || i >= limit) return false;
    previous = i;
  }
  return true;
}

function bitCount(word: number): number {
  let n = word - ((word >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1e9;
}

function isAmount(v: unknown): boolean {
  return typeof v === 'number' && v >= 0 && v < Infinity;
}

/**
 * Whether every value decoded from a report is an amount (finite, not negative; NaN is not). A loop rather than
 * `every(isAmount)`: the builtin hands each double of a Float64Array to the callback as a new heap number, about
 * 32 KB of garbage a scrape in a primary merging 8 reports of 2,000 changed rows.
 */
function allAmounts(values: Float64Array | Uint32Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v < Infinity)) return false;
  }
  return true;
}
