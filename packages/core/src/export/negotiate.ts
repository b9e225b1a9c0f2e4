/** One exposition format perfkit can answer with. */
export interface ExpositionFormat {
  /** OpenMetrics (`# EOF`, `# UNIT`, counter families without `_total`) or the Prometheus text format. */
  readonly openMetrics: boolean;
  /** The `Content-Type` of the answer. */
  readonly contentType: string;
}

const ESCAPINGS = new Set(['allow-utf-8', 'underscores', 'dots', 'values']);

/** The formats perfkit serves, by media type and version; the first of each media type is its default version. */
const SUPPORTED: ReadonlyArray<{ media: string; version: string; openMetrics: boolean; escaping: boolean }> = [
  { media: 'text/plain', version: '0.0.4', openMetrics: false, escaping: false },
  { media: 'text/plain', version: '1.0.0', openMetrics: false, escaping: true },
  { media: 'application/openmetrics-text', version: '1.0.0', openMetrics: true, escaping: true },
  { media: 'application/openmetrics-text', version: '0.0.1', openMetrics: true, escaping: false },
];

/** Prometheus text 0.0.4: what a scraper gets unless its Accept header prefers something else we serve. */
export const TEXT_FORMAT: ExpositionFormat = { openMetrics: false, contentType: 'text/plain; version=0.0.4; charset=utf-8' };

/**
 * Picks the exposition format for an `Accept` header as Prometheus's own client does: media ranges with
 * q-values (highest wins, the earlier one among equals, q=0 refuses), case-insensitive types and parameter
 * names; Prometheus text 0.0.4 and 1.0.0, OpenMetrics 1.0.0 and 0.0.1; an `escaping` parameter is accepted and
 * echoed (perfkit's names are valid under every escaping scheme). Anything else gets text 0.0.4.
 */
export function negotiateFormat(accept: unknown): ExpositionFormat {
  if (typeof accept !== 'string' || accept.length === 0 || accept.length > 4096) return TEXT_FORMAT;
  let best: ExpositionFormat | undefined;
  let bestQ = 0;
  for (const range of accept.split(',')) {
    const parts = range.split(';');
    const media = parts[0]!.trim().toLowerCase();
    let q = 1;
    let version: string | undefined;
    let escaping: string | undefined;
    for (let i = 1; i < parts.length; i++) {
      const at = parts[i]!.indexOf('=');
      if (at < 0) continue;
      const key = parts[i]!.slice(0, at).trim().toLowerCase();
      const value = parts[i]!.slice(at + 1).trim().replace(/^"(.*)"$/, '$1');
      if (key === 'q') q = Number(value);
      else if (key === 'version') version = value;
      else if (key === 'escaping') escaping = value;
    }
    if (!(q > 0 && q <= 1) || q <= bestQ) continue;
    const format = formatFor(media, version, escaping);
    if (format) {
      best = format;
      bestQ = q;
    }
  }
  return best ?? TEXT_FORMAT;
}

function formatFor(media: string, version: string | undefined, escaping: string | undefined): ExpositionFormat | undefined {
  if (media === '*/*' || media === 'text/*') return TEXT_FORMAT;
  const match = SUPPORTED.find((f) => f.media === media && (version === undefined || f.version === version));
  if (!match) return undefined;
  const escapingParam = match.escaping && escaping !== undefined && ESCAPINGS.has(escaping) ? `; escaping=${escaping}` : '';
  return {
    openMetrics: match.openMetrics,
    contentType: `${match.media}; version=${match.version}; charset=utf-8${escapingParam}`,
  };
}
