// A Jest reporter that appends each run's test counts, one JSON line per run, to the file named
// by MCP_TEST_SUMMARY_FILE, so `npm test` can total every project's results in one line.
// A suite that could not run at all (a syntax error, a failing beforeAll) counts as one failure.
const { appendFileSync } = require('node:fs');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_testContexts, results) {
    const file = process.env.MCP_TEST_SUMMARY_FILE;
    if (!file) return;
    const record = {
      rootDir: this.rootDir,
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
    };
    appendFileSync(file, `${JSON.stringify(record)}\n`);
  }
}

module.exports = SummaryReporter;
