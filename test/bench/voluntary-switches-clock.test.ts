import { readFileSync } from 'node:fs';
import path from 'node:path';
import { voluntarySwitchesClock } from '../../bench/src/suites/threadCpu';

const ROOT = path.resolve(__dirname, '..', '..');

/** The kernel's own count of the calling thread's voluntary switches (/proc/thread-self/status). */
function kernelCount(): number {
  const m = /^voluntary_ctxt_switches:\s+(\d+)$/m.exec(readFileSync('/proc/thread-self/status', 'latin1'));
  return Number(m![1]);
}

// The cluster suite's "steal out where the thread never slept" figures rest on this count: a gap without a voluntary
// switch is read as its CPU time. A count that missed sleeps would hide a turn's own waits (GC helper threads, page
// faults on a lock) as steal.
describe('voluntary switches clock (getrusage RUSAGE_THREAD through koffi)', () => {
  const clock = voluntarySwitchesClock(ROOT);

  it('is there on 64-bit Linux with koffi installed', () => {
    if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return;
    expect(clock).toBeDefined();
  });

  it('reads what the kernel reads, counts each sleep, and nothing while the thread spins', () => {
    if (!clock) return;
    const before = clock();
    const fromKernel = kernelCount();
    // Read in this order: the kernel's file was read after the clock, so it can only be the same or higher.
    expect(fromKernel).toBeGreaterThanOrEqual(before);
    expect(fromKernel - before).toBeLessThan(3);
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const asleep = clock();
    for (let i = 0; i < 10; i++) Atomics.wait(cell, 0, 0, 2); // ten sleeps of 2 ms: ten voluntary switches
    const afterSleeps = clock();
    expect(afterSleeps - asleep).toBeGreaterThanOrEqual(10);
    const spinStart = clock();
    const until = performance.now() + 20;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1); // a spin never blocks: preemption is involuntary
    // A few at most: V8's own threads can make the main thread wait on a lock for a moment (seen: 2 under parallel jest).
    expect(clock() - spinStart).toBeLessThanOrEqual(3);
    expect(x).toBeGreaterThan(0);
  });
});
