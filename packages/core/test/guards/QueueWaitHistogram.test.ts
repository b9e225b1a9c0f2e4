import { COUNT, INTERVAL_MAX, INTERVAL_MIN, MAX, MIN, QUEUE_WAIT_BUCKETS, QueueWaitHistogram, SUM } from '../../src/guards/QueueWaitHistogram';

// The bounds (seconds) of perfkit_guard_queue_wait_seconds, written out by hand (names.ts holds them as GUARD_QUEUE_WAIT_BUCKETS).
const BOUNDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Per-bucket counts with `ones` at the given indexes (15 buckets: 14 bounds, then +Inf). */
const countsWith = (...ones: number[]) => Array.from({ length: 15 }, (_, i) => ones.filter((o) => o === i).length);

describe('QueueWaitHistogram', () => {
  it('lays out 15 bucket counts (+Inf last), then sum, count, min, max and the interval min and max', () => {
    expect([QUEUE_WAIT_BUCKETS, SUM, COUNT, MIN, MAX, INTERVAL_MIN, INTERVAL_MAX]).toEqual([15, 15, 16, 17, 18, 19, 20]);
    const h = new QueueWaitHistogram('gen', 1_700_000_000_000);
    expect(h.data.length).toBe(21);
    // Nothing recorded: zero counts, sum and count; min and max start at +Inf and -Inf so the first wait sets both.
    expect(Array.from(h.data)).toEqual([...new Array(17).fill(0), Infinity, -Infinity, Infinity, -Infinity]);
    expect(h.attributes).toEqual({ guard: 'gen' });
    expect([h.guard, h.createdAt]).toEqual(['gen', 1_700_000_000_000]);
  });

  it('starts counting now when no start time is given', () => {
    const before = Date.now();
    const h = new QueueWaitHistogram('gen');
    expect(h.createdAt).toBeGreaterThanOrEqual(before);
    expect(h.createdAt).toBeLessThanOrEqual(Date.now());
  });

  it('puts a wait on a bound into that bound\'s bucket (le is inclusive) and one just above into the next', () => {
    BOUNDS.forEach((bound, i) => {
      const on = new QueueWaitHistogram('g', 0);
      on.record(bound);
      expect(on.counts()).toEqual(countsWith(i));
      const above = new QueueWaitHistogram('g', 0);
      above.record(bound * 1.001);
      expect(above.counts()).toEqual(countsWith(i + 1));
    });
  });

  it('counts 0 s (a free slot) in the first bucket and waits past 60 s in +Inf', () => {
    const h = new QueueWaitHistogram('g', 0);
    for (const s of [0, 0, 61, Infinity]) h.record(s);
    expect(h.counts()).toEqual([2, ...new Array(13).fill(0), 2]);
    expect([h.data[COUNT], h.data[MIN], h.data[MAX]]).toEqual([4, 0, Infinity]);
  });

  it('keeps sum, count, min and max of the waits, whatever their order', () => {
    const h = new QueueWaitHistogram('g', 0);
    // Neither the smallest nor the largest comes last: 0.2 + 0.7 + 0.5 = 1.4 s.
    for (const s of [0.2, 0.7, 0.5]) h.record(s);
    const d = h.data;
    expect([d[SUM], d[COUNT], d[MIN], d[MAX], d[INTERVAL_MIN], d[INTERVAL_MAX]]).toEqual([1.4, 3, 0.2, 0.7, 0.2, 0.7]);
    // Buckets: 0.2 in le 0.25 (index 6), 0.7 in le 1 (index 8), 0.5 in le 0.5 (index 7).
    expect(h.counts()).toEqual(countsWith(6, 7, 8));
  });

  it('tracks the interval min and max on their own once a collection reset them', () => {
    const h = new QueueWaitHistogram('g', 0);
    h.record(0.2);
    h.record(0.9);
    h.data[INTERVAL_MIN] = Infinity;
    h.data[INTERVAL_MAX] = -Infinity;
    h.record(0.6);
    h.record(0.4);
    h.record(0.5);
    const d = h.data;
    expect([d[MIN], d[MAX], d[INTERVAL_MIN], d[INTERVAL_MAX]]).toEqual([0.2, 0.9, 0.4, 0.6]);
  });

  it('drops NaN and negative waits (a monotonic clock gives neither) and changes nothing', () => {
    const h = new QueueWaitHistogram('g', 0);
    const empty = Array.from(h.data);
    for (const s of [NaN, -0.001, -Infinity]) h.record(s);
    expect(Array.from(h.data)).toEqual(empty);
  });
});
