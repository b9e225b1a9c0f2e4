import { checkPinned, pinnedCpus } from '../../bench/src/suites/clusterSuite';

/**
 * The cluster suite's pinned runs (shown next to issue 13's judged block figure): the primary on the last CPU, its
 * workers on the others, and a run whose processes did not land there is refused rather than reported.
 */
describe('pinned cluster runs', () => {
  it('gives the primary the last CPU and the workers the rest, and skips pinning with one CPU or no taskset', () => {
    expect(pinnedCpus(2, true)).toEqual({ primary: '1', workers: '0' });
    expect(pinnedCpus(4, true)).toEqual({ primary: '3', workers: '0-2' });
    expect(pinnedCpus(1, true)).toBeUndefined();
    expect(pinnedCpus(8, false)).toBeUndefined();
  });

  it('refuses a run whose primary or any worker ran elsewhere, naming each', () => {
    expect(() => checkPinned('run', { primary: '1', workers: ['0', '0'] }, '1', '0', 2)).not.toThrow();
    expect(() => checkPinned('run', { primary: '0-1', workers: ['0', '1'] }, '1', '0', 2)).toThrow(
      'run: not pinned as asked: the primary on CPUs 0-1, not 1; worker 2 on CPUs 1, not 0',
    );
    expect(() => checkPinned('run', { primary: '1', workers: ['0'] }, '1', '0', 2)).toThrow('1 workers, not 2');
    expect(() => checkPinned('run', { primary: null, workers: [null, '0'] }, '1', '0', 2)).toThrow('the primary on CPUs null, not 1; worker 1 on CPUs null, not 0');
  });
});
