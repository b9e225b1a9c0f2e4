/*
 * Bug: cgroup flat-keyed files (cpu.stat, memory.stat, memory.events) and single-number files (cpuacct.usage,
 * memory.usage_in_bytes) were read only when a JavaScript number held the value exactly, so a value past 2^53 left
 * its figure out as if the file were garbage. The kernel writes u64s there: v1 `throttled_time` (nanoseconds) passes
 * 2^53 after about 104 days of total throttling in one cgroup (a long-lived, heavily throttled parent slice), and v1
 * `cpuacct.usage` (nanoseconds of CPU) after 104 CPU-days, 1.6 days of a busy 64-core cgroup. Such values are now read
 * as floats, as /proc counters are; garbage (21 digits, signs, exponents, fractions) is still refused.
 */
import { join } from 'node:path';
import { cgroupOver } from '../fixtures/fakes';

const MiB = 1024 * 1024;

beforeEach(() => jest.spyOn(process as unknown as { constrainedMemory: () => number | undefined }, 'constrainedMemory').mockReturnValue(undefined));
afterEach(() => jest.restoreAllMocks());

/** A v1 layout under a temp directory (option `cgroupPath`): memory/, cpu/ and cpuacct/ with the given files. */
function setup(files: Record<string, string>) {
  return cgroupOver('big-cgroup', {
    'memory/memory.limit_in_bytes': '9223372036854771712\n', // v1 unlimited (PAGE_COUNTER_MAX pages of 4 KiB)
    'memory/memory.usage_in_bytes': '209715200\n',
    'memory/memory.stat': 'total_rss 104857600\ntotal_inactive_file 52428800\nhierarchical_memory_limit 9223372036854771712\n',
    'memory/memory.failcnt': '0\n',
    'memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
    'cpu/cpu.cfs_quota_us': '50000\n',
    'cpu/cpu.cfs_period_us': '100000\n',
    'cpuacct/cpuacct.usage': '1000000000\n',
    ...files,
  });
}

describe('regression: a cgroup value above 2^53 is read as a float, not dropped', () => {
  it('v1 cpu.stat throttled_time of 10^16 ns (115.7 days) reads 10,000,000 s; cpuacct.usage of 2×10^16 ns reads 2×10^7 s', () => {
    // 10^16 = 2^16 × 5^16 and 5^16 < 2^53: a double holds it exactly, and 10^16 / 10^9 = 10^7 exactly.
    const { c, lines, cleanup } = setup({
      'cpu/cpu.stat': 'nr_periods 200000000\nnr_throttled 150000000\nthrottled_time 10000000000000000\n',
      'cpuacct/cpuacct.usage': '20000000000000000\n',
    });
    try {
      c.collect();
      expect(c.container!.cpu).toMatchObject({ limitCores: 0.5, periods: 200_000_000, throttledPeriods: 150_000_000, throttledSeconds: 10_000_000, timeSeconds: 20_000_000 });
      // The v1 "unlimited" in memory.stat (now read, as 9223372036854771712 ≈ 2^63) still means no limit.
      expect(c.container!.memory).toMatchObject({ limit: undefined, usage: 200 * MiB, workingSet: 150 * MiB, rss: 100 * MiB });
      expect(lines).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('memory.stat byte counters past 2^53 keep their figure, rounded to the nearest double', () => {
    // usage 2^54 + 2 = 18014398509481986 (the double 2^54), inactive file 2^53 + 1 = 9007199254740993 (the double 2^53),
    // rss 2^53 + 3 = 9007199254740995 (the double 2^53 + 4): working set 2^54 − 2^53 = 2^53.
    const { c, lines, cleanup } = setup({
      'memory/memory.usage_in_bytes': '18014398509481986\n',
      'memory/memory.stat': 'total_rss 9007199254740995\ntotal_inactive_file 9007199254740993\n',
      'cpu/cpu.stat': 'nr_periods 1\nnr_throttled 0\nthrottled_time 0\n',
    });
    try {
      c.collect();
      expect(c.container!.memory).toMatchObject({ usage: 2 ** 54, workingSet: 2 ** 53, rss: 2 ** 53 + 4 });
      expect(lines).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('still refuses 21 digits, signs, exponents and fractions: figure left out, one line each', () => {
    const { c, lines, dir, cleanup } = setup({
      'cpu/cpu.stat': 'nr_periods -5\nnr_throttled 1e3\nthrottled_time 100000000000000000000\n', // 21 digits
      'cpuacct/cpuacct.usage': '1.5\n',
      'memory/memory.usage_in_bytes': '+209715200\n',
    });
    try {
      c.collect();
      c.collect();
      expect(c.container!.cpu).toMatchObject({ periods: undefined, throttledPeriods: undefined, throttledSeconds: undefined, timeSeconds: undefined });
      expect(c.container!.memory.usage).toBeUndefined();
      const stat = join(dir, 'cpu', 'cpu.stat');
      expect(lines.sort()).toEqual(
        [
          `warn: host container: ${stat}: no readable "nr_periods" line; figure left out`,
          `warn: host container: ${stat}: no readable "nr_throttled" line; figure left out`,
          `warn: host container: ${stat}: no readable "throttled_time" line; figure left out`,
          `warn: host container: ${join(dir, 'cpuacct', 'cpuacct.usage')}: not a number: "1.5"; figure left out`,
          `warn: host container: ${join(dir, 'memory', 'memory.usage_in_bytes')}: not a number: "+209715200"; figure left out`,
        ].sort(),
      );
    } finally {
      cleanup();
    }
  });
});
