import { readFileSync } from 'node:fs';
import { parseDiskstats, parseLoadavg, parseMeminfo, parseMounts, parseNetDev, parseProcStat } from '../../src/collectors/procfs';

const HOSTILE = ['', 'NaN', '\0\0\0', 'x'.repeat(1_000_000), 'cpu  NaN Infinity -1 1e309 0 0 0 0', ':::\n|||', '\uFFFF'.repeat(1000)];

describe('procfs parsers', () => {
  it('reads the aggregate cpu line and counts logical CPUs when given /proc/stat', () => {
    const stat = parseProcStat('cpu  10 1 5 100 2 0 3 4 0 0\ncpu0 5 0 2 50 1 0 1 2 0 0\ncpu1 5 1 3 50 1 0 2 2 0 0\nintr 1 2\n');
    expect(stat).toEqual({ ticks: { user: 10, nice: 1, system: 5, idle: 100, iowait: 2, irq: 0, softirq: 3, steal: 4 }, logicalCount: 2 });
  });

  it('agrees with the real /proc/stat when parsed twice', () => {
    const real = parseProcStat(readFileSync('/proc/stat', 'utf8'));
    expect(real?.logicalCount).toBeGreaterThan(0);
    expect(real!.ticks.idle).toBeGreaterThan(0);
  });

  it('converts kB to bytes and keeps plain counts when given /proc/meminfo', () => {
    const info = parseMeminfo('MemTotal:       1000 kB\nMemAvailable:    400 kB\nHugePages_Total:       3\nbroken line\n');
    expect(info.get('MemTotal')).toBe(1_024_000);
    expect(info.get('MemAvailable')).toBe(409_600);
    expect(info.get('HugePages_Total')).toBe(3);
    expect(info.size).toBe(3);
  });

  it('unescapes octal sequences and keeps the last entry of a mountpoint mounted twice', () => {
    const mounts = parseMounts('/dev/a /mnt/my\\040disk ext4 rw 0 0\ntmpfs /x tmpfs rw 0 0\n/dev/b /x xfs rw 0 0\nbad\n');
    expect(mounts).toEqual([
      { device: '/dev/a', mountpoint: '/mnt/my disk', type: 'ext4' },
      { device: '/dev/b', mountpoint: '/x', type: 'xfs' },
    ]);
  });

  it('reads sectors as 512-byte units and milliseconds as seconds when given /proc/diskstats', () => {
    const [d] = parseDiskstats('   8       0 sda 100 0 2000 30 50 0 4000 70 0 90 100 0 0 0 0\n');
    expect(d).toEqual({ device: 'sda', reads: 100, writes: 50, readBytes: 1_024_000, writeBytes: 2_048_000, ioTimeSeconds: 0.09, readTimeSeconds: 0.03, writeTimeSeconds: 0.07 });
  });

  it('skips both header lines and reads every interface when given /proc/net/dev', () => {
    const text = readFileSync('/proc/net/dev', 'utf8');
    const parsed = parseNetDev(text);
    expect(parsed.length).toBe(text.trim().split('\n').length - 2);
    const [eth] = parseNetDev(' eth0: 1 2 3 4 0 0 0 0 5 6 7 8 0 0 0 0\n');
    expect(eth).toEqual({ interface: 'eth0', rxBytes: 1, rxPackets: 2, rxErrors: 3, rxDropped: 4, txBytes: 5, txPackets: 6, txErrors: 7, txDropped: 8 });
  });

  it('reads the three averages when given /proc/loadavg', () => {
    expect(parseLoadavg('0.66 0.40 0.23 2/109 12099\n')).toEqual({ one: 0.66, five: 0.4, fifteen: 0.23 });
  });

  it.each(HOSTILE)('returns nothing and does not throw when given hostile text %#', (text) => {
    expect(parseProcStat(text)).toBeUndefined();
    expect(parseMeminfo(text).size).toBe(0);
    expect(parseLoadavg(text)).toBeUndefined();
    expect(parseMounts(text)).toEqual([]);
    expect(parseDiskstats(text)).toEqual([]);
    expect(parseNetDev(text)).toEqual([]);
  });

  it('rejects numbers beyond 2^53 instead of rounding them when a counter is absurd', () => {
    expect(parseProcStat('cpu  99999999999999999999 0 0 0 0 0 0 0\n')).toBeUndefined();
  });
});
