/** One jest run for the whole monorepo: TypeScript through @swc/jest, workspace packages mapped to their sources. */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
const moduleNameMapper = { '^@perfkit/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts' };
// .stryker-tmp holds StrykerJS sandboxes (copies of the packages) while `npm run test:mutation` runs.
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node', modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp'] };

module.exports = {
  testTimeout: 30000,
  // Two workers on the 2-core machines the suite runs on: most end-to-end time is spent waiting on real Prometheus,
  // Alertmanager, Chromium and child processes, which a second worker fills (Node 20 slice 778 s -> 395 s, 2026-12-03,
  // with other jobs on the machine). Files that share a path on disk must write it atomically (the page build renames
  // its files into place) and real cgroups are named per process.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/examples/*/test/**/*.test.ts', '<rootDir>/grafana/test/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/helpers/e2eTimeout.js'] },
  ],
};
