import type { Figure, PeerName, Summary } from './results';

/** min/median/max of a list of round values. */
export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { min: NaN, median: NaN, max: NaN, rounds: [...values] };
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]!, rounds: [...values] };
}

/**
 * Builds a figure from per-peer round values. A ratio is the median over rounds of `peer / perfkit` within the
 * same round (peers of one round run minutes apart at most, so they share the machine's noise), or
 * `peer median / perfkit median` when the rounds do not pair up.
 */
export function makeFigure(
  spec: Omit<Figure, 'peers' | 'ratios'>,
  rounds: Partial<Record<PeerName, readonly number[]>>,
): Figure {
  const peers: Partial<Record<PeerName, Summary>> = {};
  for (const [peer, values] of Object.entries(rounds) as Array<[PeerName, readonly number[]]>) peers[peer] = summarize(values);
  const ratios: Partial<Record<PeerName, number>> = {};
  const own = peers.perfkit?.median;
  if (own !== undefined && own > 0) {
    const mine = rounds.perfkit!;
    for (const [peer, s] of Object.entries(peers) as Array<[PeerName, Summary]>) {
      if (peer === 'perfkit' || !Number.isFinite(s.median)) continue;
      const theirs = rounds[peer]!;
      const paired = theirs.length === mine.length ? theirs.map((v, i) => v / mine[i]!).filter((r) => Number.isFinite(r) && r > 0) : [];
      ratios[peer] = paired.length > 0 ? summarize(paired).median : s.median / own;
    }
  }
  return { ...spec, peers, ratios };
}

/** Rounds a number to `digits` significant digits (for JSON and tables). */
export function sig(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}
