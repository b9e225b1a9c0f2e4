import { FifoQueue } from '../../src/guards/FifoQueue';

function setup() {
  return { queue: new FifoQueue<{ id: number }>() };
}

describe('FifoQueue', () => {
  it('gives values back in the order they came', () => {
    const { queue } = setup();
    for (let id = 0; id < 5; id++) queue.push({ id });
    expect(queue.drain().map((v) => v.id)).toEqual([0, 1, 2, 3, 4]);
    expect(queue.shift()).toBeUndefined();
    expect(queue.size).toBe(0);
  });

  it('skips cancelled entries anywhere in the queue and cancels each once', () => {
    const { queue } = setup();
    const entries = [0, 1, 2, 3].map((id) => queue.push({ id }));
    expect(queue.cancel(entries[2]!)).toBe(true);
    expect(queue.cancel(entries[2]!)).toBe(false);
    expect(queue.cancel(entries[0]!)).toBe(true);
    expect(queue.size).toBe(2);
    expect(queue.shift()?.id).toBe(1);
    expect(queue.cancel(entries[1]!)).toBe(false);
    expect(queue.shift()?.id).toBe(3);
    expect(queue.size).toBe(0);
  });

  it('keeps order across compaction with 5000 values', () => {
    const { queue } = setup();
    for (let id = 0; id < 5000; id++) queue.push({ id });
    const out: number[] = [];
    for (let i = 0; i < 3000; i++) out.push(queue.shift()!.id);
    for (let id = 5000; id < 6000; id++) queue.push({ id });
    out.push(...queue.drain().map((v) => v.id));
    expect(out).toEqual(Array.from({ length: 6000 }, (_, i) => i));
  });

  describe('memory held (mutation testing, issue 18)', () => {
    // What a guard's queue keeps alive: values that left must not stay referenced by the backing array. The rule:
    // an emptied queue lets go of its array; otherwise the consumed front is cut off once more than 1024 entries
    // and more than half of the array are consumed (so cutting is amortised O(1)).
    const held = (queue: FifoQueue<unknown>) => (queue as unknown as { entries: unknown[] }).entries.length;
    const filled = (n: number) => {
      const queue = new FifoQueue<{ id: number }>();
      for (let id = 0; id < n; id++) queue.push({ id });
      return queue;
    };
    const shiftN = (queue: FifoQueue<{ id: number }>, n: number) => {
      for (let i = 0; i < n; i++) queue.shift();
    };

    it('holds nothing when new, nor once every value has left by shift or by cancel', () => {
      expect(held(new FifoQueue())).toBe(0);
      const shifted = filled(3);
      shiftN(shifted, 3);
      expect(held(shifted)).toBe(0);
      const queue = new FifoQueue<number>();
      const entries = [1, 2, 3].map((v) => queue.push(v));
      for (const e of entries) queue.cancel(e);
      expect([held(queue), queue.size]).toEqual([0, 0]);
    });

    it('lets go of cancelled entries at the head at once', () => {
      const queue = new FifoQueue<number>();
      const entries = [1, 2, 3].map((v) => queue.push(v));
      queue.cancel(entries[1]!); // in the middle: kept until it reaches the head
      expect(held(queue)).toBe(3);
      queue.cancel(entries[0]!); // the head and the cancelled one behind it are skipped; 3 still waits
      expect(queue.shift()).toBe(3);
      expect(held(queue)).toBe(0);
    });

    it('keeps nothing of a cancelled value, even while its entry waits to reach the head', () => {
      const queue = new FifoQueue<{ id: number }>();
      const entries = [0, 1, 2].map((id) => queue.push({ id }));
      queue.cancel(entries[1]!);
      expect(entries.map((e) => e.value?.id)).toEqual([0, undefined, 2]);
      expect(queue.shift()?.id).toBe(0);
      expect(entries[0]!.value).toBeUndefined();
    });

    it('drops cancelled entries behind a head that never moves once more than 1024 of them outnumber the waiting ones', () => {
      // Callers that join and leave (their signal aborts) behind one that waits: 1 waiting, k cancelled behind it.
      // The array is rebuilt when k reaches 1025 (> 1024 and > 1): 100,000 = 97 x 1025 + 575, so 1 + 575 entries remain.
      const queue = new FifoQueue<number>();
      queue.push(-1);
      let most = 0;
      for (let i = 0; i < 100_000; i++) {
        queue.cancel(queue.push(i));
        most = Math.max(most, held(queue));
      }
      expect([held(queue), most, queue.size]).toEqual([576, 1025, 1]);
      expect(queue.shift()).toBe(-1);
      expect(held(queue)).toBe(0);
    });

    it('keeps the order of the waiting values when it drops cancelled ones between them', () => {
      // 10 waiting, then 1,100 pushed and cancelled one by one: rebuilt at the 1025th (> 1024 and > 10), 75 more after.
      const queue = new FifoQueue<number>();
      for (let id = 0; id < 10; id++) queue.push(id);
      for (let i = 0; i < 1100; i++) queue.cancel(queue.push(1000 + i));
      queue.push(10);
      expect([held(queue), queue.size]).toEqual([86, 11]);
      expect(queue.drain()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // Not more than 1024 cancelled: kept, however few wait.
      const few = new FifoQueue<number>();
      few.push(0);
      for (let i = 0; i < 1024; i++) few.cancel(few.push(i));
      expect(held(few)).toBe(1025);
      // 1,100 waiting: 1,100 cancelled do not outnumber them (kept), the 1,101st does (only the waiting stay).
      const many = new FifoQueue<number>();
      for (let id = 0; id < 1100; id++) many.push(id);
      for (let i = 0; i < 1100; i++) many.cancel(many.push(i));
      expect(held(many)).toBe(2200);
      many.cancel(many.push(0));
      expect([held(many), many.size]).toEqual([1100, 1100]);
    });

    it('cuts the consumed front once more than 1024 entries and more than half the array are consumed', () => {
      // 5000 queued: the cut happens at the 2501st shift (2501 > 1024 and 2 x 2501 > 5000), leaving 2499 entries;
      // 499 more shifts cut nothing (2 x 499 < 2499).
      const big = filled(5000);
      shiftN(big, 3000);
      expect([held(big), big.size, big.shift()?.id]).toEqual([2499, 2000, 3000]);
      // 2000 queued: 1024 consumed is not more than 1024; the 1025th shift cuts, leaving 975.
      const small = filled(2000);
      shiftN(small, 1024);
      expect(held(small)).toBe(2000);
      shiftN(small, 1);
      expect(held(small)).toBe(975);
      // 2050 queued: 1025 consumed is exactly half, not more; the 1026th shift cuts, leaving 1024.
      const even = filled(2050);
      shiftN(even, 1025);
      expect(held(even)).toBe(2050);
      shiftN(even, 1);
      expect([held(even), even.shift()?.id]).toEqual([1024, 1026]);
    });
  });
});
