import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, REPO_ROOT, startProcess, type ManagedProcess } from '../helpers';
import { baselineFrom, DEFAULT_THRESHOLDS, type Baseline } from '../../bench/src/check/baseline';
import { compareWithBaseline, formatCheck } from '../../bench/src/check/compare';
import { parseBenchCli } from '../../bench/src/cli';
import { renderCharts, renderMarkdown } from '../../bench/src/report/writeDocs';
import type { BenchResults, Figure } from '../../bench/src/results';
import { makeFigure, summarize } from '../../bench/src/stats';

/**
 * Runs every suite once at the `tiny` size through the real CLI (built packages, child processes, autocannon)
 * to prove they work. Never asserts on time: the figures' size is the benchmark's business, not the test's.
 */
const started: ManagedProcess[] = [];
let tmp: string;
let tiny: BenchResults;
let benchOutput = '';

function setup(): { results: BenchResults; baseline: Baseline } {
  const results = JSON.parse(JSON.stringify(tiny)) as BenchResults;
  const baseline = baselineFrom(results, { about: 'test', thresholds: DEFAULT_THRESHOLDS, figureThresholds: {}, targets: [] });
  return { results, baseline };
}

function figureOf(results: BenchResults, id: string): Figure {
  const f = results.suites.flatMap((s) => s.figures).find((x) => x.id === id);
  if (!f) throw new Error(`no figure ${id}`);
  return f;
}

async function runNode(script: string, args: string[]): Promise<{ code: unknown; output: string }> {
  const proc = startProcess(process.execPath, [script, ...args], { cwd: REPO_ROOT });
  started.push(proc);
  const code = await proc.exited;
  return { code, output: proc.output() };
}

beforeAll(async () => {
  const main = ensureBuilt('bench', 'main.js');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-bench-'));
  const out = path.join(tmp, 'latest.json');
  const run = await runNode(main, ['--profile', 'tiny', '--out', out]);
  benchOutput = run.output;
  if (run.code !== 0) throw new Error(`bench --profile tiny exited with ${String(run.code)}:\n${run.output}`);
  tiny = JSON.parse(fs.readFileSync(out, 'utf8')) as BenchResults;
}, 300_000); // the tiny profile takes about a minute on an idle 2-core machine, several when it is loaded

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm run bench (tiny profile)', () => {
  it('runs every suite and records machine, node version and date when it finishes', () => {
    expect(tiny.schema).toBe(1);
    expect(tiny.machine.node).toBe(process.version);
    expect(tiny.machine.cores).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(tiny.date))).toBe(false);
    expect(tiny.suites.map((s) => s.name)).toEqual(['record', 'scrape', 'otlp', 'memory', 'host', 'service', 'cluster']);
  });

  it('gives every peer of the record and scrape suites a positive median and a ratio to perfkit', () => {
    for (const suite of tiny.suites.filter((s) => s.name === 'record' || s.name === 'scrape')) {
      expect(suite.skipped).toBeUndefined();
      expect(suite.figures.length).toBeGreaterThan(0);
      for (const f of suite.figures) {
        if (f.id.startsWith('record.exemplars.')) continue; // perfkit against itself: the next test
        expect(f.peers.perfkit!.median).toBeGreaterThan(0);
        for (const peer of ['otel', 'prom-client'] as const) {
          expect(f.peers[peer]!.min).toBeLessThanOrEqual(f.peers[peer]!.median);
          expect(f.peers[peer]!.median).toBeLessThanOrEqual(f.peers[peer]!.max);
          const perRound = f.peers[peer]!.rounds.map((v, i) => v / f.peers.perfkit!.rounds[i]!);
          expect(f.ratios[peer]).toBeCloseTo(summarize(perRound).median, 6);
        }
      }
    }
    expect(figureOf(tiny, 'record.track.sync').peers.floor).toBeDefined();
    for (const id of ['record.track.sync', 'record.track.async', 'record.startEnd']) {
      expect(figureOf(tiny, id).peers['floor-wrapper']!.median).toBeGreaterThan(0);
    }
  });

  it('measures exemplars on against off on the same handle, and the ns they add as the median of per-round differences', () => {
    for (const kind of ['sync', 'async']) {
      const pair = figureOf(tiny, `record.exemplars.${kind}`);
      const off = pair.peers.perfkit!.rounds;
      const on = pair.peers['perfkit-exemplars']!.rounds;
      expect(off.length).toBeGreaterThan(0);
      expect(on).toHaveLength(off.length);
      const added = figureOf(tiny, `record.exemplars.${kind}.added`).peers.perfkit!;
      added.rounds.forEach((d, i) => expect(d).toBeCloseTo(on[i]! - off[i]!, 6));
      expect(added.median).toBeCloseTo(summarize(on.map((v, i) => v - off[i]!)).median, 6);
    }
  });

  it('measures bytes per series for every peer and a leak check that recorded every operation', () => {
    expect(figureOf(tiny, 'memory.bytesPerSeries').peers.perfkit!.median).toBeGreaterThan(0);
    expect(figureOf(tiny, 'memory.bytesPerSeries').ratios.otel).toBeGreaterThan(0);
    expect(Number.isFinite(figureOf(tiny, 'memory.leak.growth').peers.perfkit!.median)).toBe(true);
  });

  it('either measures the host and service suites or says why it skipped them', () => {
    for (const suite of tiny.suites.filter((s) => s.name === 'host' || s.name === 'service')) {
      if (suite.skipped) expect(suite.skipped.length).toBeGreaterThan(10);
      else expect(suite.figures.every((f) => Number.isFinite(f.peers.perfkit!.median))).toBe(true);
    }
  });

  it('prints progress and a table with ratios', () => {
    expect(benchOutput).toContain('[record]');
    expect(benchOutput).toMatch(/track\(fn\) sync, bound handle .*×\d/);
  });
});

describe('bench:check', () => {
  it('takes the median of several runs when it writes a baseline', () => {
    const { results } = setup();
    const scaled = (k: number): BenchResults => {
      const copy = JSON.parse(JSON.stringify(results)) as BenchResults;
      (figureOf(copy, 'record.track.sync').ratios as Record<string, number>).otel = k;
      return copy;
    };
    const baseline = baselineFrom([scaled(10), scaled(40), scaled(20)], { about: '', thresholds: DEFAULT_THRESHOLDS, figureThresholds: {}, targets: [] });
    expect(baseline.figures['record.track.sync']!.ratios.otel).toBe(20);
    expect(baseline.runs).toBe(3);
  });

  it('passes when the latest results equal the baseline', () => {
    const { results, baseline } = setup();
    const report = compareWithBaseline(baseline, results);
    expect(report.ok).toBe(true);
    expect(report.compared).toBeGreaterThan(10);
  });

  it('reports the figure, the peer and how much worse when a ratio regresses beyond its suite threshold', () => {
    const { results, baseline } = setup();
    const base = baseline.figures['record.track.sync']!;
    const doctored: Baseline = { ...baseline, figures: { ...baseline.figures, 'record.track.sync': { ...base, ratios: { ...base.ratios, otel: base.ratios.otel! * 2 } } } };
    const report = compareWithBaseline(doctored, results);
    expect(report.ok).toBe(false);
    expect(report.regressions).toEqual([expect.objectContaining({ figure: 'record.track.sync', peer: 'otel', threshold: DEFAULT_THRESHOLDS.record })]);
    expect(report.regressions[0]!.worse).toBeCloseTo(0.5, 3);
    expect(formatCheck(report, doctored)).toMatch(/REGRESSION record\.track\.sync vs otel: .* 50 % worse, threshold 40 %/);
  });

  it('fails when a target met in the baseline is missed now, and not when it was never met', () => {
    const { results, baseline } = setup();
    const ratio = figureOf(results, 'scrape.' + results.suites[1]!.figures[0]!.id.split('.')[1]).ratios['prom-client']!;
    const met = { figure: results.suites[1]!.figures[0]!.id, peer: 'prom-client' as const, minRatio: ratio * 0.5, text: 'met' };
    expect(compareWithBaseline({ ...baseline, targets: [met] }, results).ok).toBe(true);
    const lostResults = JSON.parse(JSON.stringify(results)) as BenchResults;
    (figureOf(lostResults, met.figure).ratios as Record<string, number>)['prom-client'] = ratio * 0.4;
    const lost = compareWithBaseline({ ...baseline, thresholds: { ...baseline.thresholds, scrape: 10 }, targets: [met] }, lostResults);
    expect(lost.ok).toBe(false);
    expect(lost.targets[0]).toEqual(expect.objectContaining({ met: false, metInBaseline: true }));
    const never = compareWithBaseline({ ...baseline, targets: [{ ...met, minRatio: ratio * 100 }] }, results);
    expect(never.ok).toBe(true);
    expect(never.targets[0]!.met).toBe(false);
  });

  it('exits non-zero from the command line on a regression and names it', async () => {
    const { results, baseline } = setup();
    const base = baseline.figures['record.startEnd']!;
    const doctored = { ...baseline, figures: { ...baseline.figures, 'record.startEnd': { ...base, ratios: { 'prom-client': base.ratios['prom-client']! * 3 } } } };
    fs.writeFileSync(path.join(tmp, 'results.json'), JSON.stringify(results));
    fs.writeFileSync(path.join(tmp, 'baseline.json'), JSON.stringify(doctored));
    const check = ensureBuilt('bench', 'check.js');
    const run = await runNode(check, ['--latest', path.join(tmp, 'results.json'), '--baseline', path.join(tmp, 'baseline.json')]);
    expect(run.code).toBe(1);
    expect(run.output).toContain('REGRESSION record.startEnd vs prom-client');
  });

  it('ignores hostile ratios (NaN, Infinity, zero) in the baseline instead of throwing', () => {
    const { results, baseline } = setup();
    const base = baseline.figures['record.track.sync']!;
    const hostile: Baseline = {
      ...baseline,
      figures: { ...baseline.figures, 'record.track.sync': { ...base, ratios: { otel: NaN, 'prom-client': Infinity, floor: 0 } }, 'no.such.figure': base },
    };
    const report = compareWithBaseline(hostile, results);
    expect(report.regressions.filter((r) => r.figure === 'record.track.sync')).toEqual([]);
    expect(report.missing).toEqual(['no.such.figure']);
  });
});

describe('stats and command line', () => {
  it('summarizes rounds while ignoring NaN and Infinity, and gives no ratio when perfkit measured nothing', () => {
    expect(summarize([3, NaN, 1, Infinity, 2])).toEqual(expect.objectContaining({ min: 1, median: 2, max: 3 }));
    expect(summarize([NaN]).median).toBeNaN();
    const f = makeFigure({ id: 'x', label: 'x', unit: 'ns/op', better: 'lower' }, { perfkit: [0], otel: [5] });
    expect(f.ratios).toEqual({});
  });

  it('rejects an unknown profile or suite with the usage text', () => {
    expect(() => parseBenchCli(['--profile', 'huge'])).toThrow(/unknown profile "huge"[\s\S]*Usage/);
    expect(() => parseBenchCli(['--suites', 'record,<script>'])).toThrow(/unknown suite "<script>"/);
    expect(() => parseBenchCli(['--bogus'])).toThrow();
    expect(parseBenchCli(['--profile', 'tiny', '--suites', 'record,scrape']).suites).toEqual(['record', 'scrape']);
  });

  it('--service-blocks overrides the profile\'s blocks of the service overhead figures, and only those', () => {
    const cli = parseBenchCli(['--service-blocks', '18']);
    expect(cli.profile.serviceOverheadBlocks).toBe(18);
    expect(cli.profile.name).toBe('full');
    expect(cli.profile.serviceOverheadRounds).toBe(3);
    expect(parseBenchCli([]).profile.serviceOverheadBlocks).toBe(6);
    for (const bad of ['0', '-3', '61', '2.5', '1e1', '', ' 7', '<b>']) {
      expect(() => parseBenchCli([`--service-blocks=${bad}`])).toThrow(`--service-blocks: ${JSON.stringify(bad)} is not a whole number from 1 to 60`);
    }
    expect(parseBenchCli(['--service-blocks', '60']).profile.serviceOverheadBlocks).toBe(60);
  });
});

describe('docs/benchmarks.md generator', () => {
  it('writes a table per suite and SVG charts with no NaN, naming the machine', () => {
    const { results, baseline } = setup();
    const charts = renderCharts(results);
    expect(Object.keys(charts)).toEqual(expect.arrayContaining(['memory-per-series.svg', 'record-latency.svg', 'scrape-vs-series.svg']));
    for (const svg of Object.values(charts)) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    }
    const md = renderMarkdown(results, charts, baseline);
    expect(md).toContain(results.machine.cpu);
    expect(md).toContain('![Record path');
    for (const suite of results.suites) expect(md).toContain(`## ${suite.title}`);
  });

  it('escapes hostile labels in SVG text', () => {
    const { results } = setup();
    const hostile = JSON.parse(JSON.stringify(results)) as BenchResults;
    (hostile.suites[0]!.figures[0] as { label: string }).label = '<script>alert("x")</script> & more';
    const svg = renderCharts(hostile)['record-latency.svg']!;
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });
});
