/*
 * Regression: the CLI's warning for a burn-rate pair it drops (its threshold is 100% or more, so it can never fire)
 * printed the factor and the threshold with twelve significant digits: "the page alert at 2.05714285714x over 7h/35m
 * needs an error ratio of 1.02857142857". Prose elsewhere (descriptions, runbooks) prints four, as Prometheus'
 * humanizePercentage does. Expected text worked out by hand: a 30d window is 720h; a page pair spending 2% of the
 * budget per 7h burns at 0.02 x 720 / 7 = 2.0571428… (2.057x); target 50%, budget 50%: 2.0571428 x 0.5 = 1.0285714…,
 * an error ratio above 102.9%.
 */
import { checkSpec } from '../checkSpec';

function setup() {
  return checkSpec([
    'service: api',
    'window: 30d',
    'alerting:',
    '  windows:',
    '    - { severity: page, long: 7h, short: 35m, budgetShare: 0.02 }',
    '    - { severity: ticket, long: 3d, short: 6h, budgetShare: 0.1 }',
    'objectives:',
    '  - id: dl',
    '    operation: { type: download }',
    '    success: { target: 0.5 }',
  ]);
}

describe('regression: dropped pair warning prints twelve digits', () => {
  it('prints the dropped pair\'s factor and threshold with four significant digits', () => {
    const { code, err } = setup();
    expect(code).toBe(0);
    expect(err).toContain('perfkit-sla: warning: objective dl (target 0.5): the page alert at 2.057x over 7h/35m needs an error ratio above 102.9%, which can never happen; dropped');
    expect(err.join('\n')).not.toMatch(/\d\.\d{5,}/);
  });
});
