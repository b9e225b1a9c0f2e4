/**
 * `node bench/dist/docs.js [results.json]`: regenerates docs/benchmarks.md and its charts from saved results (only
 * the sections of the suites they hold when they lack some).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, SUITE_NAMES } from './cli';
import { writeDocs } from './report/writeDocs';
import type { BenchResults } from './results';

try {
  const file = path.resolve(process.argv[2] ?? path.join(ROOT, 'bench', 'results', 'latest.json'));
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  for (const written of writeDocs(results, ROOT, results.suites.length < SUITE_NAMES.length)) process.stdout.write(`wrote ${path.relative(process.cwd(), written)}\n`);
} catch (err) {
  process.stderr.write(`docs: ${err instanceof Error ? err.message : String(err)} (run npm run bench first)\n`);
  process.exitCode = 1;
}
