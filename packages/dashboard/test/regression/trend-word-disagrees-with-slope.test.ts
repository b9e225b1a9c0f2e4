import { resourceTrends } from '../../src/analysis/resources';
import { emptySample } from '../../src/history/ResourceSample';

/** Memory utilization every 10 s for `seconds`, rising by `pointsPerHour` percentage points an hour. */
function memory(seconds: number, pointsPerHour: number) {
  const out = [];
  for (let t = 0; t <= seconds; t += 10) out.push({ ...emptySample(1_700_000_000_000 + t * 1000), memoryUtilization: 0.4 + (pointsPerHour / 100) * (t / 3600) });
  return out;
}

describe('regression: the trends table said "memory stable +37.36 pts/h"', () => {
  it('calls 37 points an hour increasing, even over the first 3 minutes (the fitted change there is only 1.9 points)', () => {
    const trend = resourceTrends(memory(180, 37.36)).memory!;
    expect(trend.slopePerHour! * 100).toBeCloseTo(37.36, 6);
    expect(trend.thresholdPerHour).toBeCloseTo(0.02, 12);
    expect(trend.direction).toBe('increasing');
  });

  it('calls a slope under the threshold stable and one beyond it the other way decreasing, whatever the span', () => {
    for (const seconds of [180, 3600, 6 * 3600]) {
      expect(resourceTrends(memory(seconds, 1.5)).memory!.direction).toBe('stable');
      expect(resourceTrends(memory(seconds, -2.5)).memory!.direction).toBe('decreasing');
    }
  });
});
