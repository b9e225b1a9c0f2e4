/**
 * Jest test sequencer for StrykerJS runs (stryker.config.mjs). For a mutant, StrykerJS's jest runner passes the
 * names of the covering tests as testNamePattern but still loads every test file; this keeps only the files
 * that hold one of those tests (as recorded by record-test-files.cjs in the initial run), which makes a mutant
 * run several times cheaper. Without a pattern or a record it changes nothing.
 */
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

class CoveringTestsFirst extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options && options.globalConfig ? options.globalConfig.testNamePattern : undefined;
  }

  sort(tests) {
    const sorted = super.sort(tests);
    const record = path.join(__dirname, '.test-files.jsonl');
    if (!this.pattern || !fs.existsSync(record)) return sorted;
    const re = new RegExp(this.pattern, 'i');
    const files = new Set();
    for (const line of fs.readFileSync(record, 'utf8').split('\n')) {
      if (!line) continue;
      const [name, file] = JSON.parse(line);
      if (re.test(name)) files.add(file);
    }
    if (files.size === 0) return sorted;
    const kept = (Array.isArray(sorted) ? sorted : []).filter((t) => files.has(t.path));
    return kept.length ? kept : sorted;
  }
}

module.exports = CoveringTestsFirst;
