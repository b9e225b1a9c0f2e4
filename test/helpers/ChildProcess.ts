import { spawn, type ChildProcess as NodeChild } from 'node:child_process';

/** A child process whose output is kept (last 256 KiB) for error messages, and that can be stopped once. */
export interface ManagedProcess {
  readonly child: NodeChild;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 15 s: the example drains for up to 10 s, then flushes); resolves once it has exited. Idempotent. */
  stop(graceMs?: number): Promise<number | NodeJS.Signals | null>;
}

const MAX_OUTPUT = 256 * 1024;
const running = new Set<ManagedProcess>();

/** Starts `command` with output captured; every process started this way is killed when the test process exits. */
export function startProcess(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ManagedProcess {
  const child = spawn(command, [...args], { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > MAX_OUTPUT) output = output.slice(-MAX_OUTPUT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
    child.once('error', (err) => {
      append(Buffer.from(`\n[spawn error] ${err.message}\n`));
      resolve(null);
    });
  });
  let stopping: Promise<number | NodeJS.Signals | null> | undefined;
  const managed: ManagedProcess = {
    child,
    output: () => output,
    exited,
    stop: (graceMs = 15_000) =>
      (stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          const result = await exited;
          clearTimeout(timer);
          running.delete(managed);
          return result;
        }
        running.delete(managed);
        return exited;
      })()),
  };
  running.add(managed);
  void exited.then(() => running.delete(managed));
  return managed;
}

process.once('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});
