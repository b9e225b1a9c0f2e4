import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { RoundSummary } from './generateLoad';

/**
 * Which CPUs the load generator and the service run on: the load generator alone on CPU 0, the service (its main
 * thread, its workers, V8's helpers) on the others, when `taskset` works and there are at least 2 CPUs; else none.
 * Pinned, every process of a run finds the same placement: unpinned, the kernel's wake-up placement of a service's
 * main thread next to the load generator or away from it changed from round to round and from process to process.
 */
export interface CpuPlan {
  readonly loader?: string;
  readonly service?: string;
}

let plan: CpuPlan | undefined;
/** The CPU plan of this machine (checked once). */
export function cpuPlan(): CpuPlan {
  if (plan) return plan;
  const cpus = os.cpus().length;
  const hasTaskset = process.platform === 'linux' && cpus >= 2 && spawnSync('taskset', ['-c', '0', process.execPath, '-e', '0'], { stdio: 'ignore' }).status === 0;
  plan = hasTaskset ? { loader: '0', service: cpus === 2 ? '1' : `1-${cpus - 1}` } : {};
  return plan;
}

/** A command line run on the given CPUs (through `taskset`, which execs it: the pid stays the command's). */
export function onCpus(cpus: string | undefined, command: string, args: readonly string[]): [string, string[]] {
  return cpus ? ['taskset', ['-c', cpus, command, ...args]] : [command, [...args]];
}

/** A load generator in its own process: drives `POST /generate` on request and answers each round's summary. */
export interface LoadProcess {
  drive(app: string, model: string, seconds: number, connections: number, pid?: number): Promise<RoundSummary>;
  stop(): void;
}

/**
 * Starts the load generator (`loadWorker.js`, autocannon) as a child process on `cpus`: kept out of the bench's own
 * process, whose event loop also holds the idle services' pipes and the previous rounds' garbage.
 */
export function startLoadProcess(cpus: string | undefined): LoadProcess {
  const [command, args] = onCpus(cpus, process.execPath, [path.join(__dirname, 'loadWorker.js')]);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    drive(app, model, seconds, connections, pid) {
      return new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
        child.once('exit', onExit);
        child.once('message', (m: { ok: true; round: RoundSummary } | { ok: false; error: string }) => {
          child.off('exit', onExit);
          if (m.ok) resolve(m.round);
          else reject(new Error(m.error));
        });
        child.send({ app, model, seconds, connections, pid });
      });
    },
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}
