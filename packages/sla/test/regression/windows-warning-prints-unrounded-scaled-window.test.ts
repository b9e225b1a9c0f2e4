/*
 * Regression: below 28 days the standard burn windows scale by window / 28d, and the rules write each scaled window in
 * whole seconds; the warning for a short window raised to alerting.minWindow (and the error for a window too short)
 * printed the unrounded scaled window instead ("the 13.44x short window (1m47s143ms)"), a window no rule holds. Both
 * now print the window as the rules write it. Expected text worked out by hand: a 10d window scales the 5m page window
 * to 300 x 10 / 28 = 107.14 s, written 107 s = 1m47s, and its 1h long window to 3600 x 10 / 28 = 1285.7 s, written
 * 1286 s = 21m26s; a 1d window scales them to 10.71 s (11s) and 128.6 s (2m9s).
 */
import { generateRules, parseSlaSpec } from '@perfkit/sla';
import { checkSpec } from '../checkSpec';

const OBJECTIVE = ['objectives:', '  - id: dl', '    operation: { type: download }', '    success: { target: 0.99 }'];

function setup(window: string, minWindow: string) {
  return checkSpec(['service: api', `window: ${window}`, `alerting: { minWindow: ${minWindow} }`, ...OBJECTIVE]);
}

describe('regression: windows warning prints unrounded scaled window', () => {
  it('prints the raised short window as the rules would write it, in whole seconds', () => {
    const { code, err } = setup('10d', '10m');
    expect(code).toBe(0);
    expect(err).toEqual(['perfkit-sla: warning: the 13.44x short window (1m47s) is below alerting.minWindow; raised to 10m']);
  });

  it('writes the scaled long window the same way in the rules', () => {
    const rules = generateRules(parseSlaSpec({ service: 'api', window: '10d', alerting: { minWindow: '10m' }, objectives: [{ id: 'dl', operation: { type: 'download' }, success: { target: 0.99 } }] }));
    const records = rules.groups.flatMap((g) => g.rules.map((r) => ('record' in r ? r.record : '')));
    expect(records).toContain('perfkit:slo_errors:ratio_rate21m26s');
    expect(records).toContain('perfkit:slo_errors:ratio_rate10m');
  });

  it('prints the scaled windows of a window too short for minWindow in whole seconds', () => {
    const { code, err } = setup('1d', '65s');
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('the page pair\'s windows scale to 2m9s/11s, and a short window raised to 1m5s would be more than half the long one');
  });
});
