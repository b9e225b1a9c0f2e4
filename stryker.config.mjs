// @ts-check
/**
 * StrykerJS over ONE file that carries perfkit's numbers (issue 18), named by PERFKIT_MUTATE_FILE:
 * scripts/mutation.mjs (`npm run test:mutation`) runs it once per file of scripts/mutation-scope.mjs. Each run
 * loads only the unit tests relevant to that file and keeps its own incremental report, so a rerun re-tests
 * only the mutants whose code or covering tests changed. Needs Node >= 22 (tools/node26). Not part of
 * `npm test`: see docs/testing.md.
 */
import { EXCLUDED_TESTS, mutatePatterns, packageOf, reportFileOf, testsFor } from './scripts/mutation-scope.mjs';

const file = process.env.PERFKIT_MUTATE_FILE;
if (!file) throw new Error('PERFKIT_MUTATE_FILE is not set: run `npm run test:mutation` (scripts/mutation.mjs)');

const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  plugins: ['@stryker-mutator/jest-runner'],
  mutate: mutatePatterns([file]),
  coverageAnalysis: 'perTest',
  jest: {
    projectType: 'custom',
    // The unit tests of the file's folder plus the package's regression tests (scripts/mutation-scope.mjs);
    // the e2e suites start real servers and would not fit a mutant's budget.
    config: {
      testMatch: testsFor(file),
      testPathIgnorePatterns: ['/node_modules/', ...EXCLUDED_TESTS],
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper: { '^@perfkit/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts' },
      testEnvironment: 'node',
      // A mutant that hangs a test fails that test here rather than costing a runner restart on a timeout.
      testTimeout: 8000,
      // Load only the test files holding the tests that cover the mutant (scripts/stryker/test-sequencer.cjs).
      setupFilesAfterEnv: ['<rootDir>/scripts/stryker/record-test-files.cjs'],
      testSequencer: '<rootDir>/scripts/stryker/test-sequencer.cjs',
      roots: [`<rootDir>/packages/${packageOf(file)}`],
    },
    enableFindRelatedTests: false,
  },
  // Some suites import ESM-only modules (lezer-promql) with import(), as under `npm test`.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  // The machine is shared by several jobs on two cores.
  concurrency: Number(process.env.PERFKIT_MUTATE_CONCURRENCY ?? 2),
  // Past its covering tests' own time x 1.5, what a mutant may take before it counts as a hang (Timeout, detected).
  // Each hang also costs a runner restart; PERFKIT_MUTATE_TIMEOUT_MS lowers the wait for files whose mutants make
  // sync infinite loops (an async hang already fails jest's 8 s testTimeout).
  timeoutMS: Number(process.env.PERFKIT_MUTATE_TIMEOUT_MS ?? 60000),
  // A jest worker grows by tens of MB per mutant (each run loads the suites afresh); a fresh one every 40 runs
  // keeps a long run within the shared machine's memory.
  maxTestRunnerReuse: 40,
  incremental: true,
  incrementalFile: reportFileOf(file),
  ignorePatterns: ['dist', 'bench/results', 'docs', 'coverage', '.tmp', 'tools'],
  reporters: ['clear-text', 'progress-append-only'],
  clearTextReporter: { allowColor: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
