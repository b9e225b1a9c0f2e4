/**
 * Characters a label value escapes. One object for every call: a regular expression literal in the function would be
 * a new RegExp object each time it runs (a scrape called this once per handle). Not global, so `test()` keeps no state.
 */
const NEEDS_ESCAPE = /[\\"\n]/;

/** Escapes a label value for the Prometheus text format (backslash, double quote, newline). */
export function escapeLabelValue(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

/** Escapes HELP text: backslash and newline in the Prometheus text format; OpenMetrics escapes `"` as well. */
export function escapeHelp(text: string, openMetrics = false): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return openMetrics ? escaped.replace(/"/g, '\\"') : escaped;
}

/** Formats a sample value the way Prometheus parses it (`+Inf`, `-Inf`, `NaN`). */
export function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value !== value) return 'NaN';
  return '' + value;
}
