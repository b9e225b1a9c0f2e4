import { emptySample, type ResourceSample } from '@perfkit/dashboard';
import { exhaustionForecasts, meanOf, resourceTrends } from '../../src/analysis/resources';

// Every figure below is worked out by hand from points that lie exactly on a line (r² = 1).
const T0 = 1_700_000_000_000;

/** Samples at the given seconds after T0, each filled by `fill(seconds, i)`. */
function setup(seconds: number[], fill: (s: ResourceSample, t: number, i: number) => void): ResourceSample[] {
  return seconds.map((t, i) => {
    const s = emptySample(T0 + t * 1000);
    fill(s, t, i);
    return s;
  });
}

describe('resourceTrends', () => {
  it('fits a trend from exactly two minutes of samples, and says unknown for less', () => {
    // 0.10, 0.11, 0.12 at 0, 60, 120 s: 0.01 per minute = 0.6 per hour, past 0.02 per hour.
    const rising = (span: number) => setup([0, span / 2, span], (s, _t, i) => (s.cpuUtilization = 0.1 + i * 0.01));
    const at120 = resourceTrends(rising(120)).cpu!;
    expect(at120).toEqual({ direction: 'increasing', slopePerHour: expect.closeTo(0.6, 9), thresholdPerHour: 0.02, r2: expect.closeTo(1, 9), samples: 3 });
    expect(resourceTrends(rising(119.998)).cpu).toEqual({ direction: 'unknown', slopePerHour: null, thresholdPerHour: null, r2: null, samples: 3 });
  });

  it('calls a slope equal to the threshold stable and one past it a direction, either way', () => {
    // 0, 0.25, 0.5 over 0, 30, 60 min: 0.5 per hour.
    const line = (sign: number) => setup([0, 1800, 3600], (s, _t, i) => (s.memoryUtilization = 0.5 + sign * i * 0.25));
    expect(resourceTrends(line(1), 0.5).memory!.direction).toBe('stable');
    expect(resourceTrends(line(1), 0.49).memory!.direction).toBe('increasing');
    expect(resourceTrends(line(-1), 0.5).memory!.direction).toBe('stable');
    expect(resourceTrends(line(-1), 0.49)).toMatchObject({ memory: { direction: 'decreasing', slopePerHour: expect.closeTo(-0.5, 9), thresholdPerHour: 0.49 } });
  });

  it('scales the event-loop threshold by the mean delay (2 % of 0.2 s) and ratios by 1', () => {
    // 0.1, 0.2, 0.3 s over 0, 60, 120 s: 0.1 s a minute = 6 s an hour; threshold 0.02 x mean 0.2 s = 0.004 s/h.
    const trends = resourceTrends(setup([0, 60, 120], (s, _t, i) => ((s.eventLoopP99Seconds = 0.1 * (i + 1)), (s.diskUtilization = 0.3))));
    expect(trends.event_loop).toEqual({ direction: 'increasing', slopePerHour: expect.closeTo(6, 9), thresholdPerHour: expect.closeTo(0.004, 12), r2: expect.closeTo(1, 9), samples: 3 });
    expect(trends.disk).toEqual({ direction: 'stable', slopePerHour: 0, thresholdPerHour: 0.02, r2: 1, samples: 3 });
    expect(Object.keys(trends)).toEqual(['cpu', 'memory', 'disk', 'gpu', 'gpu_memory', 'event_loop']);
  });

  it('gives an event-loop trend no direction while the mean delay is 0, and counts finite samples when it cannot fit', () => {
    const zero = resourceTrends(setup([0, 60, 120], (s) => (s.eventLoopP99Seconds = 0))).event_loop!;
    expect(zero).toEqual({ direction: 'unknown', slopePerHour: 0, thresholdPerHour: null, r2: 1, samples: 3 });
    const two = resourceTrends(setup([0, 60, 120, 180], (s, _t, i) => (s.gpuUtilization = i < 2 ? 0.5 : NaN))).gpu!;
    expect(two).toEqual({ direction: 'unknown', slopePerHour: null, thresholdPerHour: null, r2: null, samples: 2 });
  });
});

describe('exhaustionForecasts', () => {
  // Used bytes 1000 + 10 t over 0, 150, 300 s against 10,000 bytes: at 300 s the line says 4000 used, 6000 free,
  // gone in 6000 / 10 = 600 s.
  const memory = (span: number, total: (i: number) => number = () => 10_000) =>
    setup([0, span / 2, span], (s, t, i) => ((s.memoryUsedBytes = 1000 + 10 * t), (s.memoryTotalBytes = total(i))));

  it('forecasts from exactly five minutes of a rising line, with every figure worked out by hand', () => {
    expect(exhaustionForecasts(memory(300))).toEqual([
      { resource: 'memory', secondsUntilExhausted: expect.closeTo(600, 6), exhaustedAt: expect.closeTo(T0 + 900_000, 3), bytesPerSecond: expect.closeTo(10, 9), usedBytes: expect.closeTo(4000, 6), capacityBytes: 10_000, r2: expect.closeTo(1, 9) },
    ]);
    expect(exhaustionForecasts(memory(299.998))).toEqual([]);
  });

  it('takes the latest finite total as the capacity', () => {
    // Totals 8000, 9000, then unknown: capacity 9000, so (9000 - 4000) / 10 = 500 s.
    const [f] = exhaustionForecasts(memory(300, (i) => [8000, 9000, NaN][i]!));
    expect([f!.capacityBytes, f!.secondsUntilExhausted]).toEqual([9000, expect.closeTo(500, 6)]);
  });

  it('says 0 s, not a negative time, once the line is past the capacity', () => {
    // At 300 s the line says 4000 used of 3000: used is capped at 3000, nothing left.
    const [f] = exhaustionForecasts(memory(300, () => 3000));
    expect([f!.usedBytes, f!.secondsUntilExhausted, f!.exhaustedAt]).toEqual([3000, 0, T0 + 300_000]);
  });

  it('makes none for a flat or falling line, an unknown capacity, or a line that explains less than half the points', () => {
    const flat = setup([0, 150, 300], (s) => ((s.memoryUsedBytes = 1000), (s.memoryTotalBytes = 10_000)));
    const falling = setup([0, 150, 300], (s, t) => ((s.memoryUsedBytes = 5000 - t), (s.memoryTotalBytes = 10_000)));
    // Used 0, 100, 0, 100 at 0, 100, 200, 300 s: Sxy 10,000, Sxx 50,000, Syy 10,000, so slope 0.2 B/s rising but
    // r² = 10,000² / (50,000 x 10,000) = 0.2.
    const zigzag = setup([0, 100, 200, 300], (s, _t, i) => ((s.memoryUsedBytes = i % 2 ? 100 : 0), (s.memoryTotalBytes = 10_000)));
    for (const samples of [flat, falling, memory(300, () => NaN), memory(300, () => 0), zigzag]) expect(exhaustionForecasts(samples)).toEqual([]);
  });

  it('reads disk capacity as used plus free (what the service can still write), not the total size', () => {
    // 5 % of the disk reserved for root: total 10,500 but used + free = 10,000, so again 600 s.
    const disk = setup([0, 150, 300], (s, t) => ((s.diskUsedBytes = 1000 + 10 * t), (s.diskFreeBytes = 9000 - 10 * t), (s.diskTotalBytes = 10_500)));
    expect(exhaustionForecasts(disk)).toEqual([expect.objectContaining({ resource: 'disk', capacityBytes: 10_000, secondsUntilExhausted: expect.closeTo(600, 6) })]);
    const gpu = setup([0, 150, 300], (s, t) => ((s.gpuMemoryUsedBytes = 1000 + 10 * t), (s.gpuMemoryTotalBytes = 10_000)));
    expect(exhaustionForecasts(gpu).map((f) => f.resource)).toEqual(['gpu_memory']);
  });
});

describe('meanOf', () => {
  it('averages the finite values only, and is NaN without any', () => {
    expect(meanOf([1, NaN, 2, Infinity, 6])).toBe(3);
    expect(meanOf([NaN, -Infinity])).toBeNaN();
    expect(meanOf([])).toBeNaN();
  });
});

describe('exhaustionForecasts at its limits (mutation testing, issue 18)', () => {
  it('forecasts from a line that explains exactly half the variance (r² = 0.5)', () => {
    // Used 24, 18, 42, 36 at 0, 100, 200, 300 s: deviations from the mean 30 are -6, -12, 12, 6 against -150, -50,
    // 50, 150 s, so Sxy = 3000, Sxx = 50,000, Syy = 360 and r² = 3000² / (50,000 x 360) = 0.5; slope 0.06 B/s.
    const used = [24, 18, 42, 36];
    const list = setup([0, 100, 200, 300], (s, _t, i) => ((s.memoryUsedBytes = used[i]!), (s.memoryTotalBytes = 1000)));
    expect(exhaustionForecasts(list)).toEqual([expect.objectContaining({ resource: 'memory', r2: 0.5, bytesPerSecond: expect.closeTo(0.06, 12) })]);
  });

  it('takes the first sample total when it is the only finite one', () => {
    const list = setup([0, 150, 300], (s, t, i) => ((s.memoryUsedBytes = 1000 + 10 * t), (s.memoryTotalBytes = i === 0 ? 10_000 : NaN)));
    expect(exhaustionForecasts(list).map((f) => f.capacityBytes)).toEqual([10_000]);
  });
});
