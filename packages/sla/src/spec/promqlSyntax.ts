type LezerPromql = typeof import('@prometheus-io/lezer-promql', { with: { 'resolution-mode': 'import' } });
/** The syntax tree lezer-promql builds. */
export type PromqlTree = ReturnType<LezerPromql['parser']['parse']>;

// The Prometheus project's own PromQL grammar. The package is ESM-typed but ships a CommonJS build under its
// "require" condition, which this CommonJS package loads.
const { parser } = require('@prometheus-io/lezer-promql') as LezerPromql;

/**
 * The range placeholder as the rules' generator (`atWindow` in rules/naming.ts) replaces it: `{{.window}}`, or with
 * spaces as Go templates allow and Sloth specs may write it (`{{ .window }}`).
 */
const WINDOW = /\{\{\s*\.window\s*\}\}/g;
/** Unknown calls read past in one query (one parse each); the next one is left a syntax error. */
const MAX_UNKNOWN_CALLS = 8;
/** What `{{.window}}` stands for while parsing: any duration reads the same to the grammar. */
const WINDOW_TEXT = '5m';

/** Whether a spec query holds a `{{.window}}` placeholder (spaces inside the braces allowed). */
export function hasWindowPlaceholder(query: string): boolean {
  return query.search(WINDOW) !== -1;
}

/** A spec query as PromQL: `{{.window}}` replaced by a duration. */
export function windowedQuery(query: string): string {
  return query.replace(WINDOW, WINDOW_TEXT);
}

/** Where each placeholder of a query is, as written (offset and length). */
function placeholders(query: string): Array<{ at: number; length: number }> {
  return [...query.matchAll(WINDOW)].map((m) => ({ at: m.index, length: m[0].length }));
}

/** Parses PromQL text with lezer-promql; the tree holds error nodes (`⚠`) where the text breaks the grammar. */
export function parsePromql(text: string): PromqlTree {
  return parser.parse(text);
}

/** Whether the tree has an error node anywhere. */
export function hasSyntaxError(tree: PromqlTree): boolean {
  return firstErrorAt(tree) !== undefined;
}

/** A place in a spec query as written (with `{{.window}}`): 0-based offset, 1-based line and column, an excerpt. */
export interface PromqlPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** Up to 24 characters before the position and 16 after, on one line, with `⟨here⟩` at the position. */
  readonly excerpt: string;
}

/** Where a spec query breaks PromQL's grammar. */
export interface PromqlSyntaxError extends PromqlPosition {
  /** Whether the grammar ran out of text (an unclosed parenthesis, a trailing operator). */
  readonly atEnd: boolean;
}

/** A function call of a spec query, or an aggregation (which Prometheus reads as a function when it does not know it). */
export interface PromqlCall extends PromqlPosition {
  /** The name as written (`rate`, `rat`, `SUM`). */
  readonly name: string;
  /** Whether lezer-promql's grammar knows the name (as a function or an aggregation operator). */
  readonly isKnownToGrammar: boolean;
}

/** What the grammar reads in a spec query: its first syntax error, if any, and its calls in the order written. */
export interface PromqlReading {
  readonly syntaxError: PromqlSyntaxError | undefined;
  readonly calls: readonly PromqlCall[];
  /**
   * Whether a `{{.window}}` placeholder is a whole range (`x[{{.window}}]`, a subquery's `[{{.window}}:1m]`): one only in
   * a comment, a string, a label value or an `offset` leaves every burn window reading the same fixed range, one run
   * together with other characters (`[1{{.window}}]`) another range than its own. False for a query that does not parse.
   */
  readonly isWindowARange: boolean;
}

/**
 * Reads a spec query (`{{.window}}` where the range goes) with the grammar of `@prometheus-io/lezer-promql` (the
 * error nodes of its tree), so the structure is checked: brackets, operators, selectors, durations, modifiers. Not
 * checked (Prometheus checks them when it loads the rules): argument counts and types, regular expressions (RE2),
 * label name validity beyond the grammar; whether Prometheus knows each function is left to the caller (`calls`).
 *
 * A call of a name the grammar does not know (`rat(...)`, which it reads as a metric name followed by a stray `(`) is
 * listed with `isKnownToGrammar: false` and read as a known function in its place, so the rest of the query is still
 * checked (up to {@link MAX_UNKNOWN_CALLS} such calls: a parse each). A name with a colon is a recording rule's, never
 * a function: such a call stays a syntax error, as in Prometheus.
 */
export function readPromql(query: string): PromqlReading {
  let text = windowedQuery(query);
  const unknownAt = new Map<number, string>();
  for (let attempt = 0; ; attempt++) {
    const tree = parsePromql(text);
    const at = firstErrorAt(tree);
    const renamed = at === undefined || attempt === MAX_UNKNOWN_CALLS ? text : renameUnknownCall(tree, text, at, unknownAt);
    if (renamed === text) {
      const calls = callsOf(tree, text, unknownAt).map((c) => ({ name: c.name, isKnownToGrammar: c.isKnownToGrammar, ...position(query, originalOffset(query, c.at)) }));
      const syntaxError = at === undefined ? undefined : { ...position(query, originalOffset(query, at)), atEnd: at >= text.length };
      return { syntaxError, calls, isWindowARange: at === undefined && hasWindowRange(tree, query) };
    }
    text = renamed;
  }
}

/** The first syntax error of a spec query (see {@link readPromql}), or undefined when it parses. */
export function promqlSyntaxError(query: string): PromqlSyntaxError | undefined {
  return readPromql(query).syntaxError;
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

/** Every function call and aggregation of a tree, in text order: the grammar's, and those renamed from unknown names. */
function callsOf(tree: PromqlTree, text: string, unknownAt: ReadonlyMap<number, string>): Array<{ name: string; isKnownToGrammar: boolean; at: number }> {
  const calls: Array<{ name: string; isKnownToGrammar: boolean; at: number }> = [];
  tree.iterate({
    enter: (n) => {
      if (n.name !== 'FunctionIdentifier' && n.name !== 'AggregateOp') return;
      const unknown = unknownAt.get(n.from);
      calls.push({ name: unknown ?? text.slice(n.from, n.to), isKnownToGrammar: unknown === undefined, at: n.from });
    },
  });
  // A one-letter name was blanked, not renamed: it has no node of its own.
  for (const [at, name] of unknownAt) if (!calls.some((c) => c.at === at)) calls.push({ name, isKnownToGrammar: false, at });
  return calls.sort((a, b) => a.at - b.at);
}

/**
 * The text with the call that breaks the grammar at `at` (a name it read as a metric name, then `(` at `at`: never
 * valid PromQL otherwise; spaces and comments may stand between them) renamed to a known function of the same length,
 * so positions stay put; the name goes to `unknownAt` by offset. One call a time: past the first error, the grammar's
 * recovery reads keywords as names (`by (le)`), which are not calls. No PromQL function has a one-letter name: that
 * one is blanked, leaving a parenthesis.
 */
function renameUnknownCall(tree: PromqlTree, text: string, at: number, unknownAt: Map<number, string>): string {
  if (text[at] !== '(') return text;
  let out = text;
  tree.iterate({
    enter: (n) => {
      if (n.name !== 'Identifier' || out !== text) return;
      const name = text.slice(n.from, n.to);
      if (name.includes(':') || afterSpaceAndComments(text, n.to) !== at) return;
      unknownAt.set(n.from, name);
      const known = name.length === 1 ? ' ' : name.length === 2 ? 'ln' : 'abs'.padEnd(name.length, ' ');
      out = text.slice(0, n.from) + known + text.slice(n.to);
    },
  });
  return out;
}

/** The offset of the first character from `i` on that is neither white space nor in a `#` comment. */
function afterSpaceAndComments(text: string, i: number): number {
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] !== '#') return i;
    while (i < text.length && text[i] !== '\n') i++;
  }
}

/**
 * Whether a placeholder of `query` is, in its windowed text, the whole range of a range selector or a subquery (the
 * first duration of `[5m:1m]`): not an `offset`, a string or a comment, nor run together with other characters
 * (`[1{{.window}}]` reads as `15m` here and as `11h`, `13d` in the rules).
 */
function hasWindowRange(tree: PromqlTree, query: string): boolean {
  // Where each placeholder starts in the windowed text: earlier ones are shorter there.
  const starts = new Set<number>();
  let shift = 0;
  for (const p of placeholders(query)) {
    starts.add(p.at - shift);
    shift += p.length - WINDOW_TEXT.length;
  }
  let found = false;
  tree.iterate({
    enter: (n) => {
      if (found || n.name !== 'DurationExpr' || !starts.has(n.from) || n.to - n.from !== WINDOW_TEXT.length) return;
      const parent = n.node.parent;
      found = parent?.name === 'MatrixSelector' || (parent?.name === 'SubqueryExpr' && n.node.prevSibling?.name !== 'DurationExpr');
    },
  });
  return found;
}

/** The offset in the query as written of an offset in its windowed text (`{{.window}}` is longer than `5m`). */
function originalOffset(query: string, at: number): number {
  let shift = 0;
  for (const p of placeholders(query)) {
    const windowedStart = p.at - shift;
    if (at < windowedStart) break;
    if (at < windowedStart + WINDOW_TEXT.length) return p.at;
    shift += p.length - WINDOW_TEXT.length;
  }
  return at + shift;
}

function position(query: string, offset: number): PromqlPosition {
  const before = query.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const head = query.slice(Math.max(0, offset - 24), offset);
  const tail = query.slice(offset, offset + 16);
  const oneLine = (s: string) => s.replace(/\s+/g, ' ');
  const excerpt = `${offset > 24 ? '…' : ''}${oneLine(head)}⟨here⟩${oneLine(tail)}${offset + 16 < query.length ? '…' : ''}`;
  return { offset, line, column, excerpt };
}
