import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli';

/** Runs `perfkit-sla check` in-process on a spec file of these lines: its exit code and what it wrote to stderr. */
export function checkSpec(lines: readonly string[]): { code: number; err: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'perfkit-sla-check-'));
  try {
    const spec = join(dir, 'sla.yaml');
    writeFileSync(spec, [...lines, ''].join('\n'));
    const err: string[] = [];
    const code = main(['check', '--spec', spec], { out: () => {}, err: (l) => err.push(l) });
    return { code, err };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
