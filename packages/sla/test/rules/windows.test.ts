import { burnWindows } from '@perfkit/sla';

const setup = (days: number, minWindow = 60, custom?: Parameters<typeof burnWindows>[3]) => {
  const warnings: string[] = [];
  return { windows: burnWindows(days * 86_400, minWindow, warnings, custom), warnings };
};
const show = (ws: ReturnType<typeof setup>['windows']) => ws.map((w) => `${w.severity} ${w.long}/${w.short} ${Number(w.factor.toPrecision(4))}`);

describe('burnWindows', () => {
  // Expected factors worked out by hand: budget share x period / long window (Sloth's and the SRE workbook's).
  it('keeps the standard windows at 30 days with the workbook factors 14.4, 6, 3, 1', () => {
    const { windows, warnings } = setup(30);
    expect(show(windows)).toEqual(['page 1h/5m 14.4', 'page 6h/30m 6', 'ticket 1d/2h 3', 'ticket 3d/6h 1']);
    expect(windows.map((w) => w.budgetSpent)).toEqual([0.02, 0.05, 0.1, 0.1]);
    expect(warnings).toEqual([]);
  });

  it('keeps the standard windows at 28 days and derives 13.44, 5.6, 2.8, 0.933 (2/5/10/10% of the budget)', () => {
    const { windows } = setup(28);
    expect(show(windows)).toEqual(['page 1h/5m 13.44', 'page 6h/30m 5.6', 'ticket 1d/2h 2.8', 'ticket 3d/6h 0.9333']);
    // 0.02 * 672 h / 1 h = 13.44 exactly
    expect(windows[0]!.factor).toBe(13.44);
  });

  it('keeps the windows for longer periods (90d: 43.2, 18, 9, 3)', () => {
    expect(show(setup(90).windows)).toEqual(['page 1h/5m 43.2', 'page 6h/30m 18', 'ticket 1d/2h 9', 'ticket 3d/6h 3']);
  });

  it('scales the windows below 28 days by period / 28d and keeps the 28-day factors', () => {
    const { windows } = setup(7);
    expect(show(windows)).toEqual(['page 15m/1m15s 13.44', 'page 1h30m/7m30s 5.6', 'ticket 6h/30m 2.8', 'ticket 18h/1h30m 0.9333']);
  });

  it('raises a short window below minWindow and says so', () => {
    const { windows, warnings } = setup(1);
    expect(windows[0]!.shortSeconds).toBe(60);
    expect(windows[0]!.longSeconds).toBe(129);
    expect(warnings.join('\n')).toContain('raised to 1m');
  });

  it('refuses a period too short for minWindow (a raised short window over half its long window)', () => {
    expect(() => setup(0.5)).toThrow(/too short for alerting.minWindow 1m.*use a window of at least 22h24m/);
  });

  it("uses a custom catalogue as written (Sloth's custom-30d example: 14.4, 4.8, 3, 1)", () => {
    const { windows } = setup(30, 60, [
      { severity: 'page', long: '30m', short: '2m', budgetShare: 0.01 },
      { severity: 'page', long: '3h', short: '15m', budgetShare: 0.02 },
      { severity: 'ticket', long: '12h', short: '1h', budgetShare: 0.05 },
      { severity: 'ticket', long: '36h', short: '3h', budgetShare: 0.05 },
    ]);
    expect(show(windows)).toEqual(['page 30m/2m 14.4', 'page 3h/15m 4.8', 'ticket 12h/1h 3', 'ticket 1d12h/3h 1']);
  });

  it.each([
    [{ severity: 'page', long: '5m', short: '1h', budgetShare: 0.02 }, /shorter than the long window/],
    [{ severity: 'ticket', long: '40d', short: '1d', budgetShare: 0.5 }, /within the SLO window/],
    [{ severity: 'ticket', long: '20d', short: '1d', budgetShare: 0.1 }, /factor .* is 0\.15/],
  ] as const)('refuses an inconsistent custom pair %p', (pair, message) => {
    expect(() => setup(30, 60, [pair])).toThrow(message);
  });

  it.each([NaN, Infinity, 0, -1])('refuses an SLO window of %p', (w) => {
    expect(() => burnWindows(w, 60, [])).toThrow(/window/);
  });
});

describe('burnWindows boundaries and distinctWindows, worked out by hand (mutation testing, issue 18)', () => {
  const days = (d: number) => d * 86_400;

  it('keeps the standard windows at exactly 28 days and halves them at 14 days with the same factors', () => {
    const at28 = burnWindows(days(28), 60, []);
    expect(at28.map((w) => [w.longSeconds, w.shortSeconds, w.factor])).toEqual([
      [3600, 300, 13.44],
      [21_600, 1800, 5.6],
      [86_400, 7200, 2.8],
      [259_200, 21_600, 0.933333333333],
    ]);
    const at14 = burnWindows(days(14), 60, []);
    // scale 0.5: 30m/2m30s at 0.02 x 14d / 30m = 13.44
    expect(at14[0]).toEqual({ severity: 'page', factor: 13.44, longSeconds: 1800, shortSeconds: 150, long: '30m', short: '2m30s', budgetSpent: 0.02 });
  });

  it('raises a short window only when it is below minWindow, and says by how much', () => {
    const none: string[] = [];
    expect(burnWindows(days(14), 150, none)[0]!.shortSeconds).toBe(150);
    expect(none).toEqual([]);
    const warnings: string[] = [];
    expect(burnWindows(days(14), 151, warnings)[0]!.shortSeconds).toBe(151);
    expect(warnings).toEqual(['the 13.44x short window (2m30s) is below alerting.minWindow; raised to 2m31s']);
  });

  it('refuses once a raised short window would be more than half the long one (1 day: long window 129 s)', () => {
    // 1d / 28d scales the 1h page window to round(3600 / 28) = 129 s: minWindow 64 s fits (128 <= 129), 65 s does not.
    expect(burnWindows(days(1), 64, [])[0]).toMatchObject({ longSeconds: 129, shortSeconds: 64 });
    expect(() => burnWindows(days(1), 65, [])).toThrow(/too short for alerting\.minWindow 1m5s/);
  });

  it('accepts minWindow 0 and refuses a non-finite or negative one', () => {
    expect(burnWindows(days(30), 0, [])).toHaveLength(4);
    expect(() => burnWindows(days(30), NaN, [])).toThrow(/minWindow/);
    expect(() => burnWindows(days(30), -1, [])).toThrow(/minWindow/);
  });

  it('accepts a custom long window equal to the period and a factor of exactly 1/2, and refuses less or equal windows', () => {
    const pair = (long: string, short: string, budgetShare: number) => [{ severity: 'ticket' as const, long, short, budgetShare }];
    expect(burnWindows(days(30), 60, [], pair('30d', '1d', 0.5))[0]).toMatchObject({ factor: 0.5, longSeconds: days(30), shortSeconds: days(1) });
    expect(() => burnWindows(days(30), 60, [], pair('30d', '1d', 0.49))).toThrow(/is 0\.49/);
    expect(() => burnWindows(days(30), 60, [], pair('1h', '1h', 0.02))).toThrow(/shorter than the long window/);
    expect(() => burnWindows(days(30), 60, [], pair('31d', '1d', 1))).toThrow(/within the SLO window \(30d\)/);
  });
});

describe('burnWindows errors name their code, field and figures (mutation testing, issue 18)', () => {
  const days = (d: number) => d * 86_400;
  const caught = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return err as { code: string; field: string; message: string };
    }
    throw new Error('expected a throw');
  };

  it.each([Infinity, 0])('refuses an SLO window of %p as not positive, not as too short', (w) => {
    const err = caught(() => burnWindows(w, 60, []));
    expect([err.code, err.field]).toEqual(['PERFKIT_ERR_INVALID_SLA_SPEC', 'window']);
    expect(err.message).toMatch(/: expected a positive SLO window and a non-negative alerting\.minWindow$/);
  });

  it('accepts a raised short window of exactly half the long one (14d: 30m page window, minWindow 15m)', () => {
    expect(burnWindows(days(14), 900, [])[0]).toMatchObject({ longSeconds: 1800, shortSeconds: 900 });
  });

  it('spells out the scaled windows and the shortest usable period when a period is too short', () => {
    // 1d / 28d: long 3600 / 28 = 128.6 -> 129 s (2m9s), short 300 / 28 = 10.714 -> 11 s; the shortest period for
    // minWindow 65 s: 2 x 65 x 28d / 3600 = 87,360 s = 1d16m.
    const err = caught(() => burnWindows(days(1), 65, []));
    expect([err.code, err.field]).toEqual(['PERFKIT_ERR_INVALID_SLA_SPEC', 'window']);
    expect(err.message).toBe(
      'Invalid SLA spec: window = "1d": too short for alerting.minWindow 1m5s: the page pair\'s windows scale to 2m9s/11s, ' +
        'and a short window raised to 1m5s would be more than half the long one; use a window of at least 1d16m or a smaller alerting.minWindow',
    );
  });

  it('names the custom pair it refuses by its index', () => {
    const pairs = [
      { severity: 'page' as const, long: '1h', short: '5m', budgetShare: 0.02 },
      { severity: 'ticket' as const, long: '1h', short: '2h', budgetShare: 0.02 },
    ];
    const err = caught(() => burnWindows(days(30), 60, [], pairs));
    expect([err.code, err.field]).toEqual(['PERFKIT_ERR_INVALID_SLA_SPEC', 'alerting.windows[1]']);
  });
});

describe('distinctWindows', () => {
  it('lists each window the conditions read once, shortest first', async () => {
    const { distinctWindows } = await import('../../src/rules/windows');
    expect(distinctWindows(burnWindows(30 * 86_400, 60, []))).toEqual([
      { seconds: 300, text: '5m' },
      { seconds: 1800, text: '30m' },
      { seconds: 3600, text: '1h' },
      { seconds: 7200, text: '2h' },
      { seconds: 21_600, text: '6h' },
      { seconds: 86_400, text: '1d' },
      { seconds: 259_200, text: '3d' },
    ]);
    expect(distinctWindows([])).toEqual([]);
  });
});
