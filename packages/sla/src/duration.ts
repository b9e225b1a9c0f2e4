const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;
const PART = /(\d+)(ms|s|m|h|d|w|y)/g;

/** Seconds in a Prometheus duration such as `28d`, `1h30m`, `250ms`; NaN when it is not one. */
export function parseDuration(text: string): number {
  if (typeof text !== 'string' || text.length > 64 || !DURATION.test(text)) return NaN;
  // Whole milliseconds divided once, so `100ms` is exactly the double 0.1 a user would write.
  let ms = 0;
  for (const m of text.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return Number.isSafeInteger(ms) ? ms / 1000 : NaN;
}

/** A Prometheus duration for whole or fractional seconds, largest units first: 7200 -> `2h`, 128.5 -> `2m8s500ms`. */
export function formatDuration(seconds: number): string {
  let ms = Math.round(seconds * 1000);
  if (!(ms > 0)) return '0s';
  let out = '';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) out += `${n}${unit}`;
    ms -= n * size;
  }
  return out;
}
