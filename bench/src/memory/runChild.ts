import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ChildRequest } from './child';

/** Path of the compiled memory child (the suites always measure the built packages). */
export function childScript(root: string): string {
  return path.join(root, 'bench', 'dist', 'memory', 'child.js');
}

/** Runs one memory measurement in a fresh `node --expose-gc` process and returns its JSON answer. */
export function runChild<T>(root: string, request: ChildRequest, timeoutMs = 120_000): Promise<T> {
  const script = childScript(root);
  if (!existsSync(script)) return Promise.reject(new Error(`${script} is missing: build first (npx tsc --build)`));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', script, JSON.stringify(request)],
      { cwd: root, timeout: timeoutMs, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`memory child ${JSON.stringify(request)} failed: ${err.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as T);
        } catch {
          reject(new Error(`memory child ${JSON.stringify(request)} printed no JSON: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}
