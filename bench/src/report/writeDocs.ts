import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Baseline } from '../check/baseline';
import { compareWithBaseline } from '../check/compare';
import { fmt, fmtRatio, suitePeers } from '../format';
import type { BenchResults, Figure, PeerName, SuiteResult } from '../results';
import { withNode26Section } from '../node26/section';
import { groupedBarChart, logLogLineChart, type Bar } from './svg';

/** Folder of the charts, relative to docs/. */
const CHART_DIR = 'benchmarks';

/** The charts of a run, by file name. */
export function renderCharts(results: BenchResults): Record<string, string> {
  const charts: Record<string, string> = {};
  const suite = (name: string) => results.suites.find((s) => s.name === name && !s.skipped && s.figures.length > 0);
  const bars = (f: Figure): Bar[] =>
    suitePeersOf(f).map((peer) => ({ peer, median: f.peers[peer]!.median, min: f.peers[peer]!.min, max: f.peers[peer]!.max }));
  const record = suite('record');
  if (record) {
    charts['record-latency.svg'] = groupedBarChart({
      title: 'Record path: cost of one tracked operation, by case and peer',
      unit: 'ns per operation',
      log: true,
      groups: record.figures.map((f) => ({ label: f.label, bars: bars(f) })),
    });
  }
  const scrape = suite('scrape');
  if (scrape) {
    const sized = scrape.figures.filter((f) => /^scrape\.\d+$/.test(f.id));
    const peers = [...new Set(sized.flatMap(suitePeersOf))];
    charts['scrape-vs-series.svg'] = logLogLineChart({
      title: 'Scrape time against series count (median)',
      xLabel: 'operation series',
      yLabel: 'ms per scrape',
      series: peers.map((peer) => ({
        peer,
        points: sized.filter((f) => f.peers[peer]).map((f) => [Number(f.id.split('.')[1]), f.peers[peer]!.median] as const),
      })),
    });
  }
  const memory = suite('memory');
  const perSeries = memory?.figures.find((f) => f.id === 'memory.bytesPerSeries');
  if (perSeries) {
    charts['memory-per-series.svg'] = groupedBarChart({
      title: 'Memory per operation series (JS heap + ArrayBuffers)',
      unit: 'bytes per series',
      log: false,
      groups: [{ label: perSeries.label, bars: bars(perSeries) }],
    });
  }
  const host = suite('host');
  if (host) {
    charts['host-collection.svg'] = groupedBarChart({
      title: 'Host: cost of one collection, by group and back end',
      unit: 'ms per collection',
      log: true,
      groups: host.figures.map((f) => ({ label: f.label, bars: bars(f) })),
    });
  }
  const service = suite('service');
  const latencies = service?.figures.filter((f) => f.unit === 'ms') ?? [];
  if (latencies.length) {
    charts['service-latency.svg'] = groupedBarChart({
      title: 'Example service under load: latency with and without perfkit',
      unit: 'ms',
      log: false,
      groups: latencies.map((f) => ({ label: f.label, bars: bars(f) })),
    });
  }
  return charts;
}

function suitePeersOf(f: Figure): PeerName[] {
  return suitePeers({ figures: [f] } as SuiteResult);
}

function suiteTable(suite: SuiteResult): string {
  const peers = suitePeers(suite);
  const others = peers.filter((p) => p !== 'perfkit');
  const head = `| figure | unit | perfkit median [min–max] | ${others.map((p) => `${p} median [min–max] (÷ perfkit)`).join(' | ')} |`;
  const rule = `|${' --- |'.repeat(3 + others.length)}`;
  const rows = suite.figures.map((f) => {
    const own = f.peers.perfkit;
    const cells = others.map((p) => {
      const s = f.peers[p];
      return s ? `${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}] **${fmtRatio(f.ratios[p])}**` : '';
    });
    return `| ${f.label} | ${f.unit} | ${own ? `${fmt(own.median)} [${fmt(own.min)}–${fmt(own.max)}]` : ''} | ${cells.join(' | ')} |`;
  });
  const notes = suite.figures.filter((f) => f.note).map((f) => `- ${f.label}: ${f.note}`);
  return [head, rule, ...rows, '', ...suite.notes.map((n) => `- ${n}`), ...notes].join('\n');
}

function targetsSection(results: BenchResults, baseline: Baseline | undefined): string {
  if (!baseline) return '';
  const report = compareWithBaseline(baseline, results);
  const rows = report.targets.map(({ target, value, met }) => {
    const shown = value === undefined ? '-' : target.peer ? fmtRatio(value) : `${fmt(value)}`;
    return `| ${target.text} | ${shown} | ${met === undefined ? 'not measured' : met ? 'met' : '**missed**'} |`;
  });
  return ['## Targets', '', 'From the issue texts; kept in `bench/baseline.json`.', '', '| target | measured | status |', '| --- | --- | --- |', ...rows, ''].join('\n');
}

/** When and on what a run was measured: "2026-12-01: <cpu>, 2 cores, ... Node v20 (V8 11)". */
function measuredOn(results: BenchResults): string {
  const m = results.machine;
  return `${results.date.slice(0, 10)}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform} ${m.arch}, Node ${m.node} (V8 ${m.v8})`;
}

/** docs/benchmarks.md for a run (charts referenced from docs/benchmarks/). */
export function renderMarkdown(results: BenchResults, charts: Record<string, string>, targets?: Baseline): string {
  const out: string[] = [
    '# Benchmarks',
    '',
    `<!-- Generated by \`npm run bench -- --docs\` from bench/results/latest.json. Do not edit by hand. -->`,
    '',
    `Measured on ${measuredOn(results)}; profile \`${results.profile}\`, ${results.seconds} s in all.`,
    '',
    'perfkit, the raw `@opentelemetry/sdk-metrics` and `prom-client` do the same work side by side in one run, in several',
    'rounds whose order rotates, so a noisy neighbour slows every peer alike. Each figure is the median over rounds, with',
    'min and max; each ratio is the median over rounds of **peer ÷ perfkit within the round** (×10 = perfkit is ten times',
    'cheaper), which cancels most of the drift of a shared machine. The floor is two',
    '`performance.now()` reads plus one typed-array increment: no timing instrumentation can cost less. For async work',
    'it awaits the work inline in its loop, which a `track(fn)` wrapper cannot do (it returns a promise its own',
    'continuation settles: one promise, one reaction and one microtask more), so no wrapper reaches the async floor; the',
    '`floor-wrapper` column is the same floor behind the smallest wrapper with `track()`\'s semantics, to show how much of',
    'that distance any wrapper pays. The targets are judged against `floor`. `perfkit-exemplars` is perfkit with',
    '`exemplars: true` and no active span.',
    '',
    targetsSection(results, targets),
  ];
  for (const suite of results.suites) {
    out.push(`## ${suite.title}`, '');
    if (suite.skipped) {
      out.push(`Skipped in this run: ${suite.skipped}.`, '');
      continue;
    }
    out.push(suiteTable(suite), '');
    const chart = {
      record: 'record-latency.svg',
      scrape: 'scrape-vs-series.svg',
      memory: 'memory-per-series.svg',
      host: 'host-collection.svg',
      service: 'service-latency.svg',
    }[suite.name as string];
    if (chart && charts[chart]) out.push(`![${suite.title}](${CHART_DIR}/${chart})`, '');
  }
  out.push(
    '## Running it',
    '',
    '```sh',
    'npm run bench                 # builds, runs every suite (about 9 minutes on 2 idle cores; the service suite alone about 4.5), prints the tables, writes bench/results/latest.json',
    'npm run bench -- --suites record,scrape --profile tiny   # a subset, quickly',
    'npm run bench -- --docs       # also regenerates this page and its charts',
    'npm run bench -- --suites service --docs   # only the service section and its chart; the rest of the page stays',
    'npm run bench -- --suites service --service-blocks 18 --docs   # a tighter overhead judgement: 18 blocks of fresh processes (about 12 minutes)',
    'npm run bench:node26          # @prometheus-io/client and OpenTelemetry SDK 3 on Node 26 (the section above)',
    'npm run bench:check           # compares latest.json with bench/baseline.json; fails on a regression',
    'node bench/dist/check.js --update --latest a.json --latest b.json   # new baseline: median of runs (keeps thresholds, targets)',
    '```',
    '',
    '`bench:check` compares ratios, not absolute times, so a baseline from one machine still means something on another;',
    'a ratio may get worse by at most the per-suite threshold in `bench/baseline.json` (`thresholds`, `figureThresholds`),',
    'and a target met in the baseline must stay met.',
    '',
  );
  return out.join('\n');
}

/** The text of `## <title>` up to the next `## ` heading or the Node 26 block (exclusive); undefined when absent. */
function sectionBounds(markdown: string, title: string): { start: number; end: number } | undefined {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) return undefined;
  const from = start + 1;
  const next = [markdown.indexOf('\n## ', from + 3), markdown.indexOf('\n<!-- node26:begin', from)].filter((i) => i >= 0);
  return { start: from, end: next.length ? Math.min(...next) + 1 : markdown.length };
}

/**
 * `existing` with the sections of the suites in `results` replaced by those of `fresh` (both whole pages); a
 * section the existing page lacks goes before "## Running it". The rows of the targets table that the run measured
 * are replaced too (a row is found by its target's text); the rest (date line, other targets, other suites) stays.
 */
export function spliceSuiteSections(existing: string, fresh: string, results: BenchResults): string {
  // A target row, keyed by its first cell (the target's text); only the fresh rows the run measured replace others.
  const targetOf = (line: string) => /^(\| .+? \|) [^|]+ \| (met|\*\*missed\*\*|not measured) \|$/.exec(line);
  const measured = new Map<string, string>();
  for (const row of fresh.split('\n')) {
    const t = targetOf(row);
    if (t && t[2] !== 'not measured') measured.set(t[1]!, row);
  }
  let out = existing
    .split('\n')
    .map((line) => measured.get(targetOf(line)?.[1] ?? '') ?? line)
    .join('\n');
  for (const suite of results.suites) {
    const src = sectionBounds(fresh, suite.title);
    if (!src) continue;
    // A section from a run of its own says when and where: the page's date line is the full run's.
    const own = `- This section comes from a run of its own (\`--suites ${suite.name}\`), measured on ${measuredOn(results)}.\n`;
    const text = fresh.slice(src.start, src.end).replace(/\n*$/, `\n\n${own}\n`);
    const dst = sectionBounds(out, suite.title);
    if (dst) out = out.slice(0, dst.start) + text + out.slice(dst.end);
    else {
      const at = out.indexOf('## Running it');
      out = at >= 0 ? out.slice(0, at) + text + out.slice(at) : `${out.trimEnd()}\n\n${text}`;
    }
  }
  return out;
}

/**
 * Writes docs/benchmarks.md and docs/benchmarks/*.svg; returns the files written. With `sectionsOnly` (a run of
 * some suites) an existing page keeps everything but the sections of the suites that ran, and only their charts
 * are written.
 */
export function writeDocs(results: BenchResults, root: string, sectionsOnly = false): string[] {
  const docs = path.join(root, 'docs');
  const charts = renderCharts(results);
  const baselineFile = path.join(root, 'bench', 'baseline.json');
  const baseline = existsSync(baselineFile) ? (JSON.parse(readFileSync(baselineFile, 'utf8')) as Baseline) : undefined;
  mkdirSync(path.join(docs, CHART_DIR), { recursive: true });
  const written: string[] = [];
  for (const [name, text] of Object.entries(charts)) {
    const file = path.join(docs, CHART_DIR, name);
    writeFileSync(file, text);
    written.push(file);
  }
  const md = path.join(docs, 'benchmarks.md');
  const fresh = renderMarkdown(results, charts, baseline);
  const page = sectionsOnly && existsSync(md) ? spliceSuiteSections(readFileSync(md, 'utf8'), fresh, results) : withNode26Section(fresh, docs);
  writeFileSync(md, page);
  written.push(md);
  return written;
}
