import { readFileSync } from 'node:fs';
import { field, runDelayClock } from '../../bench/src/suites/threadCpu';

/**
 * Regression: the run-delay clock is read at every event-loop tick while a scrape is measured (150,000 ticks in a
 * 2-second HTTP scrape of 100,000 series), and each reading made strings and arrays (`toString().trim().split(' ')`,
 * a new object): about 1 KB a tick, so the measurement's own garbage made scavenges and a full GC inside the scrape it
 * measured, and the bench read them as the scrape's. Readings now parse the bytes in place.
 */
describe('run-delay clock readings', () => {
  it('parses schedstat fields in place, and says NaN for a field that is not there', () => {
    const line = Buffer.from('123456789 987654321 42\n');
    expect([field(line, line.length, 0), field(line, line.length, 1), field(line, line.length, 2)]).toEqual([123456789, 987654321, 42]);
    expect(field(line, line.length, 3)).toBeNaN(); // past the last field
    expect(field(line, 12, 1)).toBe(98); // the bytes read so far, not the buffer's
    expect(field(Buffer.from('1 x 3'), 5, 1)).toBeNaN(); // not a number
    expect(field(Buffer.alloc(0), 0, 0)).toBeNaN();
  });

  it('reads the thread\'s own schedstat, and the same reading object every time', () => {
    const clock = runDelayClock();
    if (!clock) return; // no /proc/thread-self/schedstat (not Linux): nothing to read
    const first = clock.sample();
    const [, delayNs, slices] = readFileSync('/proc/thread-self/schedstat', 'latin1').trim().split(' ').map(Number);
    const second = clock.sample();
    expect(second).toBe(first); // no new object per reading
    expect(second.runDelayMs).toBeGreaterThanOrEqual(delayNs! / 1e6);
    expect(second.switches).toBeGreaterThanOrEqual(slices!);
    expect(Number.isFinite(clock.othersRunDelayMs())).toBe(true);
  });
});
