// The main thread's CPU time, read precisely, for the "longest event-loop block" figures measured as CPU time
// between two event-loop ticks. process.threadCpuUsage() (Node 23.9+) reads getrusage(RUSAGE_THREAD), which Linux
// updates only at scheduler ticks and context switches: spinning, it advances in steps of up to 4 ms (HZ 250), so a
// 2 ms gap between two ticks can read 0 or 6 ms. clock_gettime(CLOCK_THREAD_CPUTIME_ID) is exact; Node does not
// expose it, koffi (a dependency of @perfkit/host, for NVML) calls it in about 1.6 µs. Without koffi the figure falls
// back to process.cpuUsage() (exact too, but every thread of the process: an upper bound, GC helpers included).
// The cluster suite's child processes require the compiled file (dist/suites/threadCpu.js) by path.

import path from 'node:path';

/** A clock of main-thread CPU time (ms), and what it reads. */
export interface ThreadCpuClock {
  now(): number;
  readonly what: string;
}

const CLOCK_THREAD_CPUTIME_ID = 3;

/** The part of koffi used here. */
interface Koffi {
  load(name: string): { func(signature: string): (clock: number, out: { tv_sec: number; tv_nsec: number }) => number };
  struct(name: string, fields: Record<string, string>): unknown;
}

/** The most precise main-thread CPU clock available; `root` is the repository root (to find koffi). */
export function threadCpuClock(root: string): ThreadCpuClock {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require(require.resolve('koffi', { paths: [path.join(root, 'packages', 'host')] })) as Koffi;
    const libc = koffi.load('libc.so.6');
    koffi.struct('bench_timespec', { tv_sec: 'int64', tv_nsec: 'int64' });
    const clockGettime = libc.func('int clock_gettime(int, _Out_ bench_timespec *)');
    const ts = { tv_sec: 0, tv_nsec: 0 };
    if (clockGettime(CLOCK_THREAD_CPUTIME_ID, ts) !== 0) throw new Error('clock_gettime failed');
    return { now: () => (clockGettime(CLOCK_THREAD_CPUTIME_ID, ts), ts.tv_sec * 1e3 + ts.tv_nsec / 1e6), what: 'main-thread CPU time (CLOCK_THREAD_CPUTIME_ID)' };
  } catch {
    return {
      now: () => {
        const c = process.cpuUsage();
        return (c.user + c.system) / 1000;
      },
      what: 'process CPU time (process.cpuUsage; koffi unavailable: an upper bound for the main thread)',
    };
  }
}
