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
});
