import { burnWindows } from '@perfkit/sla';

const setup = (days: number, minWindow = 60) => {
  const warnings: string[] = [];
  return { windows: burnWindows(days * 86_400, minWindow, warnings), warnings };
};

describe('burnWindows', () => {
  it('gives the classic 1h/5m, 6h/30m, 1d/2h, 3d/6h pairs for a 28-day window', () => {
    const { windows, warnings } = setup(28);
    expect(windows.map((w) => `${w.severity} ${w.long}/${w.short} ${w.factor}`)).toEqual([
      'page 1h/5m 14.4',
      'page 6h/30m 6',
      'ticket 1d/2h 3',
      'ticket 3d/6h 1',
    ]);
    expect(warnings).toEqual([]);
  });

  it('scales every window with the SLO window', () => {
    const { windows } = setup(7);
    expect(windows[0]!.long).toBe('15m');
    expect(windows[0]!.short).toBe('1m15s');
    expect(windows[0]!.budgetSpent).toBeCloseTo(14.4 / 672, 6);
  });

  it('raises windows below minWindow and says so', () => {
    const { windows, warnings } = setup(1);
    expect(windows[0]!.shortSeconds).toBe(60);
    expect(windows[0]!.longSeconds).toBe(129);
    expect(warnings.join('\n')).toContain('raised to 1m');
  });

  it('never makes a long window shorter than its short window', () => {
    const { windows } = setup(1 / 24, 30);
    for (const w of windows) expect(w.longSeconds).toBeGreaterThanOrEqual(w.shortSeconds);
  });

  it.each([NaN, Infinity, 0, -1])('refuses an SLO window of %p', (w) => {
    expect(() => burnWindows(w, 60, [])).toThrow(/window/);
  });
});
