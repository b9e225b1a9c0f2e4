/*
 * Bug: process.open_fds counted the files perfkit's own collectors had open at that moment (the readdir's
 * directory, /proc files other collectors were reading concurrently): 26 against 20.
 */
import { readdirSync } from 'node:fs';
import { startHost } from '../fixtures/fakes';

/** This test's own count: the entries of /proc/self/fd minus the one its readdir opened. */
const ownCount = () => readdirSync('/proc/self/fd').length - 1;

describe('regression: process.open_fds counts only the service\'s descriptors', () => {
  it('equals the count taken by the test while every collector runs at once', async () => {
    const { perf, host } = startHost({ gpu: false, intervalMs: 3_600_000, ioIntervalMs: 3_600_000 });
    try {
      for (let i = 0; i < 5; i++) {
        await host.collectNow();
        const reported = host.latest()!.process!.openFds;
        expect(reported).toBe(ownCount());
      }
    } finally {
      await perf.shutdown();
    }
  });
});
