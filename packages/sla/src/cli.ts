#!/usr/bin/env node
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { generateFiles } from './generate';
import { loadSlaSpec } from './spec/parseSlaSpec';

const USAGE = `usage:
  perfkit-sla generate --spec <sla.yaml> --out <dir> [--check]   write rules, promtool tests, views, alertmanager.yml, runbooks
                                                                 (--check: write nothing, exit 1 if any file under <dir> differs)
  perfkit-sla check --spec <sla.yaml>                            validate the spec only`;

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Runs the CLI; returns the exit code (0 ok, 1 invalid spec or stale files, 2 usage). */
export function main(argv: readonly string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): number {
  const [command, ...rest] = argv;
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
  const { files, warnings } = generateFiles(spec, { source: flags.spec });
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

function parseFlags(args: readonly string[]): Record<string, string | true> | undefined {
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) return undefined;
    const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (!['spec', 'out', 'check'].includes(key)) return undefined;
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
