import { nextTurn, SLICE_MS, SLICE_YIELD_MS, Slicer } from '../../src/api/Slicer';
import { countTurns } from '../countTurns';

/** A clock the test moves by hand, read through `performance.now`. */
function setup() {
  let now = 1000;
  const spy = jest.spyOn(performance, 'now').mockImplementation(() => now);
  return { advance: (ms: number) => (now += ms), restore: () => spy.mockRestore() };
}

describe('Slicer', () => {
  it('is due once half the slice budget has passed, leaving the rest for the unit in progress and a collection', () => {
    const clock = setup();
    try {
      expect(SLICE_YIELD_MS).toBe(4);
      expect(SLICE_MS).toBe(8);
      const slicer = new Slicer();
      clock.advance(3.999);
      expect(slicer.isDue).toBe(false);
      clock.advance(0.001);
      expect(slicer.isDue).toBe(true);
    } finally {
      clock.restore();
    }
  });

  it('starts a new slice when it resumes, in a later event-loop turn', async () => {
    const clock = setup();
    try {
      const slicer = new Slicer(2);
      clock.advance(5);
      expect(slicer.isDue).toBe(true);
      const counter = countTurns();
      const before = counter.turns;
      await slicer.yield();
      expect(counter.turns).toBeGreaterThan(before);
      counter.stop();
      expect(slicer.isDue).toBe(false);
      clock.advance(2);
      expect(slicer.isDue).toBe(true);
    } finally {
      clock.restore();
    }
  });

  it('is always due with a budget of 0', () => {
    const clock = setup();
    try {
      expect(new Slicer(0).isDue).toBe(true);
    } finally {
      clock.restore();
    }
  });

  it('wakes waiters one per turn', async () => {
    const counter = countTurns();
    const turns: number[] = [];
    await Promise.all([0, 1, 2].map(async () => (await nextTurn(), turns.push(counter.turns))));
    counter.stop();
    expect(new Set(turns).size).toBe(3);
  });
});
