import { histogramQuantile } from '@perfkit/core';
import { mergeDistributions, quantileOrNull } from '../../src/history/histograms';

describe('mergeDistributions', () => {
  it('adds distributions with the same bounds bucket by bucket', () => {
    const bounds = [0.1, 1, 10];
    expect(mergeDistributions([{ bounds, counts: [1, 2, 3, 4] }, { bounds: [...bounds], counts: [1, 1, 1, 1] }])).toEqual({ bounds, counts: [2, 3, 4, 5] });
  });

  it('re-buckets onto the union of bounds, never moving a count below its bucket', () => {
    const merged = mergeDistributions([{ bounds: [1, 10], counts: [5, 5, 0] }, { bounds: [0.5, 5], counts: [2, 2, 1] }]);
    expect(merged.bounds).toEqual([0.5, 1, 5, 10]);
    expect(merged.counts).toEqual([2, 5, 2, 5, 1]);
    expect(merged.counts.reduce((a, b) => a + b)).toBe(15);
    expect(histogramQuantile(0.5, merged.bounds, merged.counts)).toBeLessThanOrEqual(5);
  });

  it('ignores NaN and negative counts and handles no input', () => {
    expect(mergeDistributions([{ bounds: [1], counts: [NaN, -3] }]).counts).toEqual([0, 0]);
    expect(mergeDistributions([])).toEqual({ bounds: [], counts: [0] });
    expect(quantileOrNull(0.95, { bounds: [], counts: [0] })).toBeNull();
  });
});
