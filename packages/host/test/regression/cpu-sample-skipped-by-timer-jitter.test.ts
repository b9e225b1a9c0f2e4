/*
 * Bug: the CPU and process collectors moved their baseline only when a reading was at least intervalMs after the
 * last one, and the timer fires every intervalMs: a timer that fired a few ms early (jitter) dropped that reading,
 * so the next figure covered two intervals (8 updates instead of 11 over 62 s at the defaults). Readings are now
 * accepted from half an interval on.
 */
import { CpuCollector } from '../../src/collectors/CpuCollector';
import { ProcessCollector } from '../../src/collectors/ProcessCollector';
import { fakeProc, tempDir } from '../fixtures/fakes';

const statAt = (busy: number, idle: number) => `cpu  ${busy} 0 0 ${idle} 0 0 0 0\ncpu0 ${busy} 0 0 ${idle} 0 0 0 0\n`;

describe('regression: a reading a few ms early is not skipped', () => {
  let clock: jest.SpyInstance<number, []>;
  beforeEach(() => (clock = jest.spyOn(performance, 'now')));
  afterEach(() => jest.restoreAllMocks());

  it('gives system CPU a figure per 5 s timer tick even when ticks come 5 to 15 ms early', async () => {
    const { dir, cleanup } = tempDir('jitter');
    try {
      const c = new CpuCollector(dir, 5000);
      const intervals: number[] = [];
      // Timer ticks as a busy event loop delivers them: 4995, 4990, 4985 ms apart.
      const at = [0, 4995, 9985, 14970];
      for (let i = 0; i < at.length; i++) {
        fakeProc(dir, { stat: statAt(100 * i, 400 * i), loadavg: '0.1 0.2 0.3 1/100 1\n' });
        clock.mockReturnValue(1000 + at[i]!);
        await c.collect();
        if (c.cpu && intervals.length < i) intervals.push(c.cpu.intervalSeconds);
      }
      expect(intervals).toEqual([4.995, 4.99, 4.985]);
      expect(c.cpu!.utilization).toBeCloseTo(0.2, 12);
    } finally {
      cleanup();
    }
  });

  it('updates process CPU utilization on an early tick too', async () => {
    let micros = 0;
    jest.spyOn(process, 'cpuUsage').mockImplementation(() => ({ user: micros, system: 0 }));
    const c = new ProcessCollector('/proc', 5000, () => 1);
    clock.mockReturnValue(1000);
    await c.collect();
    // 2.495 CPU-seconds over 4.99 s on a 1-core quota: 0.5.
    micros = 2_495_000;
    clock.mockReturnValue(1000 + 4990);
    await c.collect();
    expect(c.process!.cpuUtilization).toBeCloseTo(0.5, 9);
  });
});
