#!/usr/bin/env node
/**
 * `npm run test:mutation`: StrykerJS over the files that carry perfkit's numbers (scripts/mutation-scope.mjs),
 * one run per file (stryker.config.mjs), each with its own incremental report under reports/mutation/, so a
 * rerun re-tests only mutants whose file or covering tests changed. Then prints the score per file.
 * Needs Node >= 22 (the npm script runs it with tools/node26).
 *
 *   node scripts/mutation.mjs [filter ...]   run the files whose path contains a filter (a package name works)
 *   node scripts/mutation.mjs --force ...    re-test every mutant (incremental mode keeps the old result of a
 *                                            mutant in module-level code, such as a schema, when only tests changed)
 *   node scripts/mutation.mjs --summary      only print the table from the stored reports
 *   node scripts/mutation.mjs --survivors    also list every surviving mutant (for docs/testing.md)
 *   node scripts/mutation.mjs --write-docs   also rewrite the score and survivor tables in docs/testing.md (reasons
 *                                            from scripts/mutation-accepted.mjs)
 *   node scripts/mutation.mjs --save-baseline
 *                                            no run: store every complete, current report in reports/mutation-baseline/
 *                                            (gzip, committed), where a fresh clone's first run starts
 *
 * Baseline: reports/mutation/ is git-ignored (a report embeds the test sources). A file with no report there but one in
 * reports/mutation-baseline/ starts from the baseline: StrykerJS's incremental mode diffs the baseline's code and
 * tests against the clone's and re-tests every mutant whose code or covering tests differ, so the result is the
 * clone's own; a mutant is reused only where neither changed. `--force` re-tests every mutant whatever the baseline.
 * Exits 1 when a file it reports scores under 85 % (the target holds per file, not only over the scope).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import { acceptedReason } from './mutation-accepted.mjs';
import { baselineFileOf, mutatePatterns, reportFileOf, scopeFiles } from './mutation-scope.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`test:mutation: StrykerJS 10 needs Node >= 22, this is ${process.version}; run tools/node26/node_modules/node/bin/node scripts/mutation.mjs`);
  process.exit(2);
}

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const filters = args.filter((a) => !a.startsWith('--'));
const files = scopeFiles().filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`test:mutation: no file in scope matches ${filters.join(', ')}`);
  process.exit(2);
}

const THRESHOLD = 85;

if (!flags.has('--force')) for (const file of files) restoreBaseline(file);

if (!flags.has('--summary') && !flags.has('--survivors') && !flags.has('--write-docs') && !flags.has('--save-baseline')) {
  const stryker = path.join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');
  for (const [i, file] of files.entries()) {
    console.log(`\n=== test:mutation ${i + 1}/${files.length}: ${file}`);
    const run = spawnSync(process.execPath, [stryker, 'run', ...(flags.has('--force') ? ['--force'] : [])], { stdio: 'inherit', env: { ...process.env, PERFKIT_MUTATE_FILE: file } });
    if (run.status !== 0) console.error(`test:mutation: StrykerJS exited ${run.status} (signal ${run.signal}) on ${file}`);
    if (run.signal === 'SIGINT') process.exit(130);
  }
}

/** Starts a file with no report of its own from the committed baseline (see the header). */
function restoreBaseline(file) {
  const report = reportFileOf(file);
  const baseline = baselineFileOf(file);
  if (existsSync(report) || !existsSync(baseline)) return;
  mkdirSync(path.dirname(report), { recursive: true });
  writeFileSync(report, gunzipSync(readFileSync(baseline)));
  console.log(`test:mutation: no report of ${file} yet: starting from ${baseline} (mutants whose code or covering tests differ are re-tested)`);
}

const silent = Object.fromEntries(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].flatMap((l) => [[l, () => {}], [`is${l[0].toUpperCase()}${l.slice(1)}Enabled`, () => false]]));

/**
 * How many mutants StrykerJS makes of a file (its instrumenter, on the ranges of mutatePatterns): a report
 * holding fewer is one StrykerJS saved when its run was interrupted, which lists only the mutants tested by then.
 */
async function mutantCount(file) {
  const ranges = mutatePatterns([file]).map((p) => /:(\d+):(\d+)-(\d+)(?::(\d+))?$/.exec(p)).filter(Boolean);
  const mutate = ranges.length ? ranges.map(([, sl, sc, el, ec]) => ({ start: { line: sl - 1, column: Number(sc) }, end: { line: el - 1, column: ec === undefined ? Number.MAX_SAFE_INTEGER : Number(ec) } })) : true;
  const result = await new Instrumenter(silent).instrument([{ name: file, content: readFileSync(file, 'utf8'), mutate }], { plugins: null, excludedMutations: [], ignorers: [], noHeader: false });
  return result.mutants.length;
}

/** Per-file counts from a stored StrykerJS report (mutation-testing-report-schema). */
async function summarize(file) {
  const reportPath = reportFileOf(file);
  if (!existsSync(reportPath)) return { file, missing: true };
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const entry = Object.entries(report.files).find(([name]) => name.replace(/\\/g, '/').endsWith(file));
  if (!entry) return { file, missing: true };
  const [, data] = entry;
  const stale = data.source !== readFileSync(file, 'utf8');
  const count = (...statuses) => data.mutants.filter((m) => statuses.includes(m.status)).length;
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const errors = count('RuntimeError', 'CompileError');
  const pending = count('Pending') + Math.max(0, (await mutantCount(file)) - data.mutants.length);
  const detected = killed + timeout;
  const valid = detected + survived + noCoverage;
  const lines = data.source.split('\n');
  const survivors = data.mutants
    .filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
    .map((m) => {
      const original = lines[m.location.start.line - 1]?.trim() ?? '';
      const reason = acceptedReason(file, m.mutatorName, original, m.replacement);
      return { where: `${file}:${m.location.start.line}:${m.location.start.column}`, line: m.location.start.line, mutator: m.mutatorName, status: m.status, original, replacement: m.replacement, reason };
    })
    .sort((a, b) => a.line - b.line);
  return { file, killed, timeout, survived, noCoverage, errors, pending, detected, valid, stale, survivors };
}

const rows = await Promise.all(files.map(summarize));
const measured = rows.filter((r) => !r.missing);
const pct = (d, v) => (v ? ((100 * d) / v).toFixed(1) : 'n/a');
const DOC = path.join(root, 'docs/testing.md');

/**
 * With --write-docs, a file with no report here keeps its rows from docs/testing.md (score and survivors), marked as
 * an earlier run's: a partial run (a filter, or a long first run cut short) rewrites only what it measured.
 */
let docLines;
function earlierRows(file) {
  if (!flags.has('--write-docs')) return undefined;
  const lines = (docLines ??= readFileSync(DOC, 'utf8').split('\n'));
  const score = lines.find((l) => l.startsWith(`| \`${file}\` | `) && /^\| `[^`]+` \| [\d.]+ \|/.test(l));
  if (!score) return undefined;
  const [killed, timeout, survived, noCoverage, errors] = score.split('|').slice(3, 8).map((c) => Number(c.trim()));
  const cells = score.split('|');
  cells[8] = ' earlier run (no report here) ';
  return {
    file,
    killed, timeout, survived, noCoverage, errors,
    detected: killed + timeout,
    valid: killed + timeout + survived + noCoverage,
    row: cells.join('|'),
    survivorRows: lines.filter((l) => l.startsWith(`| \`${file}:`)),
  };
}

const kept = rows.filter((r) => r.missing).map((r) => earlierRows(r.file)).filter(Boolean);
const sum = (list) => list.reduce((t, r) => ({ detected: t.detected + r.detected, valid: t.valid + r.valid }), { detected: 0, valid: 0 });
const total = sum(measured);
const withKept = sum([...measured, ...kept]);
const table = [
  '| File | Score % | Killed | Timeout | Survived | No coverage | Errors | Report |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ...rows.map((r) =>
    r.missing
      ? (kept.find((k) => k.file === r.file)?.row ?? `| \`${r.file}\` | not run | | | | | | missing |`)
      : `| \`${r.file}\` | ${pct(r.detected, r.valid)} | ${r.killed} | ${r.timeout} | ${r.survived} | ${r.noCoverage} | ${r.errors} | ${r.stale ? 'stale (file changed since)' : r.pending ? `partial: run interrupted, ${r.pending} mutants not tested` : 'current'} |`,
  ),
  `| **all measured** | **${pct(total.detected, total.valid)}** | | | | | | ${measured.length}/${rows.length} files |`,
  ...(kept.length ? [`| **with the earlier runs' rows** | **${pct(withKept.detected, withKept.valid)}** | | | | | | ${measured.length + kept.length}/${rows.length} files |`] : []),
].join('\n');
console.log(`\n${table}\n`);

if (flags.has('--survivors')) {
  for (const r of measured) {
    for (const s of r.survivors) {
      console.log(`- ${s.where} ${s.mutator} (${s.status}): \`${s.original}\` -> \`${String(s.replacement).replace(/\n/g, ' ')}\`${s.reason ? '' : '  [no reason recorded]'}`);
    }
  }
}

if (flags.has('--write-docs')) {
  const doc = DOC;
  let text = readFileSync(doc, 'utf8');
  const cell = (x) => String(x).replace(/\n/g, ' ').replace(/\|/g, '\\|');
  const code = (x) => `\`${cell(x).length > 110 ? `${cell(x).slice(0, 110)}...` : cell(x)}\``;
  const survivorRows = measured.flatMap((r) =>
    r.survivors.map((s) => `| \`${r.file}:${s.line}\` | ${s.mutator}${s.status === 'NoCoverage' ? ' (no coverage)' : ''}: ${code(s.original)} -> ${code(s.replacement)} | ${s.reason ? cell(s.reason) : 'Missing assertion (not yet killed or analysed).'} |`),
  );
  const order = new Map(files.map((f, i) => [f, i]));
  const keptRows = kept.flatMap((k) => k.survivorRows.map((row) => ({ file: k.file, row })));
  const allRows = [...measured.flatMap((r) => survivorRows.filter((row) => row.startsWith(`| \`${r.file}:`)).map((row) => ({ file: r.file, row }))), ...keptRows]
    .sort((a, b) => order.get(a.file) - order.get(b.file))
    .map((x) => x.row);
  const survivors = ['| Where | Mutation | Why it is accepted |', '| --- | --- | --- |', ...allRows].join('\n');
  for (const [name, body] of [['mutation-scores', table], ['mutation-survivors', survivors]]) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    if (!text.includes(start) || !text.includes(end)) throw new Error(`docs/testing.md has no ${start} ... ${end} block`);
    text = text.slice(0, text.indexOf(start) + start.length) + '\n' + body + '\n' + text.slice(text.indexOf(end));
  }
  writeFileSync(doc, text);
  const missing = measured.reduce((n, r) => n + r.survivors.filter((s) => !s.reason).length, 0);
  console.log(`test:mutation: wrote the score and survivor tables into docs/testing.md (${missing} survivors without a recorded reason)`);
}

if (flags.has('--save-baseline')) {
  for (const r of measured) {
    if (r.stale || r.pending) {
      console.log(`test:mutation: not saved as baseline: ${r.file} (${r.stale ? 'stale' : 'partial'} report)`);
      continue;
    }
    const baseline = baselineFileOf(r.file);
    mkdirSync(path.dirname(baseline), { recursive: true });
    // A killed mutant's statusReason holds the failing assertion's whole message (an exposition text diff runs to
    // tens of KB): StrykerJS does not read it back to reuse a result, so the baseline keeps its first 300 characters.
    const report = JSON.parse(readFileSync(reportFileOf(r.file), 'utf8'));
    for (const data of Object.values(report.files)) {
      for (const m of data.mutants) if (typeof m.statusReason === 'string') m.statusReason = m.statusReason.slice(0, 300);
    }
    writeFileSync(baseline, gzipSync(JSON.stringify(report), { level: 9 }));
  }
  console.log('test:mutation: complete, current reports stored in reports/mutation-baseline/ (commit them)');
}

const under = measured.filter((r) => r.valid && (100 * r.detected) / r.valid < THRESHOLD);
for (const r of under) console.error(`test:mutation: ${r.file} scores ${pct(r.detected, r.valid)} %, under ${THRESHOLD} %`);
if (under.length) process.exit(1);
