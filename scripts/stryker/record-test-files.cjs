/**
 * Jest setup file for StrykerJS runs (stryker.config.mjs).
 *
 * 1. During the initial test run (no active mutant) it writes which file each test lives in, so
 *    test-sequencer.cjs can load only the files holding the tests that cover a mutant.
 * 2. It skips the few tests that measure the machine itself (a CPU burner's share of a loaded machine): under the
 *    load of a mutation run they fail at random, which would abort the initial run or "kill" mutants by chance.
 *    They keep running in `npm test`. docs/testing.md lists them.
 */
const fs = require('node:fs');
const path = require('node:path');

const MACHINE_MEASURING_TESTS = [/rises when a child burns one core/];

function skipping(fn) {
  const wrapped = (name, ...rest) => (typeof name === 'string' && MACHINE_MEASURING_TESTS.some((re) => re.test(name)) ? fn.skip(name, ...rest) : fn(name, ...rest));
  return Object.assign(wrapped, fn);
}
globalThis.it = skipping(globalThis.it);
globalThis.test = skipping(globalThis.test);

if (!process.env.__STRYKER_ACTIVE_MUTANT__) {
  const out = path.join(__dirname, '.test-files.jsonl');
  beforeEach(() => {
    const { currentTestName, testPath } = expect.getState();
    if (currentTestName && testPath) fs.appendFileSync(out, JSON.stringify([currentTestName, testPath]) + '\n');
  });
}
