import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers';

/**
 * In a fresh clone, `npm ci` linked no `node_modules/.bin/perfkit-sla`: the bin pointed at dist/cli.js, which does not
 * exist until the build, and npm skips a bin whose file is missing. `npx perfkit-sla` then asked the public registry
 * for a package of that name (a 404 today; anyone could publish one). The bin is now a committed file that loads the
 * build. npm test runs after `npm ci` and the build, as a clean clone does.
 */
describe('sla command missing in a fresh clone', () => {
  const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'perfkit-sla');

  it('is linked by npm ci and runs the built CLI', () => {
    expect(fs.existsSync(bin)).toBe(true);
    const out = execFileSync(bin, ['check', '--spec', 'examples/sla.yaml'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(out).toContain('examples/sla.yaml');
  });

  it('names the missing build instead of a stack trace when dist is absent', () => {
    const dir = fs.mkdtempSync(path.join(REPO_ROOT, 'node_modules', '.cache-perfkit-sla-bin-'));
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.copyFileSync(path.join(REPO_ROOT, 'packages', 'sla', 'bin', 'perfkit-sla.js'), path.join(dir, 'bin', 'perfkit-sla.js'));
      let out = '';
      let status: number | null = 0;
      try {
        execFileSync(process.execPath, [path.join(dir, 'bin', 'perfkit-sla.js'), '--help'], { encoding: 'utf8', stdio: 'pipe' });
      } catch (err) {
        const e = err as { stderr: string; status: number | null };
        out = e.stderr;
        status = e.status;
      }
      expect(status).toBe(1);
      expect(out).toContain('npm run build');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
