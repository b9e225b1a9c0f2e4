import type { PeerName } from '../results';
import { fmt } from '../format';

/** One colour per peer, the same in every chart. */
export const PEER_COLOURS: Readonly<Record<PeerName, string>> = {
  perfkit: '#1f77b4',
  'perfkit-exemplars': '#17becf',
  otel: '#ff7f0e',
  'prom-client': '#d62728',
  'prom-client-child': '#e377c2',
  floor: '#7f7f7f',
  'floor-wrapper': '#bcbd22',
  'without-perfkit': '#2ca02c',
};

/** One bar: a median and its min–max whisker. */
export interface Bar {
  readonly peer: PeerName;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** Escapes text for SVG. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Axis tick text: whole numbers without decimals, small ones as they are. */
function tickText(v: number): string {
  return v >= 1 ? Math.round(v).toLocaleString('en-US') : String(Number(v.toPrecision(3)));
}

function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) ticks.push(10 ** e);
  return ticks;
}

function linearTicks(hi: number): number[] {
  const step = 10 ** Math.floor(Math.log10(hi / 2));
  const n = Math.ceil(hi / step);
  const stride = n > 8 ? Math.ceil(n / 6) : 1;
  const ticks: number[] = [];
  for (let i = 0; i <= n; i += stride) ticks.push(i * step);
  return ticks;
}

function legend(peers: readonly PeerName[], x: number, y: number): string {
  let out = '';
  let cx = x;
  for (const peer of peers) {
    out += `<rect x="${cx}" y="${y - 9}" width="10" height="10" fill="${PEER_COLOURS[peer]}"/>`;
    out += `<text x="${cx + 14}" y="${y}" font-size="11" ${FONT}>${esc(peer)}</text>`;
    cx += 22 + peer.length * 6.5;
  }
  return out;
}

/** Horizontal grouped bars with min–max whiskers; log scale when values span orders of magnitude. */
export function groupedBarChart(options: {
  title: string;
  unit: string;
  groups: ReadonlyArray<{ label: string; bars: readonly Bar[] }>;
  log: boolean;
}): string {
  const { groups, log } = options;
  const peers = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.peer)))];
  const values = groups.flatMap((g) => g.bars.flatMap((b) => [b.min, b.max, b.median])).filter((v) => v > 0 && Number.isFinite(v));
  const lo = log ? 10 ** Math.floor(Math.log10(Math.min(...values))) : 0;
  const hi = log ? 10 ** Math.ceil(Math.log10(Math.max(...values))) : Math.max(...values) * 1.1;
  // Room for the longest group label (about 6.2 px per character at 11 px).
  const left = Math.max(120, Math.ceil(Math.max(...groups.map((g) => g.label.length)) * 6.2) + 16);
  const plotWidth = 470;
  const barHeight = 11;
  const top = 48;
  const x = (v: number): number =>
    left + (log ? ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotWidth : (v / hi) * plotWidth);
  let y = top;
  let body = '';
  for (const group of groups) {
    const groupHeight = group.bars.length * (barHeight + 2);
    body += `<text x="${left - 8}" y="${y + groupHeight / 2 + 4}" text-anchor="end" font-size="11" ${FONT}>${esc(group.label)}</text>`;
    for (const bar of group.bars) {
      const w = Math.max(1, x(bar.median) - left);
      body += `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${PEER_COLOURS[bar.peer]}"><title>${esc(`${bar.peer}: ${fmt(bar.median)} ${options.unit} (min ${fmt(bar.min)}, max ${fmt(bar.max)})`)}</title></rect>`;
      const mid = y + barHeight / 2;
      body += `<line x1="${x(bar.min).toFixed(1)}" x2="${x(bar.max).toFixed(1)}" y1="${mid}" y2="${mid}" stroke="#000" stroke-width="1"/>`;
      body += `<text x="${(x(Math.max(bar.max, bar.median)) + 4).toFixed(1)}" y="${y + barHeight - 2}" font-size="9" ${FONT}>${esc(fmt(bar.median))}</text>`;
      y += barHeight + 2;
    }
    y += 10;
  }
  const bottom = y;
  let axis = '';
  for (const t of log ? logTicks(lo, hi) : linearTicks(hi)) {
    if (t < lo || t > hi) continue;
    axis += `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${top - 4}" y2="${bottom}" stroke="#ddd"/>`;
    axis += `<text x="${x(t).toFixed(1)}" y="${bottom + 14}" text-anchor="middle" font-size="10" ${FONT}>${esc(tickText(t))}</text>`;
  }
  const height = bottom + 34;
  return svg(left + plotWidth + 80, height, [
    `<text x="10" y="18" font-size="14" font-weight="bold" ${FONT}>${esc(options.title)}</text>`,
    legend(peers, 10, 36),
    axis,
    body,
    `<text x="${left + plotWidth / 2}" y="${bottom + 28}" text-anchor="middle" font-size="10" ${FONT}>${esc(`${options.unit}${log ? ' (log scale)' : ''}; whiskers: min–max over rounds`)}</text>`,
  ]);
}

/** Lines of (x, y) points on log–log axes, one per peer. */
export function logLogLineChart(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ReadonlyArray<{ peer: PeerName; points: ReadonlyArray<readonly [number, number]> }>;
}): string {
  const xs = options.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = options.series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => v > 0);
  const [xlo, xhi] = [10 ** Math.floor(Math.log10(Math.min(...xs))), 10 ** Math.ceil(Math.log10(Math.max(...xs)))];
  const [ylo, yhi] = [10 ** Math.floor(Math.log10(Math.min(...ys))), 10 ** Math.ceil(Math.log10(Math.max(...ys)))];
  const [left, top, width, height] = [70, 50, 560, 300];
  const px = (v: number) => left + ((Math.log10(v) - Math.log10(xlo)) / (Math.log10(xhi) - Math.log10(xlo))) * width;
  const py = (v: number) => top + height - ((Math.log10(Math.max(v, ylo)) - Math.log10(ylo)) / (Math.log10(yhi) - Math.log10(ylo))) * height;
  const parts: string[] = [
    `<text x="10" y="18" font-size="14" font-weight="bold" ${FONT}>${esc(options.title)}</text>`,
    legend(options.series.map((s) => s.peer), 10, 36),
  ];
  for (const t of logTicks(xlo, xhi)) {
    parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${top}" y2="${top + height}" stroke="#ddd"/>`);
    parts.push(`<text x="${px(t)}" y="${top + height + 14}" text-anchor="middle" font-size="10" ${FONT}>${esc(tickText(t))}</text>`);
  }
  for (const t of logTicks(ylo, yhi)) {
    parts.push(`<line x1="${left}" x2="${left + width}" y1="${py(t)}" y2="${py(t)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${py(t) + 3}" text-anchor="end" font-size="10" ${FONT}>${esc(tickText(t))}</text>`);
  }
  for (const s of options.series) {
    const colour = PEER_COLOURS[s.peer];
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${s.points.map(([a, b]) => `${px(a).toFixed(1)},${py(b).toFixed(1)}`).join(' ')}"/>`);
    for (const [a, b] of s.points) {
      parts.push(`<circle cx="${px(a).toFixed(1)}" cy="${py(b).toFixed(1)}" r="3.5" fill="${colour}"><title>${esc(`${s.peer}: ${fmt(b)} at ${fmt(a)}`)}</title></circle>`);
    }
  }
  parts.push(`<text x="${left + width / 2}" y="${top + height + 32}" text-anchor="middle" font-size="11" ${FONT}>${esc(options.xLabel)}</text>`);
  parts.push(`<text x="16" y="${top + height / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 16 ${top + height / 2})" ${FONT}>${esc(options.yLabel)}</text>`);
  return svg(660, top + height + 46, parts);
}

function svg(width: number, height: number, parts: readonly string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}
