import { readFileSync } from 'node:fs';
import { parseDiskstats, parseLoadavg, parseMeminfo, parseMountinfo, parseMounts, parseNetDev, parseProcStat } from '../../src/collectors/procfs';

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

describe('procfs parsers against the kernel files and proc(5) (mutation testing, issue 18)', () => {
  // The test's own reading of proc(5): `cpu user nice system idle iowait irq softirq steal guest guest_nice`.
  function ownCpuLine(text: string): number[] {
    const line = text.split('\n').find((l) => l.startsWith('cpu '))!;
    return line.trim().split(/\s+/).slice(1, 9).map(Number);
  }

  it('reads the same eight columns of the real /proc/stat as the test does, guest columns left out', () => {
    const text = readFileSync('/proc/stat', 'utf8');
    const own = ownCpuLine(text);
    const parsed = parseProcStat(text)!;
    expect([parsed.ticks.user, parsed.ticks.nice, parsed.ticks.system, parsed.ticks.idle, parsed.ticks.iowait, parsed.ticks.irq, parsed.ticks.softirq, parsed.ticks.steal]).toEqual(
      own.concat(Array(8 - own.length).fill(0)),
    );
    expect(parsed.logicalCount).toBe(text.split('\n').filter((l) => /^cpu[0-9]+ /.test(l)).length);
  });

  it('ignores guest and guest_nice (already inside user and nice) and lines that only start with cpu', () => {
    const stat = parseProcStat('cpufreq 9 9 9 9\ncpu  10 20 30 40 50 60 70 80 900 1000\ncpu7 1 1 1 1\ncpuX 1 1 1 1\n');
    expect(stat).toEqual({ ticks: { user: 10, nice: 20, system: 30, idle: 40, iowait: 50, irq: 60, softirq: 70, steal: 80 }, logicalCount: 1 });
  });

  it('takes missing trailing columns of an old kernel as 0 but needs the first four', () => {
    expect(parseProcStat('cpu 1 2 3 4\n')?.ticks).toEqual({ user: 1, nice: 2, system: 3, idle: 4, iowait: 0, irq: 0, softirq: 0, steal: 0 });
    expect(parseProcStat('cpu 1 2 3\n')).toBeUndefined();
    expect(parseProcStat('cpu 1 2 x 4\n')).toBeUndefined();
    expect(parseProcStat('cpu 1 2 3 4 x 6\n')?.ticks.iowait).toBe(0);
    expect(parseProcStat('cpu 1 2 3 -4\n')).toBeUndefined();
    expect(parseProcStat('cpu 1.5 2 3 4\n')).toBeUndefined();
  });

  it('skips a line longer than 4096 characters and reads one of exactly 4096', () => {
    const base = 'cpu  1 2 3 4 5 6 7 8';
    expect(parseProcStat(base.padEnd(4096))?.ticks.user).toBe(1);
    expect(parseProcStat(base.padEnd(4097))).toBeUndefined();
    expect(parseMeminfo('MemTotal: 1 kB'.padEnd(4097)).size).toBe(0);
    expect(parseMeminfo('MemTotal: 1 kB'.padEnd(4096)).get('MemTotal')).toBe(1024);
    expect(parseMounts('/dev/a /x ext4 rw'.padEnd(4097))).toEqual([]);
    expect(parseMounts('/dev/a /x ext4 rw'.padEnd(4096))).toHaveLength(1);
    expect(parseDiskstats(' 8 0 sda 1 0 2 3 4 0 5 6 0 7 8'.padEnd(4097))).toEqual([]);
    expect(parseDiskstats(' 8 0 sda 1 0 2 3 4 0 5 6 0 7 8'.padEnd(4096))).toHaveLength(1);
    expect(parseNetDev('eth0: 1 2 3 4 0 0 0 0 5 6 7 8 0 0 0 0'.padEnd(4097))).toEqual([]);
    expect(parseNetDev('eth0: 1 2 3 4 0 0 0 0 5 6 7 8 0 0 0 0'.padEnd(4096))).toHaveLength(1);
    expect(parseLoadavg('1 2 3 ' + 'x'.repeat(5000))).toEqual({ one: 1, five: 2, fifteen: 3 });
  });

  it('reads MemTotal and MemAvailable of the real /proc/meminfo as the test computes them (kB times 1024)', () => {
    const text = readFileSync('/proc/meminfo', 'utf8');
    const own = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text)![1]) * 1024;
    const info = parseMeminfo(text);
    expect(info.get('MemTotal')).toBe(own('MemTotal'));
    expect(info.get('MemFree')).toBe(own('MemFree'));
  });

  it('keeps names with parentheses and numbers without a unit as they are, and skips absurd values', () => {
    const info = parseMeminfo('Active(anon):     8 kB\nHugePages_Free:   7\nHuge: 99999999999999999999 kB\nBad: 5 MB\nNeg: -1 kB\n');
    expect([...info]).toEqual([
      ['Active(anon)', 8192],
      ['HugePages_Free', 7],
    ]);
  });

  it('needs three averages followed by a space in /proc/loadavg', () => {
    expect(parseLoadavg('1 2 3 4/5 6')).toEqual({ one: 1, five: 2, fifteen: 3 });
    expect(parseLoadavg('  0.5 1.25 2.00 1/1 1')).toEqual({ one: 0.5, five: 1.25, fifteen: 2 });
    expect(parseLoadavg('0.66 0.40 0.23')).toBeUndefined();
    expect(parseLoadavg('0.66 0.40\n')).toBeUndefined();
    expect(parseLoadavg('-1 0.40 0.23 1/1 1')).toBeUndefined();
  });

  it('unescapes tab, newline and backslash in mount fields and skips entries without an absolute mountpoint', () => {
    const mounts = parseMounts('/dev/a /a\\011b\\012c\\134d ext4 rw 0 0\nnone none tmpfs rw 0 0\n/dev/c /only-two\n /x ext4 rw 0 0\n/dev/d /y  rw 0 0\n');
    expect(mounts).toEqual([{ device: '/dev/a', mountpoint: '/a\tb\nc\\d', type: 'ext4' }]);
  });

  it('lists the real root filesystem from /proc/self/mounts', () => {
    const own = readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.split(' ')[1] === '/');
    const root = parseMounts(readFileSync('/proc/self/mounts', 'utf8')).find((m) => m.mountpoint === '/');
    expect(root?.type).toBe(own[own.length - 1]!.split(' ')[2]);
  });

  it('reads the mountinfo example line of proc(5), with and without optional fields', async () => {
    const { parseMountinfo } = await import('../../src/collectors/procfs');
    const example = '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue';
    expect(parseMountinfo(example)).toEqual([
      { deviceNumber: '98:0', root: '/mnt1', mountpoint: '/mnt2', type: 'ext3', device: '/dev/root', superOptions: 'rw,errors=continue' },
    ]);
    const text = ['25 1 0:22 / /sys\\040fs rw - sysfs sysfs rw', '26 1 x:y / /bad rw - sysfs sysfs rw', '27 1 0:5 rel /c rw - tmpfs t rw', '28 1 0:6 / /d rw -', '29 1 0:7 / /e rw - cgroup2 cgroup2'].join('\n');
    expect(parseMountinfo(text)).toEqual([
      { deviceNumber: '0:22', root: '/', mountpoint: '/sys fs', type: 'sysfs', device: 'sysfs', superOptions: 'rw' },
      { deviceNumber: '0:7', root: '/', mountpoint: '/e', type: 'cgroup2', device: 'cgroup2', superOptions: '' },
    ]);
    expect(parseMountinfo('30 1 0:8 / /x rw - ext4 /dev/a rw\n31 1 0:9 / /x rw - xfs /dev/b rw').map((m) => m.type)).toEqual(['xfs']);
  });

  it('maps the eleven /proc/diskstats counters to the right fields, merged counts and in-flight ignored', () => {
    // major minor name reads merged sectors ms_reading writes merged sectors ms_writing in_flight ms_io weighted
    const [d] = parseDiskstats('259 0 nvme0n1 11 12 13 14 15 16 17 18 19 20 21 0 0 0 0 0 0\n');
    expect(d).toEqual({ device: 'nvme0n1', reads: 11, writes: 15, readBytes: 13 * 512, writeBytes: 17 * 512, ioTimeSeconds: 0.02, readTimeSeconds: 0.014, writeTimeSeconds: 0.018 });
    expect(parseDiskstats('8 0 sda 1 2 3 4 5 6 7 8 9 10\n')).toEqual([]);
    expect(parseDiskstats('8 0 sda 1 2 3 4 5 6 7 8 9 x 11\n')).toEqual([]);
    expect(parseDiskstats('8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n')).toHaveLength(1);
  });

  it('reads transmit counters from columns 9 to 12 of /proc/net/dev and skips short or nameless lines', () => {
    const [lo] = parseNetDev('    lo: 10 20 30 40 50 60 70 80 90 100 110 120 130 140 150 160\n');
    expect(lo).toEqual({ interface: 'lo', rxBytes: 10, rxPackets: 20, rxErrors: 30, rxDropped: 40, txBytes: 90, txPackets: 100, txErrors: 110, txDropped: 120 });
    expect(parseNetDev('eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n')).toEqual([]);
    expect(parseNetDev(': 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n')).toEqual([]);
    expect(parseNetDev('Inter-|   Receive |  Transmit\n face |bytes packets|bytes: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n')).toEqual([]);
  });

  it('reads bytes of the real /proc/net/dev loopback line as the test splits it', () => {
    const line = readFileSync('/proc/net/dev', 'utf8').split('\n').find((l) => l.trim().startsWith('lo:'));
    if (!line) return;
    const cols = line.slice(line.indexOf(':') + 1).trim().split(/\s+/).map(Number);
    const lo = parseNetDev(line)[0]!;
    expect([lo.rxBytes, lo.txBytes]).toEqual([cols[0], cols[8]]);
  });
});

describe('procfs parsers: edges the first mutation run found unasserted (issue 18)', () => {
  it('counts cpu10 and beyond but not a cpu line with junk after the number, and refuses non-decimal columns', () => {
    // A 12-CPU machine: cpu0 .. cpu11 (two-digit names from cpu10 on).
    const perCpu = Array.from({ length: 12 }, (_, i) => `cpu${i} 1 1 1 1`).join('\n');
    expect(parseProcStat(`cpu  12 12 12 12\n${perCpu}\ncpu3x 1 1 1 1\n`)?.logicalCount).toBe(12);
    // Number('1e3') is 1000 and Number('0x10') is 16: neither is a column of decimal ticks.
    expect(parseProcStat('cpu 1e3 2 3 4\n')).toBeUndefined();
    expect(parseProcStat('cpu 0x10 2 3 4\n')).toBeUndefined();
  });

  it('reads a meminfo name only from the start of its line and tolerates wider spacing before kB', () => {
    expect([...parseMeminfo('Mem Total: 1 kB\n Cached: 2 kB\nBuffers: 3  kB\n')]).toEqual([['Buffers', 3072]]);
  });

  it('reads load averages of 10 and more, and averages apart by several spaces', () => {
    // A loaded 2-core machine: /proc/loadavg as written by the kernel.
    expect(parseLoadavg('12.50 10.00 100.25 7/1234 5678\n')).toEqual({ one: 12.5, five: 10, fifteen: 100.25 });
    expect(parseLoadavg('1.00  2.00  3.00 1/1 1\n')).toEqual({ one: 1, five: 2, fifteen: 3 });
  });

  it('lists mounts in the order of their last mount, so a remounted mountpoint moves last', () => {
    const mounts = parseMounts('/dev/a /x ext4 rw 0 0\n/dev/b /y xfs rw 0 0\n/dev/c /x btrfs rw 0 0\n/dev/d /z ext4\n');
    expect(mounts).toEqual([
      { device: '/dev/b', mountpoint: '/y', type: 'xfs' },
      { device: '/dev/c', mountpoint: '/x', type: 'btrfs' },
      { device: '/dev/d', mountpoint: '/z', type: 'ext4' },
    ]);
    const info = parseMountinfo('30 1 0:8 / /x rw - ext4 /dev/a rw\n31 1 0:9 / /y rw - xfs /dev/b rw\n32 1 0:10 / /x rw - btrfs /dev/c rw\n');
    expect(info.map((m) => `${m.mountpoint} ${m.type}`)).toEqual(['/y xfs', '/x btrfs']);
  });

  it('skips mountinfo lines without the separator, with a malformed device number, a relative mountpoint or no type', () => {
    const good = '40 1 8:1 / /ok rw - ext4 /dev/sda1 rw';
    const bad = [
      '41 1 8:2 / /no-separator rw shared:1 ext4 /dev/sda2 rw',
      '42 1 x8:3 / /dev-prefix rw - ext4 /dev/sda3 rw',
      '43 1 8:4x / /dev-suffix rw - ext4 /dev/sda4 rw',
      '44 1 8:5 / relative rw - ext4 /dev/sda5 rw',
      '45 1 8:6 / /no-type rw -  /dev/sda6 rw',
    ];
    expect(parseMountinfo([good, ...bad].join('\n')).map((m) => m.mountpoint)).toEqual(['/ok']);
    expect(parseMountinfo(good.padEnd(4096))).toHaveLength(1);
    expect(parseMountinfo(good.padEnd(4097))).toEqual([]);
  });

  it('reads a /proc/net/dev line whose first sixteen columns are counters, whatever follows, and nothing else', () => {
    const sixteen = '1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16';
    // A future kernel may append columns: the sixteen documented ones are still read.
    expect(parseNetDev(`eth0: ${sixteen} extra\n`).map((n) => [n.interface, n.rxBytes, n.txDropped])).toEqual([['eth0', 1, 12]]);
    expect(parseNetDev('eth1: 1 2 x 4 5 6 7 8 9 10 11 12 13 14 15 16\n')).toEqual([]);
    expect(parseNetDev(`${sixteen} 17\n`)).toEqual([]);
  });

  it('reads u64 counters past 2^53 as floats and still refuses what no u64 is (21 digits, exponents, signs)', () => {
    const tail = '2 3 4 5 6 7 8 9 10 11 12 13 14 15 16';
    // 2^64 − 1, the largest u64, is the double 2^64.
    expect(parseNetDev(`eth0: 18446744073709551615 ${tail}\n`).map((n) => n.rxBytes)).toEqual([2 ** 64]);
    for (const bad of ['184467440737095516150', '1e3', '-1', '+1', '1.5']) expect(parseNetDev(`eth0: ${bad} ${tail}\n`)).toEqual([]);
    expect(parseDiskstats('8 0 sda 1 2 184467440737095516150 4 5 6 7 8 9 10 11\n')).toEqual([]);
  });
});

describe('procfs unreadable lines of /proc/net/dev and /proc/diskstats', () => {
  const told = (parse: (text: string, on: (s: string, r: string, e: string) => void) => unknown, text: string) => {
    const out: [string, string][] = [];
    parse(text, (subject, reason) => out.push([subject, reason]));
    return out;
  };

  it('names each skipped /proc/net/dev line by interface (or line number) with a reason that does not carry its counters', () => {
    const sixteen = '1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16';
    const text = ['Inter-| header', ' face |bytes', ` lo: ${sixteen}`, ' eth0: 1 2 3', ` eth1: ${sixteen.replace('16', '-16')}`, 'no colon here', ` a b: ${sixteen}`, `w${'x'.repeat(4096)}: ${sixteen}`, '   ', ''].join('\n');
    expect(told(parseNetDev, text)).toEqual([
      ['eth0', '3 columns, at least 16 expected'],
      ['eth1', 'column 16 (transmit compressed) is not a u64 counter'],
      ['line 6', 'no "name:" before the counters'],
      ['line 7', 'no valid interface name before ":"'],
      ['line 8', 'longer than 4096 characters'],
    ]);
    expect(parseNetDev(text).map((n) => n.interface)).toEqual(['lo']);
  });

  it('names each skipped /proc/diskstats line by device (or line number)', () => {
    const text = ['8 0 sda 1 2 3 4 5 6 7 8 9 10 11', '8 16 sdb 1 2 3 4 5 6 7 8 9 10 1e3', '8 32', `8 48 sdd ${'1 '.repeat(2100)}`, ''].join('\n');
    expect(told(parseDiskstats, text)).toEqual([
      ['sdb', 'column 14 (weighted ms doing I/O) is not a u64 counter'],
      ['line 3', '2 columns, at least 14 expected'],
      ['line 4', 'longer than 4096 characters'],
    ]);
  });
});
