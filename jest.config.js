/** One jest run for the whole monorepo: TypeScript through @swc/jest, workspace packages mapped to their sources. */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
const moduleNameMapper = { '^@perfkit/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts' };
// .stryker-tmp holds StrykerJS sandboxes (copies of the packages) while `npm run test:mutation` runs.
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node', modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp'] };

module.exports = {
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/examples/*/test/**/*.test.ts', '<rootDir>/grafana/test/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/helpers/e2eTimeout.js'] },
  ],
};
