import path from 'node:path';
import { ensureBuilt, REPO_ROOT, startProcess, waitFor, type ManagedProcess } from '../../helpers';

/** Options of the fixture service (see fixtures/service.mjs). */
export interface FixtureOptions {
  port?: number;
  otlpUrl?: string;
  otlpIntervalMs?: number;
  names?: number;
  mode?: 'serve' | 'oneshot';
  shutdown?: boolean;
  plugins?: string[];
  hostOptions?: Record<string, unknown>;
  /** Extra node flags, e.g. `--expose-gc`. */
  nodeArgs?: string[];
}

/** A started fixture service. */
export interface StartedFixture {
  readonly process: ManagedProcess;
  /** The first line tagged `tag`, parsed, once printed. */
  line<T = Record<string, unknown>>(tag: string, timeoutMs?: number): Promise<T>;
}

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'service.mjs');

/** Starts fixtures/service.mjs against the built `@perfkit/core` (built first if stale). */
export function startFixture(options: FixtureOptions, env: Record<string, string> = {}): StartedFixture {
  ensureBuilt('packages/core', 'index.js');
  for (const plugin of options.plugins ?? []) ensureBuilt(`packages/${plugin}`, 'index.js');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, PERFKIT_FIXTURE: JSON.stringify(options) };
  for (const name of ['PERFKIT_PROMETHEUS_PORT', 'PERFKIT_OTLP_URL']) if (!env[name]) delete childEnv[name];
  const proc = startProcess(process.execPath, [...(options.nodeArgs ?? []), FIXTURE], { env: childEnv, cwd: REPO_ROOT });
  return {
    process: proc,
    line: <T>(tag: string, timeoutMs = 15_000) =>
      waitFor(() => {
        const found = proc.output().split('\n').find((l) => l.startsWith(`${tag} `));
        return found ? (JSON.parse(found.slice(tag.length + 1)) as T) : undefined;
      }, timeoutMs, 20).catch((err: Error) => {
        throw new Error(`${err.message}; waiting for ${tag}\n--- fixture output ---\n${proc.output()}`);
      }),
  };
}

/** Resolves with the exit code once the process has exited, or with 'still running' after `ms`. */
export function exitWithin(proc: ManagedProcess, ms: number): Promise<number | NodeJS.Signals | null | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    proc.exited.finally(() => clearTimeout(timer)),
    new Promise<'still running'>((resolve) => {
      timer = setTimeout(() => resolve('still running'), ms);
    }),
  ]);
}
