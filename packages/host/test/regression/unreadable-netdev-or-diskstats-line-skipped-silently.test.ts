/*
 * Bug: a line the parser could not read in an otherwise readable /proc/net/dev or /proc/diskstats (a counter column
 * that is no u64, a short line) was skipped without a word: that interface or disk vanished from latest() and
 * /metrics while the group's success gauge said 1 and nothing was logged. Each such line is now said once per
 * interface or disk and problem (a warning on the diagnostic logger, like the collectors' other problems, not at every
 * interval), and the rest of the file is still read. Interfaces and disks the filters leave out anyway are not said.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startIoGroupOver } from '../fixtures/fakes';

const HEADER = [
  'Inter-|   Receive                                                |  Transmit',
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
];
/** eth0's receive drop column (the 4th) is `x`; veth0 (left out by default) is short; eth1 is fine. */
const NET_DEV = [
  ...HEADER,
  '    lo:    5000      50    0    0    0     0          0         0     5000      50    0    0    0     0       0          0',
  '  eth0:    7000      70    1    x    0     0          0         0     3000      30    3    4    0     0       0          0',
  ' veth0: 1 2 3',
  '  eth1:    1000      10    0    0    0     0          0         0     2000      20    0    0    0     0       0          0',
  '',
].join('\n');

/** sda is fine; sdb has 10 columns (the 14 of kernel 2.6+ needed); sdc's sectors read (6th column) is -1; loop0 (left out) is short. */
const DISKSTATS = [
  '   8       0 sda 10 0 100 5 4 0 40 2 0 7 7 0 0 0 0 0 0',
  '   8      16 sdb 10 0 100 5 4 0 40',
  '   8      32 sdc 10 0 -1 5 4 0 40 2 0 7 7 0 0 0 0 0 0',
  '   7       0 loop0 1',
  '',
].join('\n');

function setup(group: 'network' | 'disk') {
  const started = startIoGroupOver('unreadable', group, { 'net/dev': NET_DEV, diskstats: DISKSTATS, 'block/sda/size': '1\n', 'block/sdb/size': '1\n', 'block/sdc/size': '1\n', 'block/loop0/size': '1\n' });
  return { ...started, said: () => started.lines.filter((l) => l.startsWith(`warn: host ${group}`)) };
}

describe('regression: an unreadable line in a readable /proc/net/dev or /proc/diskstats is said, once', () => {
  it('network: eth1 is read, eth0 is left out and said once over three collections; veth0 (filtered) is not said', async () => {
    const { host, dir, success, said, done } = setup('network');
    try {
      await host.collectNow();
      await host.collectNow();
      await host.collectNow();
      expect(host.latest()!.network.map((n) => [n.interface, n.rxBytes, n.txBytes])).toEqual([['eth1', 1000, 2000]]);
      expect(await success()).toBe('1');
      const file = join(dir, 'net', 'dev');
      // The line is quoted up to its 80th character.
      expect(said()).toEqual([`warn: host network: ${file}: eth0: column 4 (receive drop) is not a u64 counter; left out (${JSON.stringify(NET_DEV.split('\n')[3]!.slice(0, 80))}) `]);

      // A new problem is said once more; the same one again (its counters moved) is not.
      writeFileSync(file, NET_DEV.replace('  eth1:    1000      10', '  eth1:    1000').replace('3000      30    3', '3100      31    3'));
      await host.collectNow();
      await host.collectNow();
      expect(host.latest()!.network).toEqual([]);
      expect(said()).toHaveLength(2);
      expect(said()[1]).toContain(`${file}: eth1: 15 columns, at least 16 expected; left out`);
    } finally {
      await done();
    }
  });

  it('disk: sda is read, sdb and sdc are left out and each said once; loop0 (filtered) is not said', async () => {
    const { host, dir, success, said, done } = setup('disk');
    try {
      await host.collectNow();
      await host.collectNow();
      expect(host.latest()!.disks.map((d) => [d.device, d.readBytes])).toEqual([['sda', 100 * 512]]);
      expect(await success()).toBe('1');
      const file = join(dir, 'diskstats');
      expect(said()).toEqual([
        `warn: host disk: ${file}: sdb: 10 columns, at least 14 expected; left out (${JSON.stringify(DISKSTATS.split('\n')[1])}) `,
        `warn: host disk: ${file}: sdc: column 6 (sectors read) is not a u64 counter; left out (${JSON.stringify(DISKSTATS.split('\n')[2])}) `,
      ]);
    } finally {
      await done();
    }
  });
});
