/*
 * Bug: a /proc/net/dev or /proc/diskstats that could be read but held no line the parser could read (garbage, a
 * truncated file, a format the parser does not know) gave an empty list of interfaces or disks: the network or disk
 * figures left latest() and /metrics, yet `perfkit_host_collector_success_ratio` stayed 1 and nothing was logged,
 * so a dashboard showed "no traffic" with a healthy collector. The kernel always lists `lo` in /proc/net/dev (every
 * network namespace has one), so a /proc/net/dev without a readable interface line is now a failed collection.
 * /proc/diskstats lists the block devices there are, and a machine can have none (a diskless NFS-root or
 * initramfs-only system): an empty file is a machine without disks; a non-empty one without a readable device line
 * is a failed collection. Each failure is said once (`host <group> collection failed`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startIoGroupOver } from '../fixtures/fakes';

/** /proc/net/dev as this VM's kernel printed it (ifb* cut), with eth0's counters made round. */
const HEADER = [
  'Inter-|   Receive                                                |  Transmit',
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
];
const NET_DEV = [
  ...HEADER,
  '    lo:    5000      50    0    0    0     0          0         0     5000      50    0    0    0     0       0          0',
  '  eth0:    7000      70    1    2    0     0          0         0     3000      30    3    4    0     0       0          0',
  '',
].join('\n');
/** /proc/diskstats: sda read 100 sectors and wrote 40 (kernel 5.5+ layout, 20 columns). */
const DISKSTATS = '   8       0 sda 10 0 100 5 4 0 40 2 0 7 7 0 0 0 0 0 0\n';

function setup(group: 'network' | 'disk') {
  const started = startIoGroupOver('garbled', group, { 'net/dev': NET_DEV, diskstats: DISKSTATS, 'block/sda/size': '1\n' });
  return { ...started, failures: () => started.lines.filter((l) => l.startsWith(`warn: host ${group} collection failed`)) };
}

describe('regression: an unreadable /proc/net/dev or /proc/diskstats is a failed collection, not an empty one', () => {
  it('sets the network success gauge to 0 and says so once when /proc/net/dev turns to garbage', async () => {
    const { host, dir, success, failures, done } = setup('network');
    try {
      await host.collectNow();
      expect(host.latest()!.network.map((n) => [n.interface, n.rxBytes])).toEqual([['eth0', 7000]]);
      expect(await success()).toBe('1');

      writeFileSync(join(dir, 'net/dev'), 'garbage\n\u0000\u0000 not: a counter line\n');
      await host.collectNow();
      await host.collectNow();
      expect(host.latest()!.network).toEqual([]);
      expect(await success()).toBe('0');
      expect(failures()).toHaveLength(1);
      expect(failures()[0]).toContain(join(dir, 'net/dev'));

      writeFileSync(join(dir, 'net/dev'), NET_DEV);
      await host.collectNow();
      expect(host.latest()!.network.map((n) => [n.interface, n.txBytes])).toEqual([['eth0', 3000]]);
      expect(await success()).toBe('1');
    } finally {
      await done();
    }
  });

  it('fails on the two header lines alone: the kernel always lists lo after them', async () => {
    const { host, dir, success, failures, done } = setup('network');
    try {
      writeFileSync(join(dir, 'net/dev'), `${HEADER.join('\n')}\n`);
      await host.collectNow();
      expect(await success()).toBe('0');
      expect(failures()).toHaveLength(1);
    } finally {
      await done();
    }
  });

  it('stays successful when the interfaces filter leaves nothing: lo is read, then excluded (the default filter)', async () => {
    const { host, dir, success, failures, done } = setup('network');
    try {
      writeFileSync(join(dir, 'net/dev'), NET_DEV.split('\n').filter((l) => !l.includes('eth0')).join('\n'));
      await host.collectNow();
      expect(host.latest()!.network).toEqual([]);
      expect(await success()).toBe('1');
      expect(failures()).toEqual([]);
    } finally {
      await done();
    }
  });

  it('sets the disk success gauge to 0 and says so once when /proc/diskstats turns to garbage', async () => {
    const { host, dir, success, failures, done } = setup('disk');
    try {
      await host.collectNow();
      expect(host.latest()!.disks.map((d) => [d.device, d.readBytes])).toEqual([['sda', 100 * 512]]);
      expect(await success()).toBe('1');

      // Kernels before 2.6.25 wrote partitions with 4 counters (7 columns); a truncated read or garbage likewise.
      writeFileSync(join(dir, 'diskstats'), '   8       1 sda1 10 100 4 40\ngarbage\n');
      await host.collectNow();
      await host.collectNow();
      expect(host.latest()!.disks).toEqual([]);
      expect(await success()).toBe('0');
      expect(failures()).toHaveLength(1);
      expect(failures()[0]).toContain(join(dir, 'diskstats'));

      writeFileSync(join(dir, 'diskstats'), DISKSTATS);
      await host.collectNow();
      expect(host.latest()!.disks.map((d) => [d.device, d.writeBytes])).toEqual([['sda', 40 * 512]]);
      expect(await success()).toBe('1');
    } finally {
      await done();
    }
  });

  it('stays successful with no disks when /proc/diskstats is empty (a machine without block devices)', async () => {
    const { host, dir, success, failures, done } = setup('disk');
    try {
      writeFileSync(join(dir, 'diskstats'), '');
      await host.collectNow();
      expect(host.latest()!.disks).toEqual([]);
      expect(await success()).toBe('1');
      expect(failures()).toEqual([]);
    } finally {
      await done();
    }
  });
});
