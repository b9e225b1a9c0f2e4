type LezerPromql = typeof import('@prometheus-io/lezer-promql', { with: { 'resolution-mode': 'import' } });
/** The syntax tree lezer-promql builds. */
export type PromqlTree = ReturnType<LezerPromql['parser']['parse']>;

// The Prometheus project's own PromQL grammar. The package is ESM-typed but ships a CommonJS build under its
// "require" condition, which this CommonJS package loads.
const { parser } = require('@prometheus-io/lezer-promql') as LezerPromql;

const WINDOW = '{{.window}}';
/** What `{{.window}}` stands for while parsing: any duration reads the same to the grammar. */
const WINDOW_TEXT = '5m';

/** A spec query as PromQL: `{{.window}}` replaced by a duration. */
export function windowedQuery(query: string): string {
  return query.replaceAll(WINDOW, WINDOW_TEXT);
}

/** Parses PromQL text with lezer-promql; the tree holds error nodes (`⚠`) where the text breaks the grammar. */
export function parsePromql(text: string): PromqlTree {
  return parser.parse(text);
}

/** Whether the tree has an error node anywhere. */
export function hasSyntaxError(tree: PromqlTree): boolean {
  return firstErrorAt(tree) !== undefined;
}

/** Where a spec query breaks PromQL's grammar: its 1-based line and column in the query as written, and an excerpt. */
export interface PromqlSyntaxError {
  /** Offset in the query as written (with `{{.window}}`), 0-based. */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** Whether the grammar ran out of text (an unclosed parenthesis, a trailing operator). */
  readonly atEnd: boolean;
  /** Up to 24 characters before the position and 16 after, on one line, with `⟨here⟩` at the position. */
  readonly excerpt: string;
}

/**
 * The first syntax error of a spec query (`{{.window}}` where the range goes), or undefined when it parses. Read with
 * the grammar of `@prometheus-io/lezer-promql` (the error nodes of its tree), so the structure is checked: brackets,
 * operators, selectors, durations, modifiers, known function names. Not checked (Prometheus checks them when it loads
 * the rules): argument counts and types, regular expressions (RE2), label name validity beyond the grammar.
 *
 * A function name the grammar does not know (`newfn(...)`, a function of a Prometheus newer than the grammar) is not
 * taken for an error: it is read as a known one of the same length and the rest of the query is still checked. A typo
 * in a function name (`rat(...)`) is therefore accepted here and refused by Prometheus; a false refusal of a valid
 * query would leave no way to write it.
 */
export function promqlSyntaxError(query: string): PromqlSyntaxError | undefined {
  let text = windowedQuery(query);
  for (let attempt = 0; attempt < 16; attempt++) {
    const tree = parsePromql(text);
    const at = firstErrorAt(tree);
    if (at === undefined) return undefined;
    const renamed = renameUnknownFunctions(tree, text);
    if (renamed === text) return describe(query, originalOffset(query, at), at >= text.length);
    text = renamed;
  }
  return undefined;
}

/** The detail of a problem for a query that does not parse. */
export function promqlSyntaxDetail(e: PromqlSyntaxError): string {
  return `not valid PromQL: syntax error at line ${e.line}, column ${e.column}${e.atEnd ? ' (the end of the query: something is missing)' : ''}, ` +
    `in \`${e.excerpt}\`; Prometheus would refuse the generated rules`;
}

function firstErrorAt(tree: PromqlTree): number | undefined {
  let at: number | undefined;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && (at === undefined || n.from < at)) at = n.from;
    },
  });
  return at;
}

/**
 * The text with every function call whose name the grammar read as a metric name (an `Identifier` followed by `(`,
 * which is never valid PromQL otherwise) renamed to a known function of the same length, so positions stay put. No
 * PromQL function has a one-letter name; such a call stays an error.
 */
function renameUnknownFunctions(tree: PromqlTree, text: string): string {
  let out = text;
  tree.iterate({
    enter: (n) => {
      if (n.name !== 'Identifier') return;
      const len = n.to - n.from;
      if (len < 2 || !/^\s*\(/.test(text.slice(n.to))) return;
      const known = len === 2 ? 'ln' : 'abs'.padEnd(len, ' ');
      out = out.slice(0, n.from) + known + out.slice(n.to);
    },
  });
  return out;
}

/** The offset in the query as written of an offset in its windowed text (`{{.window}}` is longer than `5m`). */
function originalOffset(query: string, at: number): number {
  let shift = 0;
  for (let i = query.indexOf(WINDOW); i !== -1; i = query.indexOf(WINDOW, i + WINDOW.length)) {
    const windowedStart = i - shift;
    if (at < windowedStart) break;
    if (at < windowedStart + WINDOW_TEXT.length) return i;
    shift += WINDOW.length - WINDOW_TEXT.length;
  }
  return at + shift;
}

function describe(query: string, offset: number, atEnd: boolean): PromqlSyntaxError {
  const before = query.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const head = query.slice(Math.max(0, offset - 24), offset);
  const tail = query.slice(offset, offset + 16);
  const oneLine = (s: string) => s.replace(/\s+/g, ' ');
  const excerpt = `${offset > 24 ? '…' : ''}${oneLine(head)}⟨here⟩${oneLine(tail)}${offset + 16 < query.length ? '…' : ''}`;
  return { offset, line, column, atEnd, excerpt };
}
