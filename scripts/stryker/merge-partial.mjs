/**
 * Copies the results of a partial StrykerJS run (a few mutants re-tested after new tests, with `--mutate` ranges
 * and `--incrementalFile` pointing elsewhere) into a file's stored report, so that `scripts/mutation.mjs
 * --write-docs` shows them. Mutants are matched by mutator, replacement and exact location; the source must be the
 * same. The copied mutants lose their test ids (they name tests of the partial run), so the next incremental run
 * of the file tests them again.
 *
 *   node scripts/stryker/merge-partial.mjs reports/mutation/<file>.json /tmp/partial.json packages/<pkg>/src/<file>.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';

const [mainPath, partPath, file] = process.argv.slice(2);
const main = JSON.parse(readFileSync(mainPath, 'utf8'));
const part = JSON.parse(readFileSync(partPath, 'utf8'));
const key = (m) => `${m.mutatorName}|${m.replacement}|${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}`;
const mainFile = main.files[file];
const partFile = part.files[file];
if (!mainFile || !partFile) throw new Error(`${file} is not in both reports`);
if (mainFile.source !== partFile.source) throw new Error(`${file} changed between the two runs: run the whole file again`);
const byKey = new Map(mainFile.mutants.map((m) => [key(m), m]));
const testNames = Object.fromEntries(Object.values(part.testFiles ?? {}).flatMap((f) => f.tests.map((t) => [t.id, t.name])));
let merged = 0;
for (const p of partFile.mutants) {
  const m = byKey.get(key(p));
  if (!m) {
    console.log(`not in the stored report: ${key(p)} (${p.status})`);
    continue;
  }
  if (m.status !== p.status) console.log(`${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}: ${m.status} -> ${p.status}${p.killedBy?.length ? ` (${testNames[p.killedBy[0]]})` : ''}`);
  Object.assign(m, { status: p.status, statusReason: p.statusReason, testsCompleted: p.testsCompleted, killedBy: [], coveredBy: [] });
  merged++;
}
writeFileSync(mainPath, JSON.stringify(main));
console.log(`${merged} of ${partFile.mutants.length} mutants copied into ${mainPath}`);
