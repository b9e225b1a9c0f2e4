import type { Progress } from '../measure';
import type { Profile } from '../profile';
import type { SuiteName, SuiteResult } from '../results';

/** What a suite needs to run. */
export interface SuiteContext {
  readonly profile: Profile;
  readonly progress: Progress;
  /** Repository root (to find the example service and the memory child). */
  readonly root: string;
}

/** A benchmark suite: measures one concern for perfkit and its peers, side by side. */
export interface Suite {
  readonly name: SuiteName;
  readonly title: string;
  run(ctx: SuiteContext): Promise<Omit<SuiteResult, 'name' | 'title' | 'seconds'>>;
}
