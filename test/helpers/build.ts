import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

function newestMtime(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The `src` folders of the projects `project`'s tsconfig references (one level deep). */
function referencedSources(project: string): string[] {
  const configFile = path.join(REPO_ROOT, project, 'tsconfig.json');
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { references?: { path: string }[] };
  return (config.references ?? []).map((r) => path.join(path.dirname(configFile), r.path, 'src'));
}

const built = new Set<string>();

/**
 * Makes sure `<project>/dist/<entry>` is newer than every TypeScript source of the project and of the
 * packages, running `tsc --build <project>` (under /tmp/tsc.lock when flock exists) when it is not.
 * `npm test` builds first, so this costs only a stat walk there; it keeps `npx jest <file>` honest.
 */
export function ensureBuilt(project: string, entry: string): string {
  const out = path.join(REPO_ROOT, project, 'dist', entry);
  if (built.has(out)) return out;
  const sources = [path.join(REPO_ROOT, project, 'src'), ...referencedSources(project)];
  const isStale = !fs.existsSync(out) || Math.max(...sources.map(newestMtime)) > fs.statSync(out).mtimeMs;
  if (isStale) {
    const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
    const hasFlock = spawnSync('sh', ['-c', 'command -v flock'], { stdio: 'ignore' }).status === 0;
    const [cmd, args] = hasFlock ? ['flock', ['/tmp/tsc.lock', tsc, '--build', project]] : [tsc, ['--build', project]];
    try {
      execFileSync(cmd, args, { cwd: REPO_ROOT, stdio: 'pipe' });
    } catch (err) {
      const e = err as { stdout?: Buffer; stderr?: Buffer };
      const why = `tsc --build ${project} failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`;
      if (!fs.existsSync(out)) throw new Error(why);
      // A half-edited sibling package must not stop the end-to-end tests; say loudly that dist is stale.
      process.stderr.write(`ensureBuilt: using the existing ${path.relative(REPO_ROOT, out)}; ${why}\n`);
    }
    // tsc --build skips emitting when outputs are up to date by its own reckoning; touch so we do not rebuild again.
    if (fs.existsSync(out)) fs.utimesSync(out, new Date(), new Date());
  }
  if (!fs.existsSync(out)) throw new Error(`${out} is missing after tsc --build ${project}`);
  built.add(out);
  return out;
}
