import { mergeThresholds, statsOf } from '@perfkit/dashboard';
import { performanceScore } from '../../src/analysis/score';

// Found by mutation testing (issue 18): 94 % success against a 95 % objective is one percentage point short,
// which costs 2 points, but 0.95 − 0.94 is 0.0100000000000000089 in floating point, and Math.ceil of
// 2.0000000000000018 charged 3.
function stats(successes: number, failures: number) {
  const bounds = [1];
  return statsOf([
    { type: 't', name: 'n', outcome: 'success' as const, errorType: '', bounds, counts: [successes, 0], count: successes, sum: 0 },
    { type: 't', name: 'n', outcome: 'failure' as const, errorType: 'E', bounds, counts: [failures, 0], count: failures, sum: 0 },
  ]);
}

describe('regression: float error in the success-rate shortfall costs an extra point', () => {
  it('charges 2 points per whole percentage point below the objective', () => {
    const t = mergeThresholds(undefined);
    expect(performanceScore(stats(94, 6), [], t).deductions[0]!.points).toBe(2);
    expect(performanceScore(stats(93, 7), [], t).deductions[0]!.points).toBe(4);
    expect(performanceScore(stats(92, 8), [], t).deductions[0]!.points).toBe(6);
    expect(performanceScore(stats(91, 9), [], t).deductions[0]!.points).toBe(8);
    expect(performanceScore(stats(94, 6), [], t).value).toBe(98);
  });
});
