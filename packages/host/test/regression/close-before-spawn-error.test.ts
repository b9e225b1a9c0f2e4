import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { tempDir } from '../fixtures/fakes';

/**
 * close() right after start() on a missing nvidia-smi called child.kill() before the spawn's 'error' event, when
 * the child has no pid yet: Node then signals pid 0, the whole process group (it killed the shell running it).
 * The scenario runs in a child in its own process group, built from the current source with esbuild, so a
 * regression fails this test instead of killing the test runner.
 */
describe('regression: close() before the spawn error of a missing nvidia-smi', () => {
  it('returns at once and signals nobody when the executable does not exist', () => {
    const { dir, cleanup } = tempDir('regression');
    try {
      const bundle = join(dir, 'backend.js');
      buildSync({ entryPoints: [join(__dirname, '../../src/gpu/NvidiaSmiBackend.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, external: ['@perfkit/core'], logLevel: 'silent' });
      const script = join(dir, 'scenario.js');
      writeFileSync(
        script,
        `const { NvidiaSmiBackend } = require(${JSON.stringify(bundle)});
         const quiet = { warn() {}, debug() {}, info() {}, error() {} };
         (async () => {
           const b = new NvidiaSmiBackend({ path: '/nonexistent/nvidia-smi', intervalMs: 100, restartDelayMs: 50, maxRestartDelayMs: 50, giveUpIfNeverAnswered: false, diag: quiet });
           b.start();
           await b.close();
           await new Promise((r) => setTimeout(r, 200));
           process.stdout.write('survived spawns=' + b.spawns);
         })();`,
      );
      // setsid: the scenario gets a process group of its own; if it signals its group, only it dies.
      const result = spawnSync('setsid', ['--wait', process.execPath, script], { encoding: 'utf8', timeout: 20_000 });
      expect(result.signal).toBeNull();
      expect(result.stdout).toBe('survived spawns=1');
      expect(result.status).toBe(0);
    } finally {
      cleanup();
    }
  });
});
