import { existsSync, readFileSync } from 'node:fs';
import {
  parseCfsQuota,
  parseCount,
  parseCpuMax,
  parseFlatKeyed,
  parseMemoryLimit,
  parsePressure,
  parseProcCgroup,
  V1_UNLIMITED,
} from '../../src/collectors/cgroupfs';

const bad = (problem: string) => ({ ok: false, problem });
const ok = (value: unknown) => ({ ok: true, value });

describe('cgroupfs parseCount', () => {
  it.each<[string | undefined, unknown]>([
    ['4096\n', ok(4096)],
    [' 0 ', ok(0)],
    ['9007199254740991', ok(Number.MAX_SAFE_INTEGER)],
    [undefined, bad('missing')],
    ['', bad('empty')],
    [' \n\t', bad('empty')],
    ['max\n', bad('not a number: "max"')],
    ['12a', bad('not a number: "12a"')],
    ['a12', bad('not a number: "a12"')],
    ['-5', bad('not a number: "-5"')],
    ['1.5', bad('not a number: "1.5"')],
    ['1 2', bad('not a number: "1 2"')],
    // Past 2^53 the kernel's u64 is read as the nearest double (2^53 + 1 -> 2^53), up to the largest u64 (-> 2^64).
    ['9007199254740993', ok(2 ** 53)],
    ['18446744073709551615\n', ok(2 ** 64)],
    // 21 digits is no u64.
    ['100000000000000000000', bad('number too large: 100000000000000000000')],
    ['1e3', bad('not a number: "1e3"')],
    ['+1', bad('not a number: "+1"')],
  ])('%j', (text, expected) => {
    expect(parseCount(text)).toEqual(expected);
  });

  it('quotes at most 40 characters of what it refuses', () => {
    expect(parseCount('y'.repeat(50))).toEqual(bad(`not a number: "${'y'.repeat(40)}"`));
    expect(parseCount('9'.repeat(50))).toEqual(bad(`number too large: ${'9'.repeat(40)}`));
  });
});

describe('cgroupfs parseMemoryLimit', () => {
  it.each<[string | undefined, unknown]>([
    ['max\n', ok(undefined)], // v2: no limit
    ['9223372036854771712\n', ok(undefined)], // v1 unlimited: PAGE_COUNTER_MAX (2^63 - 1) / 4096 pages x 4096 bytes
    ['1152921504606846976', ok(undefined)], // exactly 2^60, the cut
    ['1152921504606846848', ok(1152921504606846848)], // the double below 2^60 (2^60 - 128): a limit, read as a float
    ['100000000000000000000', ok(undefined)], // 21 digits, past 2^60: the unlimited cut comes first
    ['419430400\n', ok(400 * 1024 * 1024)],
    ['0', ok(0)],
    ['1e30', bad('not a number: "1e30"')], // a number to Number(), but not the kernel's digits
    ['0x1000000000000000', bad('not a number: "0x1000000000000000"')],
    [undefined, bad('missing')],
    ['', bad('empty')],
  ])('%j', (text, expected) => {
    expect(parseMemoryLimit(text)).toEqual(expected);
  });

  it('puts the cut at 2^60 bytes (1 EiB)', () => {
    expect(V1_UNLIMITED).toBe(1152921504606846976);
  });
});

describe('cgroupfs CPU quotas', () => {
  it.each<[string | undefined, unknown]>([
    ['max 100000\n', ok(undefined)],
    ['max', ok(undefined)],
    ['150000 100000\n', ok(1.5)], // 150 ms of every 100 ms period
    ['  50000   200000 ', ok(0.25)],
    ['150000', bad('period missing')],
    ['150000 0', bad('period is 0')],
    ['150000 x', bad('period not a number: "x"')],
    ['lots 100000', bad('not a number: "lots"')],
    ['', bad('empty')],
    ['  \n', bad('empty')],
    [undefined, bad('missing')],
  ])('cpu.max %j', (text, expected) => {
    expect(parseCpuMax(text)).toEqual(expected);
  });

  it.each<[string | undefined, string | undefined, unknown]>([
    ['-1\n', '100000\n', ok(undefined)],
    [' -1 ', undefined, ok(undefined)],
    ['50000\n', ' 100000\n', ok(0.5)],
    ['250000', '100000', ok(2.5)],
    ['50000', undefined, bad('period missing')],
    ['50000', '0\n', bad('period is 0')],
    ['-2', '100000', bad('not a number: "-2"')],
    [undefined, '100000', bad('missing')],
  ])('cpu.cfs_quota_us %j with cpu.cfs_period_us %j', (quota, period, expected) => {
    expect(parseCfsQuota(quota, period)).toEqual(expected);
  });
});

describe('cgroupfs parseFlatKeyed', () => {
  it('reads `key value` lines into safe integers and skips every other line', () => {
    const text = [
      'anon 123',
      'file 4096  ',
      'nr_periods\t7',
      'wide  8', // two spaces
      'pgfault 9007199254740993', // 2^53 + 1: read as the double 2^53
      'pgmajfault 100000000000000000000', // 21 digits: no u64, left out
      'exp 1e3',
      'Key 1', // upper case: no kernel key
      'a-b 2',
      'two 1 2',
      'neg -1',
      ' lead 3',
      'frac 1.5',
      'empty',
      'zero 0',
      '',
    ].join('\n');
    expect([...parseFlatKeyed(text)]).toEqual([
      ['anon', 123],
      ['file', 4096],
      ['nr_periods', 7],
      ['wide', 8],
      ['pgfault', 2 ** 53],
      ['zero', 0],
    ]);
  });

  it('reads nothing from a missing file or one longer than 64 KiB, and reads one of exactly 64 KiB', () => {
    expect(parseFlatKeyed(undefined).size).toBe(0);
    const exact = 'a 2\n' + 'x'.repeat(65536 - 9) + '\nk 1\n'; // 4 + 65527 + 5 = 65536 characters
    expect(exact.length).toBe(65536);
    expect([...parseFlatKeyed(exact)]).toEqual([
      ['a', 2],
      ['k', 1],
    ]);
    expect(parseFlatKeyed(exact + '\n').size).toBe(0);
  });

  it('reads the kernel\'s own memory.stat of this process\'s cgroup when there is one', () => {
    const v1 = /^\d+:memory:(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'));
    const candidates = [v1 && `/sys/fs/cgroup/memory${v1[1]}/memory.stat`, '/sys/fs/cgroup/memory/memory.stat', '/sys/fs/cgroup/memory.stat'];
    const file = candidates.find((f): f is string => !!f && existsSync(f));
    if (!file) return;
    const text = readFileSync(file, 'utf8');
    const map = parseFlatKeyed(text);
    // Every line the kernel writes here is `key value`; a v1 "unlimited" (hierarchical_memory_limit
    // 9223372036854771712) is past 2^53 and read as the nearest double (2^63), every other value exactly.
    for (const l of text.split('\n').filter((x) => x !== '')) {
      const [key, value] = l.split(' ');
      expect(map.get(key!)).toBe(parseFloat(value!));
    }
  });
});

describe('cgroupfs parsePressure', () => {
  it('reads avg10 as a share and total (microseconds) as seconds', () => {
    const text = 'some avg10=12.50 avg60=3.00 avg300=1.00 total=4100000\nfull avg10=3.25 avg60=0.00 avg300=0.00 total=1200000\n';
    // 12.50 % = 0.125; 4,100,000 µs = 4.1 s. 3.25 % = 0.0325; 1,200,000 µs = 1.2 s.
    expect(parsePressure(text)).toEqual(ok({ some: { avg10: 0.125, totalSeconds: 4.1 }, full: { avg10: 0.0325, totalSeconds: 1.2 } }));
  });

  it('keeps a lone some or full line, and takes 100.00 % but not more', () => {
    expect(parsePressure('some avg10=100.00 avg60=0 avg300=0 total=0')).toEqual(ok({ some: { avg10: 1, totalSeconds: 0 } }));
    expect(parsePressure('full avg10=0 avg60=0 avg300=0 total=7  \n')).toEqual(ok({ full: { avg10: 0, totalSeconds: 0.000007 } }));
    expect(parsePressure('some avg10=100.01 avg60=0 avg300=0 total=5\nfull avg10=1 avg60=0 avg300=0 total=2')).toEqual(
      ok({ full: { avg10: 0.01, totalSeconds: 0.000002 } }),
    );
  });

  it.each<[string | undefined, string]>([
    [undefined, 'missing'],
    ['', 'empty'],
    [' \n', 'empty'],
    ['some avg10=x\n', 'no readable some/full line: "some avg10=x\\n"'],
    ['most avg10=1.00 avg60=0.00 avg300=0.00 total=1', 'no readable some/full line: "most avg10=1.00 avg60=0.00 avg300=0.00 total=1"'],
    [' some avg10=1.00 avg60=0.00 avg300=0.00 total=1', 'no readable some/full line: " some avg10=1.00 avg60=0.00 avg300=0.00 total=1"'],
    ['some avg10=1.00 avg60=0.00 avg300=0.00 total=1 x', 'no readable some/full line: "some avg10=1.00 avg60=0.00 avg300=0.00 total=1 x"'],
    ['some avg10=1.00 avg60=0.00 avg300=0.00 total=99999999999999999999', 'no readable some/full line: "some avg10=1.00 avg60=0.00 avg300=0.00 total=999999999999999"'],
    ['z'.repeat(100), `no readable some/full line: "${'z'.repeat(60)}"`],
  ])('%j has no figure: %s', (text, problem) => {
    expect(parsePressure(text)).toEqual(bad(problem));
  });

  it('refuses a file over 64 KiB and reads one of exactly 64 KiB', () => {
    const line = 'some avg10=1.00 avg60=0.00 avg300=0.00 total=1\n';
    const exact = line + 'x'.repeat(64 * 1024 - line.length);
    expect(parsePressure(exact)).toEqual(ok({ some: { avg10: 0.01, totalSeconds: 0.000001 } }));
    expect(parsePressure(exact + 'x')).toEqual(bad('too long'));
  });

  it('agrees with the totals of the kernel\'s own /proc/pressure files', () => {
    for (const resource of ['cpu', 'memory', 'io']) {
      const file = `/proc/pressure/${resource}`;
      if (!existsSync(file)) continue;
      const text = readFileSync(file, 'utf8');
      const parsed = parsePressure(text);
      expect(parsed.ok).toBe(true);
      const some = /^some .*total=(\d+)$/m.exec(text)![1]!;
      if (parsed.ok) expect(parsed.value.some!.totalSeconds * 1e6).toBeCloseTo(Number(some), 0);
    }
  });
});

describe('cgroupfs parseProcCgroup', () => {
  it('reads v1 hierarchies with their controllers and the v2 line, and skips malformed lines', () => {
    // `/no/colons` and `/a:b` lack the second colon: read from the start they would look like paths.
    const text = '12:cpu,cpuacct:/kubepods/pod1\n1:name=systemd:/user.slice\n0::/\nbroken\n3:memory\n4:pids:relative\n5:a:b:/odd:path\n/no/colons\n/a:b\n';
    expect(parseProcCgroup(text)).toEqual([
      { id: '12', controllers: ['cpu', 'cpuacct'], path: '/kubepods/pod1' },
      { id: '1', controllers: ['name=systemd'], path: '/user.slice' },
      { id: '0', controllers: [], path: '/' },
    ]);
  });

  it('keeps a line of exactly 4096 characters and skips a longer one', () => {
    const head = '0::/';
    const exact = head + 'p'.repeat(4096 - head.length);
    expect(parseProcCgroup(exact)).toEqual([{ id: '0', controllers: [], path: exact.slice(3) }]);
    expect(parseProcCgroup(exact + 'p')).toEqual([]);
  });

  it('reads every line of the kernel\'s own /proc/self/cgroup', () => {
    const text = readFileSync('/proc/self/cgroup', 'utf8');
    const lines = text.split('\n').filter((l) => l !== '');
    const parsed = parseProcCgroup(text);
    expect(parsed).toHaveLength(lines.length);
    for (const [i, l] of lines.entries()) expect(`${parsed[i]!.id}:${parsed[i]!.controllers.join(',')}:${parsed[i]!.path}`).toBe(l);
  });
});
