/**
 * Jest setup file for StrykerJS runs (stryker.config.mjs): during the initial test run (no active mutant) it
 * writes which file each test lives in, so test-sequencer.cjs can load only the files holding the tests that
 * cover a mutant instead of every test file of the package.
 */
const fs = require('node:fs');
const path = require('node:path');

if (!process.env.__STRYKER_ACTIVE_MUTANT__) {
  const out = path.join(__dirname, '.test-files.jsonl');
  beforeEach(() => {
    const { currentTestName, testPath } = expect.getState();
    if (currentTestName && testPath) fs.appendFileSync(out, JSON.stringify([currentTestName, testPath]) + '\n');
  });
}
