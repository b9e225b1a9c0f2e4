#!/usr/bin/env node
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { generateFiles, type DashboardBuilder } from './generate';
import { exportOpenSlo } from './spec/exportOpenSlo';
import { IMPORT_FORMATS, importSpec } from './spec/importSpec';
import { loadSlaSpec, parseSlaSpec } from './spec/parseSlaSpec';

const USAGE = `usage:
  perfkit-sla generate --spec <sla.yaml> --out <dir> [--check]   write rules, promtool tests, views, alertmanager.yml, runbooks
                                                                 and Grafana dashboards (with @perfkit/grafana installed)
                                                                 (--check: write nothing, exit 1 if any file under <dir> differs)
  perfkit-sla check --spec <sla.yaml>                            validate the spec only
  perfkit-sla import --from <${IMPORT_FORMATS.join('|')}> <file> [--out <sla.yaml>]
                                                                 convert a Sloth prometheus/v1 spec or OpenSLO v1 documents
  perfkit-sla export --to openslo --spec <sla.yaml> [--out <file>]   write the objectives as OpenSLO v1 documents`;

/** What the CLI can be given instead of what it finds itself (tests inject the dashboard builder). */
export interface CliDeps {
  /** Builds the Grafana dashboards of a spec; default: `@perfkit/grafana`'s `dashboardFiles` when installed. */
  readonly dashboards?: DashboardBuilder | null;
}

/** `@perfkit/grafana` sits a floor above this package; the CLI loads it when it is installed, and goes without. */
function defaultDashboards(): DashboardBuilder | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const grafana = require(['@perfkit', 'grafana'].join('/')) as { dashboardFiles?: DashboardBuilder };
    return typeof grafana.dashboardFiles === 'function' ? grafana.dashboardFiles : undefined;
  } catch {
    return undefined;
  }
}

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Runs the CLI; returns the exit code (0 ok, 1 invalid spec or stale files, 2 usage). */
export function main(argv: readonly string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }, deps: CliDeps = {}): number {
  const [command, ...rest] = argv;
  if (command === 'import') return runImport(rest, io);
  if (command === 'export') return runExport(rest, io);
  const flags = parseFlags(rest);
  if (!flags || (command !== 'generate' && command !== 'check') || typeof flags.spec !== 'string') {
    io.err(USAGE);
    return 2;
  }
  let spec;
  try {
    spec = loadSlaSpec(flags.spec);
  } catch (err) {
    io.err(`perfkit-sla: ${(err as Error).message}`);
    return 1;
  }
  const dashboards = deps.dashboards === undefined ? defaultDashboards() : (deps.dashboards ?? undefined);
  if (command === 'generate' && !dashboards) io.out('perfkit-sla: @perfkit/grafana is not installed; no dashboards written');
  let generated;
  try {
    generated = generateFiles(spec, { source: flags.spec, ...(dashboards ? { dashboards } : {}) });
  } catch (err) {
    io.err(`perfkit-sla: ${(err as Error).message}`);
    return 1;
  }
  const { files, warnings } = generated;
  for (const w of warnings) io.err(`perfkit-sla: warning: ${w}`);
  if (command === 'check') {
    io.out(`perfkit-sla: ${flags.spec} is valid (${spec.objectives.length} objectives, ${Object.keys(files).length} files to generate)`);
    return 0;
  }
  if (typeof flags.out !== 'string') {
    io.err(USAGE);
    return 2;
  }
  if (flags.check === true) {
    const stale = Object.entries(files).filter(([path, text]) => read(join(flags.out as string, path)) !== text).map(([p]) => p);
    for (const p of stale) io.err(`perfkit-sla: stale: ${join(flags.out, p)} (run perfkit-sla generate --spec ${flags.spec} --out ${flags.out})`);
    if (stale.length === 0) io.out(`perfkit-sla: ${Object.keys(files).length} generated files are up to date`);
    return stale.length ? 1 : 0;
  }
  for (const [path, text] of Object.entries(files)) {
    const target = join(flags.out, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    io.out(`perfkit-sla: wrote ${relative(process.cwd(), target) || target}`);
  }
  return 0;
}

function runImport(args: readonly string[], io: CliIo): number {
  const file = args.find((a, i) => !a.startsWith('--') && !(i > 0 && ['--from', '--out'].includes(args[i - 1]!)));
  const flags = parseFlags(args.filter((a) => a !== file), ['from', 'out']);
  if (!flags || typeof flags.from !== 'string' || !file) {
    io.err(USAGE);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    io.err(`perfkit-sla: cannot read ${file}: ${(err as Error).message}`);
    return 1;
  }
  let yaml: string;
  try {
    const { spec, warnings } = importSpec(flags.from, text, file);
    const parsed = parseSlaSpec(spec); // the result must be a valid perfkit spec, with every problem named now
    for (const w of warnings) io.err(`perfkit-sla: warning: ${w}`);
    const promql = parsed.objectives.filter((o) => o.promql).length;
    yaml =
      `# Imported by perfkit-sla from ${file} (${flags.from}).\n` +
      (promql
        ? `# ${promql} raw-PromQL objective(s): Prometheus-only. perfkit-sla generate writes their recording rules, burn-rate and\n` +
          `# absent alerts, promtool tests and dashboards; there is no in-process check (perf.sla) and no histogram view for them.\n`
        : '') +
      stringify(spec, { lineWidth: 0, blockQuote: 'literal' });
  } catch (err) {
    io.err(`perfkit-sla: ${(err as Error).message}`);
    return 1;
  }
  if (typeof flags.out === 'string') {
    mkdirSync(dirname(flags.out), { recursive: true });
    writeFileSync(flags.out, yaml);
    io.out(`perfkit-sla: wrote ${flags.out}`);
  } else {
    io.out(yaml.trimEnd());
  }
  return 0;
}

function runExport(args: readonly string[], io: CliIo): number {
  const flags = parseFlags(args, ['to', 'spec', 'out']);
  if (!flags || typeof flags.spec !== 'string' || typeof flags.to !== 'string') {
    io.err(USAGE);
    return 2;
  }
  if (flags.to !== 'openslo') {
    io.err(`perfkit-sla: cannot export to ${flags.to}; perfkit-sla exports to openslo (OpenSLO v1)`);
    return 1;
  }
  let text: string;
  try {
    text = exportOpenSlo(loadSlaSpec(flags.spec));
  } catch (err) {
    io.err(`perfkit-sla: ${(err as Error).message}`);
    return 1;
  }
  if (typeof flags.out === 'string') {
    writeFileSync(flags.out, text);
    io.out(`perfkit-sla: wrote ${flags.out}`);
  } else {
    io.out(text.trimEnd());
  }
  return 0;
}

function parseFlags(args: readonly string[], allowed: readonly string[] = ['spec', 'out', 'check']): Record<string, string | true> | undefined {
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) return undefined;
    const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (!allowed.includes(key)) return undefined;
    if (key === 'check') flags.check = true;
    else if (inline !== undefined) flags[key] = inline;
    else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('--')) flags[key] = args[++i]!;
    else return undefined;
  }
  return flags;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
