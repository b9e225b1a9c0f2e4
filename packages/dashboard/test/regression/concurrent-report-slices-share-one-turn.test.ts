import { countTurns } from '../countTurns';
import { nextTurn } from '../../src/api/Slicer';

/**
 * Two reports computed at once each yielded with setImmediate: both continuations were queued in the same turn, so
 * their slices ran back to back in one check phase (4 heavy requests: four 8 ms slices, 32 ms without I/O, and
 * `/health` waited behind all of them). A slice now waits for a turn of its own.
 */
describe('slices of concurrent computations', () => {
  it('run in different event-loop turns', async () => {
    const counter = countTurns();
    const seen: number[] = [];
    const computation = async () => {
      for (let i = 0; i < 5; i++) {
        await nextTurn();
        seen.push(counter.turns);
      }
    };
    await Promise.all([computation(), computation(), computation()]);
    counter.stop();
    expect(seen).toHaveLength(15);
    // Every slice saw a different turn: never two in one.
    expect(new Set(seen).size).toBe(15);
  });

  it('are woken first come, first served', async () => {
    const order: string[] = [];
    await Promise.all(['a', 'b', 'c'].map(async (name) => {
      for (let i = 0; i < 2; i++) {
        await nextTurn();
        order.push(`${name}${i}`);
      }
    }));
    expect(order).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'c1']);
  });
});
