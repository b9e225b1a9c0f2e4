#!/usr/bin/env node
/**
 * Lists the source files of packages/<pkg>/src that have no test file of the same name under packages/<pkg>/test
 * (the "tests mirror src" convention), with the test files that use one of the file's exports as candidates
 * for the "covered by" column of docs/testing.md.
 *
 *   node scripts/test-mirror.mjs          markdown rows: file | candidate tests
 *   node scripts/test-mirror.mjs --check  exit 1 when an unmirrored file is not named in docs/testing.md
 *   node scripts/test-mirror.mjs --write-docs  rewrite the table in docs/testing.md
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const walk = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    : [];
const rel = (f) => path.relative(root, f);

/** Where the guess (tests that use one of the file's exports, else the tests of its folder) is not the answer. */
const NOTES = {
  'packages/core/src/index.ts': 'the public API: every `packages/core/test` suite imports it',
  'packages/host/src/index.ts': 'the public API: every `packages/host/test` suite imports it',
  'packages/sla/src/index.ts': 'the public API: every `packages/sla/test` suite imports it',
  'packages/dashboard/src/index.ts': 'the public API: every `packages/dashboard/test` suite imports it',
  'packages/core/src/operations/DroppingOperation.ts': '`packages/core/test/store/OperationStore.test.ts` (unknown types and invalid names are dropped and counted), `test/robustness/hostileInput.test.ts`',
  'packages/core/src/operations/OperationTypes.ts': '`packages/core/test/store/OperationStore.test.ts` (per-type buckets, bad buckets refused with a code)',
  'packages/core/src/operations/figures.ts': '`packages/core/test/store/snapshot.test.ts`, `packages/core/test/store/StoreMetricProducer.test.ts` (figures by name and by integrity result)',
  'packages/core/src/export/CountingExporter.ts': '`packages/core/test/store/StoreMetricProducer.test.ts` (failed exports counted as dropped), `test/robustness/otlpFaults.test.ts`',
  'packages/core/src/export/temporality.ts': '`packages/core/test/regression/config-from-environment.test.ts`, `test/robustness/otlpFaults.test.ts`',
  'packages/core/src/names.ts': '`packages/core/test/guards/GuardMetrics.test.ts` (hand-written name table), `test/docs/metrics-doc.test.ts`, every serializer test',
};

const rows = [];
let sources = 0;
for (const pkg of readdirSync(path.join(root, 'packages'))) {
  const src = path.join(root, 'packages', pkg, 'src');
  const testDir = path.join(root, 'packages', pkg, 'test');
  const tests = walk(testDir).filter((f) => f.endsWith('.test.ts'));
  const e2e = walk(path.join(root, 'test')).filter((f) => f.endsWith('.test.ts'));
  const testText = new Map([...tests, ...e2e].map((f) => [f, readFileSync(f, 'utf8')]));
  for (const file of walk(src).filter((f) => f.endsWith('.ts')).sort()) {
    sources++;
    const mirror = path.join(testDir, path.relative(src, file)).replace(/\.ts$/, '.test.ts');
    if (existsSync(mirror)) continue;
    const text = readFileSync(file, 'utf8');
    const typesOnly = !/^export (async )?(function|class|const|let|enum)\b/m.test(text);
    const exportsOf = [...text.matchAll(/^export (?:async )?(?:function|class|const|let|enum) ([A-Za-z0-9_]+)/gm)].map((m) => m[1]);
    const base = path.basename(file, '.ts');
    const byUse = [...testText]
      .filter(([, t]) => t.includes(`/${base}'`) || exportsOf.some((name) => new RegExp(`\\b${name}\\b`).test(t)))
      .map(([f]) => rel(f));
    // Tests of the same folder exercise a file through its neighbours (cluster/*.ts through cluster/threads.test.ts).
    const folder = path.join(testDir, path.dirname(path.relative(src, file)));
    const byFolder = tests.filter((f) => path.dirname(f) === folder).map(rel);
    const candidates = byUse.length ? [...new Set([...byUse.filter((f) => byFolder.includes(f)), ...byUse])] : byFolder;
    rows.push({ file: rel(file), typesOnly, candidates });
  }
}

if (process.argv.includes('--check')) {
  // Only the table counts (a file named elsewhere in the doc, such as the mutation scores, is not explained), and
  // every test it cites must exist.
  const doc = readFileSync(path.join(root, 'docs/testing.md'), 'utf8');
  const table = doc.slice(doc.indexOf('<!-- test-mirror:start -->'), doc.indexOf('<!-- test-mirror:end -->'));
  const rowOf = (file) => table.split('\n').find((l) => l.startsWith(`| \`${file}\` |`));
  const missing = rows.filter((r) => !rowOf(r.file) || rowOf(r.file).includes('(none found)'));
  for (const r of missing) console.error(`no mirror test and not in docs/testing.md's table: ${r.file}`);
  const cited = [...table.matchAll(/`([^`]+\.test\.ts)`/g)].map((m) => m[1]).filter((f) => !existsSync(path.join(root, f)));
  for (const f of new Set(cited)) console.error(`docs/testing.md's table cites a test that does not exist: ${f}`);
  console.log(`${sources} source files, ${sources - rows.length} with a same-name test, ${rows.length} without; ${missing.length} not explained, ${cited.length} missing tests cited`);
  process.exit(missing.length || cited.length ? 1 : 0);
}
const summary = `${sources} source files, ${sources - rows.length} with a same-name test (${Math.round((100 * (sources - rows.length)) / sources)} %), ${rows.length} without.`;
const table = [
  '| Source file | Covered by |',
  '| --- | --- |',
  ...rows.map((r) => `| \`${r.file}\` | ${NOTES[r.file] ?? (r.typesOnly ? 'types only (no runtime code)' : r.candidates.slice(0, 3).map((f) => `\`${f}\``).join(', ') || '(none found)')} |`),
].join('\n');
if (process.argv.includes('--write-docs')) {
  const doc = path.join(root, 'docs/testing.md');
  const text = readFileSync(doc, 'utf8');
  const start = '<!-- test-mirror:start -->';
  const end = '<!-- test-mirror:end -->';
  writeFileSync(doc, text.slice(0, text.indexOf(start) + start.length) + `\n${summary}\n\n${table}\n` + text.slice(text.indexOf(end)));
}
console.log(`${summary}\n\n${table}`);
