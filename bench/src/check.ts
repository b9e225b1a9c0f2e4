/**
 * `npm run bench:check`: compares bench/results/latest.json with bench/baseline.json and fails on a regression.
 * `--update` rewrites the baseline's figures from latest.json (or the median of several `--latest` files),
 * keeping its thresholds and targets.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './cli';
import { baselineFrom, type Baseline } from './check/baseline';
import { compareWithBaseline, formatCheck } from './check/compare';
import type { BenchResults } from './results';

function main(): void {
  const { values } = parseArgs({
    options: {
      latest: { type: 'string', multiple: true, default: [path.join(ROOT, 'bench', 'results', 'latest.json')] },
      baseline: { type: 'string', default: path.join(ROOT, 'bench', 'baseline.json') },
      update: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const runs = values.latest!.map((file) => JSON.parse(readFileSync(file, 'utf8')) as BenchResults);
  const latest = runs[runs.length - 1]!;
  const baseline = JSON.parse(readFileSync(values.baseline!, 'utf8')) as Baseline;
  if (values.update) {
    writeFileSync(values.baseline!, JSON.stringify(baselineFrom(runs, baseline), null, 2) + '\n');
    process.stdout.write(`updated ${values.baseline} from ${values.latest!.join(', ')}\n`);
    return;
  }
  const report = compareWithBaseline(baseline, latest);
  process.stdout.write(formatCheck(report, baseline) + '\n');
  if (!report.ok) process.exitCode = 1;
}

try {
  main();
} catch (err) {
  process.stderr.write(`bench:check: ${err instanceof Error ? err.message : String(err)}\n(run npm run bench first to write bench/results/latest.json)\n`);
  process.exitCode = 2;
}
