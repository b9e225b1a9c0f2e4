/** Suggestions for a misspelt name: the configuration's unknown keys, the SLA spec's fields and PromQL function names. */

/**
 * The known key closest to `key` (edit distance at most a third of its length, at least 2), if any. Cheap enough to
 * run for each of many unknown keys: a known key whose length alone puts it too far is skipped, and a distance is
 * computed only as far as it can still win.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  const lower = key.toLowerCase();
  for (const k of known) {
    const other = k.toLowerCase();
    if (Math.abs(other.length - lower.length) >= bestDistance) continue; // the distance is at least the difference in length
    const d = editDistance(lower, other, bestDistance);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance of `a` and `b`, or `limit` as soon as it is sure to be at least `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]!);
    }
    if (rowMin >= limit) return limit; // every later row is at least this row's least
    prev = cur;
  }
  return prev[b.length]!;
}
