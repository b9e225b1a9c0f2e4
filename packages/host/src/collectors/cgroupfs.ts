/**
 * Pure parsers for cgroup (v1 and v2) interface files and pressure stall information. Formats from the kernel's
 * Documentation/admin-guide/cgroup-v2.rst ("Interface Files": flat keyed, nested keyed, `max`), cgroup-v1/memory.rst,
 * scheduler/sched-bwc.rst (CFS bandwidth) and accounting/psi.rst. Each returns a value or a reason it could not, so
 * the collector can leave the figure out and say why once; none throws.
 */

import { counterOrUndefined } from './procfs';

/** A parsed figure, or why there is none. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (problem: string): Parsed<never> => ({ ok: false, problem });

const MAX_TEXT = 64 * 1024;

/**
 * A non-negative integer as the kernel writes a u64 (see {@link counterOrUndefined}): exact up to 2^53, a float above
 * (v1 `cpuacct.usage` in nanoseconds passes 2^53 after 104 CPU-days, 1.6 days of a busy 64-core cgroup).
 */
export function parseCount(text: string | undefined): Parsed<number> {
  if (text === undefined) return bad('missing');
  const t = text.trim();
  if (t === '') return bad('empty');
  const n = counterOrUndefined(t);
  if (n !== undefined) return ok(n);
  return bad(/^\d+$/.test(t) ? `number too large: ${t.slice(0, 40)}` : `not a number: ${JSON.stringify(t.slice(0, 40))}`);
}

/**
 * Values at or above this read as "no limit" in a v1 limit file: the kernel writes PAGE_COUNTER_MAX × page size
 * (9223372036854771712 with 4 KiB pages) there, far beyond any machine's memory.
 */
export const V1_UNLIMITED = 2 ** 60;

/** A memory limit: `max` (v2) or a v1 "unlimited" value gives `undefined` (no limit), which is not a problem. */
export function parseMemoryLimit(text: string | undefined): Parsed<number | undefined> {
  if (text === undefined) return bad('missing');
  const t = text.trim();
  if (t === 'max') return ok(undefined);
  if (/^\d+$/.test(t) && Number(t) >= V1_UNLIMITED) return ok(undefined);
  return parseCount(t);
}

/**
 * A CPU quota in cores: v2 `cpu.max` (`$MAX $PERIOD`, `max` = unlimited) or v1 `cpu.cfs_quota_us` (-1 = unlimited)
 * with `cpu.cfs_period_us`.
 */
export function parseCpuMax(text: string | undefined): Parsed<number | undefined> {
  if (text === undefined) return bad('missing');
  const [quota, period] = text.trim().split(/\s+/);
  if (!quota) return bad('empty');
  if (quota === 'max') return ok(undefined);
  return quotaCores(quota, period);
}

/** v1: `cpu.cfs_quota_us` and `cpu.cfs_period_us`. */
export function parseCfsQuota(quotaText: string | undefined, periodText: string | undefined): Parsed<number | undefined> {
  if (quotaText === undefined) return bad('missing');
  const quota = quotaText.trim();
  if (quota === '-1') return ok(undefined);
  return quotaCores(quota, periodText?.trim());
}

function quotaCores(quota: string, period: string | undefined): Parsed<number | undefined> {
  const q = parseCount(quota);
  if (!q.ok) return q;
  const p = parseCount(period);
  if (!p.ok) return bad(`period ${p.problem}`);
  if (p.value === 0) return bad('period is 0');
  return ok(q.value / p.value);
}

/**
 * A flat-keyed file (`key value` per line: memory.stat, cpu.stat, memory.events) as a map of u64 values, floats past
 * 2^53 (v1 `throttled_time` in nanoseconds passes it after 104 days of throttling in one cgroup).
 */
export function parseFlatKeyed(text: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (text === undefined || text.length > MAX_TEXT) return out;
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9_]+)\s+(\S+)\s*$/.exec(line);
    const n = counterOrUndefined(m?.[2]);
    if (n !== undefined) out.set(m![1]!, n);
  }
  return out;
}

/** One line of a pressure file. */
export interface PressureLine {
  /** Share (0..1) of the last 10 s stalled. */
  readonly avg10: number;
  /** Cumulative stall time in seconds. */
  readonly totalSeconds: number;
}

/** A pressure file: `some avg10=0.00 avg60=0.00 avg300=0.00 total=0` and (memory, io, and cpu since 5.13) `full ...`. */
export function parsePressure(text: string | undefined): Parsed<{ some?: PressureLine; full?: PressureLine }> {
  if (text === undefined) return bad('missing');
  if (text.trim() === '') return bad('empty');
  if (text.length > MAX_TEXT) return bad('too long');
  const out: { some?: PressureLine; full?: PressureLine } = {};
  for (const line of text.split('\n')) {
    const m = /^(some|full) avg10=(\d+(?:\.\d+)?) avg60=\d+(?:\.\d+)? avg300=\d+(?:\.\d+)? total=(\d+)\s*$/.exec(line);
    if (!m) continue;
    const avg10 = Number(m[2]) / 100;
    const total = Number(m[3]);
    if (!Number.isSafeInteger(total) || !(avg10 >= 0 && avg10 <= 1)) continue;
    out[m[1] as 'some' | 'full'] = { avg10, totalSeconds: total / 1e6 };
  }
  if (!out.some && !out.full) return bad(`no readable some/full line: ${JSON.stringify(text.slice(0, 60))}`);
  return ok(out);
}

/** One line of `/proc/self/cgroup`: `hierarchy-ID:controller-list:cgroup-path`. */
export interface CgroupLine {
  readonly id: string;
  /** Controllers of a v1 hierarchy (`cpu,cpuacct`; `name=systemd` kept as is); empty for the v2 line `0::/path`. */
  readonly controllers: readonly string[];
  readonly path: string;
}

/** Parses `/proc/self/cgroup` (cgroups(7)). */
export function parseProcCgroup(text: string): CgroupLine[] {
  const out: CgroupLine[] = [];
  for (const line of text.split('\n')) {
    if (line.length > 4096) continue;
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const path = line.slice(second + 1);
    if (!path.startsWith('/')) continue;
    const list = line.slice(first + 1, second);
    out.push({ id: line.slice(0, first), controllers: list ? list.split(',') : [], path });
  }
  return out;
}
