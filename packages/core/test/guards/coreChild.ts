import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';

const repoRoot = path.resolve(__dirname, '../../../..');

/**
 * Runs `script` in a plain Node child process with core bundled from its sources (required as
 * `process.env.PERFKIT_CORE_BUNDLE`): what jest's sandbox hides (its own unhandled-rejection handling, a process
 * that jest keeps alive) shows there. `node` names another Node binary and flags for it. Returns the child's stdout; throws if it exits non-zero or runs past `timeoutMs`.
 */
export function runWithCore(script: string, env: Record<string, string> = {}, timeoutMs = 20_000, node: { path?: string; args?: string[] } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perfkit-core-child-'));
  try {
    const bundle = path.join(dir, 'core.js');
    const file = path.join(dir, 'script.js');
    buildSync({
      entryPoints: [path.join(repoRoot, 'packages/core/src/index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      outfile: bundle,
      logLevel: 'silent',
    });
    writeFileSync(file, script);
    return execFileSync(node.path ?? process.execPath, [...(node.args ?? []), file], {
      cwd: repoRoot,
      env: { ...process.env, PERFKIT_CORE_BUNDLE: bundle, NODE_PATH: path.join(repoRoot, 'node_modules'), ...env },
      encoding: 'utf8',
      timeout: timeoutMs,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Functions of `names` whose optimized code V8 threw away because objects it embedded died, in a `--trace-deopt` trace
 * after its line `marker` ("reason: weak objects" on Node 20, "embedded weak objects cleared" on Node 22 and later).
 */
export function thrownAwayAfter(trace: string, marker: string, names: readonly string[]): string[] {
  const at = trace.indexOf(marker);
  if (at < 0) throw new Error(`the trace lacks its marker ${marker}`);
  return trace
    .slice(at + marker.length)
    .split('\n')
    .filter((line) => /for deoptimization, reason: (embedded )?weak objects/.test(line))
    .map((line) => /SharedFunctionInfo (?:get )?(\w+)>/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && names.includes(name));
}
