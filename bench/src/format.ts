import type { BenchResults, Figure, PeerName, SuiteResult } from './results';

/** Peers in the order tables and charts show them. */
export const PEER_ORDER: readonly PeerName[] = ['perfkit', 'perfkit-exemplars', 'otel', 'prom-client', 'prom-client-child', 'floor', 'floor-wrapper', 'without-perfkit'];

/** A number for humans: 3 significant digits, thousands separators past 1000. */
export function fmt(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

/** `×12.3`: how many times the peer's median is perfkit's. */
export function fmtRatio(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '' : `×${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}`;
}

/** Peers that appear in at least one figure of the suite, in display order. */
export function suitePeers(suite: SuiteResult): PeerName[] {
  return PEER_ORDER.filter((p) => suite.figures.some((f) => f.peers[p] !== undefined));
}

/** One table cell: `median [min–max]` for perfkit, `median ×ratio` for the others. */
export function cell(figure: Figure, peer: PeerName, withRange: boolean): string {
  const s = figure.peers[peer];
  if (!s) return '';
  if (peer === 'perfkit' || withRange) return `${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}]`;
  return `${fmt(s.median)} ${fmtRatio(figure.ratios[peer])}`;
}

/** Plain-text tables of every suite, for the terminal. */
export function textTables(results: BenchResults): string {
  const lines: string[] = [];
  for (const suite of results.suites) {
    lines.push('', `${suite.title}${suite.skipped ? `: skipped (${suite.skipped})` : ''}`);
    if (suite.skipped || suite.figures.length === 0) continue;
    const peers = suitePeers(suite);
    const header = ['figure', 'unit', ...peers.map((p) => (p === 'perfkit' ? 'perfkit median [min–max]' : `${p} (÷perfkit)`))];
    const rows = suite.figures.map((f) => [f.label, f.unit, ...peers.map((p) => cell(f, p, false))]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
    lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line));
  }
  lines.push('', 'Ratios: median over rounds of peer ÷ perfkit within each round; ×10 means perfkit is 10 times cheaper (for throughput, higher is better).');
  return lines.join('\n');
}
