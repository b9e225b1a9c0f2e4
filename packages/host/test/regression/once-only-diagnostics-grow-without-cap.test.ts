/*
 * Bug: the collectors say each distinct problem once, remembering what they said in a Set that was never bounded. A
 * file that keeps naming new broken devices (a /proc/net/dev or /proc/diskstats with ever new unreadable interfaces
 * or disks), or a cgroup file whose garbage changes at every read, added a log line and a remembered key at every
 * collection, for ever. Each reporter now says at most 100 distinct problems, then one line that further ones are
 * suppressed, and nothing more.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupCollector } from '../../src/collectors/CgroupCollector';
import { DiskCollector } from '../../src/collectors/DiskCollector';
import { NetworkCollector } from '../../src/collectors/NetworkCollector';
import { createNameFilter } from '../../src/collectors/nameFilter';
import { captureDiag, fakeProc, tempDir } from '../fixtures/fakes';

const LO = '    lo:    5000      50    0    0    0     0          0         0     5000      50    0    0    0     0       0          0';
/** /proc/net/dev with lo and `count` interfaces from `first` on whose receive-drop column is `x`. */
const netDev = (first: number, count: number) =>
  [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
    LO,
    ...Array.from({ length: count }, (_, i) => `  eth${first + i}:    7000      70    1    x    0     0          0         0     3000      30    3    4    0     0       0          0`),
    '',
  ].join('\n');
/** /proc/diskstats with a readable sda and `count` disks from `first` on whose sectors-read column is -1. */
const diskstats = (first: number, count: number) =>
  ['   8 0 sda 10 0 100 5 4 0 40 2 0 7 7 0 0 0 0 0 0', ...Array.from({ length: count }, (_, i) => `   8 ${first + i + 1} vd${first + i} 10 0 -1 5 4 0 40 2 0 7 7 0 0 0 0 0 0`)].join('\n') + '\n';

const said = (lines: string[], prefix: string) => lines.filter((l) => l.startsWith(`warn: ${prefix}`));

describe('regression: once-only diagnostics are capped', () => {
  it('network: 300 distinct unreadable interfaces give 100 lines and one line that the rest are suppressed', async () => {
    const { dir, cleanup } = tempDir('cap-net');
    try {
      fakeProc(dir, { 'net/dev': netDev(0, 150) });
      const { diag, lines } = captureDiag();
      const c = new NetworkCollector(dir, createNameFilter({ include: [], exclude: [] }), undefined, diag);
      await c.collect();
      writeFileSync(join(dir, 'net', 'dev'), netDev(150, 150));
      await c.collect();
      const out = said(lines, 'host network');
      expect(out).toHaveLength(101);
      expect(out.slice(0, 100).every((l) => / eth\d+: column 4 \(receive drop\) is not a u64 counter; left out/.test(l))).toBe(true);
      expect(out[100]).toBe('warn: host network: 100 distinct problems said; further problems are suppressed');
    } finally {
      cleanup();
    }
  });

  it('disk: 300 distinct unreadable disks give 100 lines and one line that the rest are suppressed', async () => {
    const { dir, cleanup } = tempDir('cap-disk');
    try {
      // No /sys/block under sysPath: every disk the filter keeps counts.
      fakeProc(dir, { diskstats: diskstats(0, 150) });
      const { diag, lines } = captureDiag();
      const c = new DiskCollector(dir, join(dir, 'nosys'), createNameFilter({ include: [], exclude: [] }), undefined, diag);
      await c.collect();
      writeFileSync(join(dir, 'diskstats'), diskstats(150, 150));
      await c.collect();
      const out = said(lines, 'host disk');
      expect(out).toHaveLength(101);
      expect(out[100]).toBe('warn: host disk: 100 distinct problems said; further problems are suppressed');
    } finally {
      cleanup();
    }
  });

  it('container: a cgroup file whose garbage changes at every read is said at most 100 times', () => {
    jest.spyOn(process as unknown as { constrainedMemory: () => number | undefined }, 'constrainedMemory').mockReturnValue(undefined);
    const { dir, cleanup } = tempDir('cap-cgroup');
    try {
      fakeProc(dir, {
        'memory/memory.limit_in_bytes': '9223372036854771712\n',
        'memory/memory.usage_in_bytes': 'garbage-0\n',
        'memory/memory.stat': 'total_rss 104857600\ntotal_inactive_file 52428800\n',
        'memory/memory.failcnt': '0\n',
        'memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
        'cpu/cpu.cfs_quota_us': '-1\n',
        'cpu/cpu.cfs_period_us': '100000\n',
        'cpu/cpu.stat': 'nr_periods 1\nnr_throttled 0\nthrottled_time 0\n',
        'cpuacct/cpuacct.usage': '1000000000\n',
      });
      const { diag, lines } = captureDiag();
      const c = new CgroupCollector('/nonexistent', 1000, diag, dir);
      for (let i = 0; i < 300; i++) {
        writeFileSync(join(dir, 'memory', 'memory.usage_in_bytes'), `garbage-${i}\n`);
        c.collect();
      }
      const out = said(lines, 'host container');
      const file = join(dir, 'memory', 'memory.usage_in_bytes');
      expect(out).toEqual([
        ...Array.from({ length: 100 }, (_, i) => `warn: host container: ${file}: not a number: "garbage-${i}"; figure left out`),
        'warn: host container: 100 distinct problems said; further problems are suppressed',
      ]);
    } finally {
      cleanup();
      jest.restoreAllMocks();
    }
  });
});
