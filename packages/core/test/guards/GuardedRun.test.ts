import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { createPerfkit, GuardTimeoutError } from '@perfkit/core';

const T = 'model_operation';

// Jest installs its own unhandled-rejection handling inside the test sandbox, so the check runs in a plain Node
// child process: core is bundled from its sources, and the child reports every 'unhandledRejection' it sees.
const dir = mkdtempSync(path.join(os.tmpdir(), 'perfkit-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO = `
const core = require(process.env.PERFKIT_CORE_BUNDLE);
const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(String((reason && reason.message) || reason)));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const T = 'model_operation';
(async () => {
  const perf = core.createPerfkit({ serviceName: 'unhandled-check', prometheus: { serve: false }, logLevel: 'none' });
  const a = perf.guard({ name: 'queue', maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 30, timeoutMs: 20 });
  const b = perf.guard({ name: 'timeout', maxConcurrent: 4, timeoutMs: 20 });
  const c = perf.guard({ name: 'memory', maxConcurrent: 1, memoryBudgetMb: 16 });
  const d = perf.guard({ name: 'shutdown', maxConcurrent: 1 });
  const names = (list) => list.map((o) => (o.status === 'rejected' ? (o.reason && o.reason.name) || String(o.reason) : 'ok:' + o.value));
  const held = [];
  const running = d.run(T, 'running', () => sleep(50).then(() => 'done'));
  const queued = d.run(T, 'queued', () => 'never');
  const results = await Promise.allSettled([
    // Times out, then rejects with its own error long after the caller has moved on (holds its slot until then).
    a.run(T, 'late-reject', () => new Promise((_r, reject) => setTimeout(() => reject(new Error('late')), 60))),
    a.run(T, 'queue-timeout', () => 'never'),
    a.run(T, 'queue-full', () => 'never'),
    // Times out, then rejects with the abort reason.
    b.run(T, 'reason', (signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason)))),
    // A memory hog aborted mid-way whose promise rejects afterwards.
    c.run(T, 'hog', async (signal) => {
      for (let i = 0; i < 200 && !signal.aborted; i++) {
        held.push(Buffer.alloc(1048576, 1));
        await sleep(1);
      }
      throw new Error('stopped after abort');
    }),
    b.run(T, 'sync-throw', () => { throw new Error('sync'); }),
    b.run(T, 'getter', () => ({ get then() { throw new Error('then getter'); } })),
    b.run(T, 'twice', () => ({ then: (ok, fail) => (ok(1), fail(new Error('second'))) })),
    b.run(T, 'not-a-function', 42),
    perf.shutdown().then(() => d.run(T, 'after-shutdown', () => 'never')),
    queued,
    running,
  ]);
  held.length = 0;
  if (process.env.CONTROL) Promise.reject(new Error('control'));
  await sleep(100);
  const active = perf.activeOperations();
  process.stdout.write(JSON.stringify({ outcomes: names(results), unhandled, active }));
})();
`;

function runScenario(env: Record<string, string> = {}): { outcomes: string[]; unhandled: string[]; active: unknown[] } {
  const bundle = path.join(dir, 'core.js');
  const script = path.join(dir, 'scenario.js');
  buildSync({
    entryPoints: [path.resolve(__dirname, '../../src/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    outfile: bundle,
    logLevel: 'silent',
  });
  writeFileSync(script, SCENARIO);
  const out = execFileSync(process.execPath, [script], {
    cwd: path.resolve(__dirname, '../../../..'),
    env: { ...process.env, PERFKIT_CORE_BUNDLE: bundle, NODE_PATH: path.resolve(__dirname, '../../../../node_modules'), ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return JSON.parse(out);
}

function setup() {
  const perf = createPerfkit({ serviceName: 'guarded-run-test', prometheus: { serve: false }, logLevel: 'none' });
  return { perf };
}

describe('GuardedRun', () => {
  it('leaves no promise unhandled: aborted work rejecting later, refusals, bad thenables, shutdown', () => {
    const result = runScenario();
    expect(result.outcomes).toEqual([
      'GuardTimeoutError',
      'GuardRejectedError',
      'GuardRejectedError',
      'GuardTimeoutError',
      'GuardResourceError',
      'Error',
      'Error',
      'ok:1',
      'TypeError',
      'GuardRejectedError',
      'GuardRejectedError',
      'ok:done',
    ]);
    expect(result.unhandled).toEqual([]);
    expect(result.active).toEqual([]);
  });

  it('sees an unhandled rejection when there is one (so the check above can fail)', () => {
    expect(runScenario({ CONTROL: '1' }).unhandled).toEqual(['control']);
  });

  it('aborts the signal with the error the caller gets, and only once', async () => {
    const { perf } = setup();
    const guard = perf.guard({ name: 'once', maxConcurrent: 1, timeoutMs: 10 });
    let aborts = 0;
    let signal: AbortSignal | undefined;
    const err = await guard
      .run(T, 'abort', (s) => {
        signal = s;
        s.addEventListener('abort', () => aborts++);
        return new Promise((resolve) => setTimeout(resolve, 40));
      })
      .catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(err).toBeInstanceOf(GuardTimeoutError);
    expect(signal?.reason).toBe(err);
    expect(aborts).toBe(1);
    expect(guard.stats()).toMatchObject({ timedOut: 1, completed: 1, inFlight: 0 });
    await perf.shutdown();
  });
});
