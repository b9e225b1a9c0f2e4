#!/usr/bin/env node
/** `node grafana/dist/cli.js [--check] [--spec path]`: writes grafana/dashboards/*.json, or with --check fails if they are stale. */
import path from 'node:path';
import { staleDashboards, writeDashboards, REPO_ROOT } from './build';

const args = process.argv.slice(2);
const specAt = args.indexOf('--spec');
const spec = specAt >= 0 ? path.resolve(args[specAt + 1] ?? '') : undefined;
try {
  if (args.includes('--check')) {
    const stale = staleDashboards(undefined, spec);
    if (stale.length) {
      process.stderr.write(`grafana dashboards out of date: ${stale.join(', ')}; run npm run build -w grafana\n`);
      process.exit(1);
    }
    process.stdout.write('grafana dashboards up to date\n');
  } else {
    for (const file of writeDashboards(undefined, spec)) process.stdout.write(`wrote ${path.relative(REPO_ROOT, file)}\n`);
  }
} catch (err) {
  process.stderr.write(`grafana dashboards: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
