import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The READY line of the example service: `PERFKIT_EXAMPLE_READY {"app": "...", ...}`. */
export interface ExampleReady {
  readonly app: string;
  readonly metrics?: string;
  readonly [key: string]: unknown;
}

/** A started example service; `stop()` kills it (SIGTERM, then SIGKILL). */
export interface ExampleProcess {
  readonly ready: ExampleReady;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// An interrupted bench must not leave example services behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Path of the built example, or undefined when it has not been built. */
export function exampleMain(root: string): string | undefined {
  const main = path.join(root, 'examples', 'model-service', 'dist', 'main.js');
  return existsSync(main) ? main : undefined;
}

/**
 * Starts the example on free ports without its own traffic; rejects if it exits or is not ready in time. `nodeArgs`
 * go to node itself (e.g. `--cpu-prof`, which NODE_OPTIONS does not take). `cpus` pins every thread of it once it is
 * ready (`taskset -apc`; threads started later inherit it): it starts on every CPU, since on a loaded machine one CPU
 * left a pinned start past the timeout.
 */
export function startExample(main: string, extraArgs: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000, nodeArgs: readonly string[] = [], cpus?: string): Promise<ExampleProcess> {
  const child = spawn(process.execPath, [...nodeArgs, main, '--port', '0', '--metrics-port', '0', '--no-traffic', ...extraArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      // No pid: the spawn failed, and kill() would signal our own process group (libuv kills pid 0).
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      kill.unref();
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`example not ready after ${timeoutMs} ms\n${out}\n${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('PERFKIT_EXAMPLE_READY '));
      if (!line || !out.slice(out.indexOf(line)).includes('\n')) return;
      clearTimeout(timer);
      if (cpus && child.pid !== undefined) spawnSync('taskset', ['-apc', cpus, String(child.pid)], { stdio: 'ignore' });
      try {
        resolve({ ready: JSON.parse(line.slice('PERFKIT_EXAMPLE_READY '.length)) as ExampleReady, child, stop });
      } catch (e) {
        void stop();
        reject(new Error(`unreadable READY line: ${line} (${String(e)})`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`example exited (${code ?? signal}) before it was ready\n${out}\n${err}`));
    });
  });
}
