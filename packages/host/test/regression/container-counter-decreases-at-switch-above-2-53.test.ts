/*
 * Bug: MonotonicCounter carried a counter over a change of source as an offset added to each reading
 * (`offset += last - value`, exported `value + offset`). Both sums are rounded to a double, and past 2^53 (v1
 * `throttled_time` in nanoseconds after 104 days of throttling, `cpuacct.usage` after 104 CPU-days) a double holds
 * only every second integer: a slice at 2^53 + 2 ns handing over to a service at 1 ns gave an offset of 2^53 + 1,
 * rounded to 2^53, and an exported total of 2^53: 2 ns below the last one. Prometheus reads any decrease as a reset,
 * and rate() counts the whole total (9,007,199 s of throttling) as new. The counter now keeps the total it had at the
 * last switch or reset and adds the reading's rise since then, which a double cannot round below that total.
 * Expected figures by hand: a switch adds nothing, the new source's rise adds itself.
 */
import { MonotonicCounter } from '../../src/collectors/MonotonicCounter';

function setup(): { feed: (...readings: [string, number][]) => (number | undefined)[] } {
  const counter = new MonotonicCounter();
  return { feed: (...readings) => readings.map(([source, value]) => counter.update(source, value)) };
}

describe('regression: a container counter past 2^53 never decreases at a change of source', () => {
  it('keeps 2^53 + 2 ns when the binding cgroup changes to one at 1 ns (was 2^53: a decrease)', () => {
    expect(setup().feed(['slice', 2 ** 53 + 2], ['service', 1], ['service', 1_000_001])).toEqual([2 ** 53 + 2, 2 ** 53 + 2, 2 ** 53 + 2 + 1_000_000]);
  });

  it('keeps 3 when the binding cgroup changes to one at 2^53 + 6 ns (was 2: a decrease)', () => {
    // 3 - (2^53 + 6) = -(2^53 + 3) rounds to -(2^53 + 4), and 2^53 + 6 - (2^53 + 4) is 2.
    expect(setup().feed(['service', 3], ['slice', 2 ** 53 + 6], ['slice', 2 ** 53 + 1006])).toEqual([3, 3, 1003]);
  });

  it('never decreases over many switches between sources far past 2^53', () => {
    const { feed } = setup();
    // Three readings from each source in turn, each counting up: every exported total is at least the one before.
    const readings: [string, number][] = [];
    for (let i = 0; i < 300; i++) {
      const isA = Math.floor(i / 3) % 2 === 1;
      readings.push([isA ? 'a' : 'b', (isA ? 2 ** 60 : 2 ** 53 + 1) + i * 1_000_003]);
    }
    const totals = feed(...readings) as number[];
    expect(totals.every((t, i) => i === 0 || t >= totals[i - 1]!)).toBe(true);
  });
});
