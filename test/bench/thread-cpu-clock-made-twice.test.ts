import path from 'node:path';
import { threadCpuClock } from '../../bench/src/suites/threadCpu';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Regression: koffi refuses to declare a struct twice, so every threadCpuClock() after the first one in a process
 * threw inside its try and quietly fell back to process.cpuUsage() (every thread's CPU, GC helpers included). The
 * dashboard report figure (reportSlices, one clock per round) and the cluster suite's note after the scrape suite read
 * process CPU while their labels said main thread.
 */
describe('threadCpuClock made twice in one process', () => {
  it('is the main-thread clock both times', () => {
    const first = threadCpuClock(ROOT);
    const second = threadCpuClock(ROOT);
    expect(first.what).toContain('CLOCK_THREAD_CPUTIME_ID');
    expect(second.what).toContain('CLOCK_THREAD_CPUTIME_ID');
  });

  it('does not count a worker thread that burns CPU while the main thread sleeps', async () => {
    const { Worker } = await import('node:worker_threads');
    const clock = threadCpuClock(ROOT);
    threadCpuClock(ROOT);
    const before = clock.now();
    const processBefore = process.cpuUsage();
    // The worker burns a fixed amount of CPU (about 0.3 s on the idle 2-core machine); the main thread only waits for its message.
    const worker = new Worker('let x = 0; for (let i = 0; i < 3e7; i++) x += i; require("node:worker_threads").parentPort.postMessage(x);', { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    const mainMs = clock.now() - before;
    const processUsed = process.cpuUsage(processBefore);
    const processMs = (processUsed.user + processUsed.system) / 1000;
    // The process spent the worker's CPU; the main thread a small part of it (starting the worker).
    expect(processMs).toBeGreaterThan(50);
    expect(mainMs).toBeLessThan(processMs / 2);
  });
});
