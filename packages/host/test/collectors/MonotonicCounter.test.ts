import { MonotonicCounter } from '../../src/collectors/MonotonicCounter';

function setup(): { feed: (...readings: [string, number | undefined][]) => (number | undefined)[] } {
  const counter = new MonotonicCounter();
  return { feed: (...readings) => readings.map(([source, value]) => counter.update(source, value)) };
}

describe('MonotonicCounter', () => {
  it('passes the kernel\'s figures through unchanged while the source stays and counts up', () => {
    // 0.1 + 0.2 would not survive a running sum bit for bit; an untouched counter is the reading itself.
    expect(setup().feed(['a', 0.1], ['a', 0.30000000000000004], ['a', 7.25])).toEqual([0.1, 0.30000000000000004, 7.25]);
  });

  it('carries the total over a change of source, counting the new source from its value at the switch', () => {
    // a: 100 -> 110 (+10); b at the switch 5000 (+0), then 5007 (+7); back to a at 400 (+0), then 401 (+1).
    expect(setup().feed(['a', 100], ['a', 110], ['b', 5000], ['b', 5007], ['a', 400], ['a', 401])).toEqual([100, 110, 110, 117, 117, 118]);
  });

  it('counts a source that went back from 0 again (a reset, as Prometheus reads one), never going down', () => {
    // 50 -> 3: the 3 counted since the reset are new (53); then 4 (+1).
    expect(setup().feed(['a', 50], ['a', 3], ['a', 4])).toEqual([50, 53, 54]);
  });

  it('gives undefined for a missing reading and keeps its state, so a switch during the gap adds nothing', () => {
    expect(setup().feed(['a', 20], ['a', undefined], ['b', 900], ['b', 905])).toEqual([20, undefined, 20, 25]);
  });

  it.each([NaN, Infinity, -Infinity, -1])('drops %p (no count) without disturbing the total', (bad) => {
    expect(setup().feed(['a', 10], ['a', bad], ['a', 12])).toEqual([10, undefined, 12]);
  });

  it('takes a first reading from any source as it is', () => {
    expect(setup().feed(['x', 2 ** 60])).toEqual([2 ** 60]);
  });
});
