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

/** koffi (a dependency of @perfkit/host; `root` is the repository root) and the C library through it; throws without them. */
function loadLibc(root: string): { koffi: Koffi; libc: ReturnType<Koffi['load']> } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require(require.resolve('koffi', { paths: [path.join(root, 'packages', 'host')] })) as Koffi;
  return { koffi, libc: koffi.load('libc.so.6') };
}

/** The koffi clock once made: koffi refuses to declare its struct twice, so a second call fell back to process CPU. */
let koffiClock: ThreadCpuClock | undefined;

/** The most precise main-thread CPU clock available; `root` is the repository root (to find koffi). */
export function threadCpuClock(root: string): ThreadCpuClock {
  if (koffiClock) return koffiClock;
  try {
    const { koffi, libc } = loadLibc(root);
    koffi.struct('bench_timespec', { tv_sec: 'int64', tv_nsec: 'int64' });
    const clockGettime = libc.func('int clock_gettime(int, _Out_ bench_timespec *)');
    const ts = { tv_sec: 0, tv_nsec: 0 };
    if (clockGettime(CLOCK_THREAD_CPUTIME_ID, ts) !== 0) throw new Error('clock_gettime failed');
    koffiClock = { now: () => (clockGettime(CLOCK_THREAD_CPUTIME_ID, ts), ts.tv_sec * 1e3 + ts.tv_nsec / 1e6), what: 'main-thread CPU time (CLOCK_THREAD_CPUTIME_ID)' };
    return koffiClock;
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

/** Offset of `ru_nvcsw` in glibc's `struct rusage` on 64-bit Linux: two `struct timeval` (16 bytes each), then 12 longs. */
const RU_NVCSW = 32 + 12 * 8;
const RUSAGE_THREAD = 1;

/**
 * The calling thread's voluntary context switches, `getrusage(RUSAGE_THREAD)`'s `ru_nvcsw` through koffi (the count
 * /proc/thread-self/status gives as `voluntary_ctxt_switches`; exact: the kernel counts it at each switch). A thread
 * switches voluntarily when it sleeps or blocks (a futex wait for GC helpers, a page fault waiting on a lock, I/O);
 * being preempted is an involuntary switch, its wait the run delay. So in a stretch where this count stays the same,
 * the thread never slept: wall time beyond its CPU time and run delay there is steal (the hypervisor running another
 * guest on its virtual CPU). Undefined without koffi or off 64-bit Linux. Reads into one buffer: allocation-free.
 */
export function voluntarySwitchesClock(root: string): (() => number) | undefined {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return undefined;
  try {
    const getrusage = loadLibc(root).libc.func('int getrusage(int, _Out_ uint8_t *buf)') as unknown as (who: number, out: Buffer) => number;
    const buf = Buffer.alloc(144);
    if (getrusage(RUSAGE_THREAD, buf) !== 0) return undefined;
    return () => (getrusage(RUSAGE_THREAD, buf), buf.readUInt32LE(RU_NVCSW));
  } catch {
    return undefined;
  }
}

/**
 * The main thread's scheduler accounting from /proc/thread-self/schedstat: nanoseconds on a CPU, nanoseconds runnable
 * but waiting for a CPU (run delay), and time slices. Wall time minus run delay is the time a turn held the event loop
 * whatever the machine's load: on-CPU time plus the waits the process causes itself (a parallel scavenge's helpers,
 * page faults), without the time another process held the only free core. Linux only; `undefined` elsewhere.
 */
export interface RunDelayClock {
  /** Milliseconds this thread has waited on a run queue since it started. */
  runDelayMs(): number;
  /**
   * The run delay and the number of times the thread has been switched onto a CPU, from one reading. A stretch in which
   * that count stays the same is one the thread never left its CPU: neither slept nor was preempted; wall time beyond
   * its CPU time there is time the hypervisor gave the virtual CPU to another guest (steal) or interrupts took.
   */
  sample(): { runDelayMs: number; switches: number };
  /**
   * Milliseconds the process's other threads (those alive when the clock was opened: V8's GC and compiler helpers,
   * libuv's pool) have waited on a run queue, summed. A young-generation GC makes the main thread wait for its
   * helpers; on a saturated machine they wait for a CPU, and the main thread's block grows by that wait.
   */
  othersRunDelayMs(): number;
}

/** The `index`th space-separated decimal field of the first `n` bytes of `buf` (NaN if it is not there). */
export function field(buf: Uint8Array, n: number, index: number): number {
  let i = 0;
  for (let skipped = 0; skipped < index; i++) {
    if (i >= n) return NaN;
    if (buf[i] === 0x20) skipped++;
  }
  let value = 0;
  let digits = 0;
  for (; i < n; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    digits++;
  }
  return digits > 0 ? value : NaN;
}

/** A run-delay clock for the calling thread (open it on the thread it measures), or undefined without schedstat. */
export function runDelayClock(): RunDelayClock | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  let fd: number;
  try {
    fd = fs.openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return undefined;
  }
  const buf = Buffer.alloc(96);
  // Read at every event-loop tick while a scrape is measured (150,000 ticks in a 2-second HTTP scrape): the reading
  // allocates nothing, or the measurement's own garbage (about 1 KB a tick as strings and arrays) made scavenges and a
  // full GC inside the scrape it measured. The object returned is the same one each time: read it before the next call.
  const reading = { runDelayMs: 0, switches: 0 };
  const sample = (): { runDelayMs: number; switches: number } => {
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    reading.runDelayMs = field(buf, n, 1) / 1e6;
    reading.switches = field(buf, n, 2);
    return reading;
  };
  const read = (): number => sample().runDelayMs;
  if (!Number.isFinite(read())) {
    fs.closeSync(fd);
    return undefined;
  }
  const self = fs.readFileSync('/proc/thread-self/stat', 'latin1').split(' ')[0];
  const others: number[] = [];
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      if (tid !== self) others.push(fs.openSync(`/proc/self/task/${tid}/schedstat`, 'r'));
    } catch {
      // Gone already.
    }
  }
  const readOther = (other: number): number => {
    try {
      const n = fs.readSync(other, buf, 0, buf.length, 0);
      return field(buf, n, 1) / 1e6 || 0; // allocation-free, as sample() (read at every tick)
    } catch {
      return 0; // the thread has exited: its last reading is lost, so its waits stop counting
    }
  };
  return {
    runDelayMs: read,
    sample,
    othersRunDelayMs: () => {
      let sum = 0;
      for (const other of others) sum += readOther(other);
      return sum;
    },
  };
}
