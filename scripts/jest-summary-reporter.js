/**
 * Ends a jest run with one plain line, `N passed, N failed` (`, N skipped` when some were), that CI systems
 * reading a run's closing line understand whatever the test runner.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    // At exit, so that it comes after jest's own summary.
    process.once('exit', () => process.stderr.write(line));
  }
}

module.exports = SummaryReporter;
