/*
 * Bug: process.open_fds counted the files perfkit's own collectors had open at that moment (the readdir's
 * directory, /proc files other collectors were reading concurrently): 26 against 20.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { startHost } from '../fixtures/fakes';

/** Where each descriptor of this process points, by the kernel's own links (the readdir's own is closed by then). */
function fdTargets(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      out.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // the directory descriptor readdir used, closed already
    }
  }
  return out;
}

/** Kernel files perfkit keeps open between collections (pread at offset 0 instead of open/read/close). */
const isKernelFile = (target: string) => /^\/(proc|sys)\//.test(target);

const kernelFiles = () => fdTargets().filter(isKernelFile).length;

/**
 * This test's own count: every descriptor except the kernel files perfkit opened since `before` (kernel files held
 * before this test started, by anything else in this jest worker, are the service's as far as this test knows).
 */
const ownCount = (before: number) => fdTargets().length - (kernelFiles() - before);

describe('regression: process.open_fds counts only the service\'s descriptors', () => {
  it('equals the count taken by the test while every collector runs at once', async () => {
    const before = kernelFiles();
    const { perf, host } = startHost({ gpu: false, intervalMs: 3_600_000, ioIntervalMs: 3_600_000 });
    try {
      for (let i = 0; i < 5; i++) {
        await host.collectNow();
        const reported = host.latest()!.process!.openFds;
        expect(reported).toBe(ownCount(before));
      }
      // The collectors do hold kernel files open (so the subtraction is exercised), and give them back at shutdown.
      expect(kernelFiles() - before).toBeGreaterThan(5);
      await perf.shutdown();
      expect(kernelFiles()).toBe(before);
    } finally {
      await perf.shutdown();
    }
  });
});
