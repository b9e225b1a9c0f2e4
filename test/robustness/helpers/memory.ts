import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

let gcFn: (() => void) | undefined;

/** A full garbage collection, even when node was started without `--expose-gc`. */
export function collectGarbage(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

/**
 * Heap in use after full collections, in bytes. Turns of the event loop between collections let finalizers and
 * whatever a previous test file left behind (jest reuses its worker) go first, so a later reading is comparable.
 */
export async function settledHeapUsed(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Resident set size of a process in bytes, read from /proc (Linux); undefined once it has gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Least-squares slope of y over x (units of y per unit of x). */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** The pth (0..1) percentile of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/**
 * Theil-Sen slope (median of the slopes of every pair of points): follows a steady climb exactly but ignores one
 * allocator step. Resident memory grows in steps of several MB during warm-up (seen: flat at 88 MB, one step to
 * 103 MB at 18 s, flat for the next 50 s), which least squares over a 13 s window reads as 60 MB/min.
 */
export function medianSlope(points: ReadonlyArray<readonly [number, number]>): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j]![0] - points[i]![0];
      if (dx !== 0) slopes.push((points[j]![1] - points[i]![1]) / dx);
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  return slopes.length % 2 ? slopes[mid]! : (slopes[mid - 1]! + slopes[mid]!) / 2;
}

/**
 * Slope of the floor of a noisy series: the points are cut into `windows` spans of equal time, the lowest point of
 * each span is kept, and the least-squares slope runs through those. A leak raises the floor; memory held by work in
 * flight at the instant of a reading (a scrape's gzip buffers, an OTLP request) only adds spikes above it. Seen in
 * the soak's `external` readings at load 13-26 on 2 cores: a floor of 2.5-3.4 MB with spikes to 8.3 MB, which least
 * squares over 21 s read as anything from -6.6 to +6.5 MB/min.
 */
export function floorSlope(points: ReadonlyArray<readonly [number, number]>, windows = 4): number {
  if (points.length < 2) return 0;
  const t0 = points[0]![0];
  const span = points[points.length - 1]![0] - t0;
  if (span <= 0) return 0;
  const lowest: Array<[number, number] | undefined> = new Array(windows);
  for (const [t, y] of points) {
    const w = Math.min(windows - 1, Math.floor(((t - t0) / span) * windows));
    const current = lowest[w];
    if (!current || y < current[1]) lowest[w] = [t, y];
  }
  return slope(lowest.filter((p): p is [number, number] => p !== undefined));
}
