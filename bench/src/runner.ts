import { machine } from './machine';
import type { Progress } from './measure';
import { PROFILES, type Profile } from './profile';
import type { BenchResults, SuiteName, SuiteResult } from './results';
import { clusterSuite } from './suites/clusterSuite';
import { hostSuite } from './suites/hostSuite';
import { otlpSuite } from './suites/otlpSuite';
import { memorySuite } from './suites/memorySuite';
import { recordSuite } from './suites/recordSuite';
import { scrapeSuite } from './suites/scrapeSuite';
import { serviceSuite } from './suites/serviceSuite';
import type { Suite } from './suites/suite';

/** Every suite, in the order `npm run bench` runs them. */
export const SUITES: readonly Suite[] = [recordSuite, scrapeSuite, otlpSuite, memorySuite, hostSuite, serviceSuite, clusterSuite];

/** Options of {@link runBench}. */
export interface RunOptions {
  readonly profile?: Profile;
  readonly suites?: readonly SuiteName[];
  readonly root: string;
  readonly progress?: Progress;
}

/** Runs the chosen suites one after the other and gathers their figures. */
export async function runBench(options: RunOptions): Promise<BenchResults> {
  const profile = options.profile ?? PROFILES.full;
  const progress = options.progress ?? (() => undefined);
  const started = performance.now();
  const suites: SuiteResult[] = [];
  for (const suite of SUITES) {
    if (options.suites && !options.suites.includes(suite.name)) continue;
    progress(`[${suite.name}] ${suite.title}`);
    const t0 = performance.now();
    const result = await suite.run({ profile, progress, root: options.root });
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    if (result.skipped) progress(`  skipped: ${result.skipped}`);
    suites.push({ name: suite.name, title: suite.title, seconds, ...result });
  }
  return {
    schema: 1,
    date: new Date().toISOString(),
    profile: profile.name,
    machine: machine(),
    seconds: Math.round((performance.now() - started) / 100) / 10,
    suites,
  };
}
