'use strict';
/**
 * Jest's runner, for Stryker's runs only (stryker.config.json `jest.config`): a mutant's run loads
 * only the test files that can notice it, likeliest first, and stops at the first that does.
 *
 * For each mutant Stryker runs Jest on the test files related to the mutated file
 * (`--findRelatedTests`) with a `--testNamePattern` of the tests that cover the mutant. Jest loads
 * every related file, 34 of them for config/naming.ts, even when the pattern leaves no test in it
 * (about ten seconds a mutant of loading alone), and runs them all even after one has failed
 * (Jest's own `bail` exits the process, so Stryker turns it off).
 *
 * - Stryker's initial run (no pattern, every test) records which file holds each test and how
 *   long each file took.
 * - A run with a pattern loads only the files holding its tests. Any doubt (a name the record
 *   lacks, a pattern Stryker did not write) loads every related file, as Jest would.
 * - A mutant's run goes file by file: first the test files named after the mutated file
 *   (test/platform/naming.test.ts for config/naming.ts), then the fastest, and it stops at the
 *   first file with a failing test. One failing test is all Stryker needs to call a mutant killed;
 *   a mutant that survives still runs every file.
 */
const fs = require('fs');
const path = require('path');
const TestRunner = require('jest-runner').default;

/** The record of the initial run, in Stryker's sandbox (removed with it). */
const RECORD_FILE = '.stryker-test-files.json';

/**
 * The test names of a pattern as Stryker's jest runner writes it, `(name)|(name)`, each name
 * escaped for a regular expression; undefined for any other pattern.
 */
function testNamesOf(pattern) {
  const names = [];
  let at = 0;
  while (at < pattern.length) {
    if (pattern[at] !== '(') return undefined;
    let name = '';
    for (at += 1; at < pattern.length && pattern[at] !== ')'; at += 1) {
      if (pattern[at] === '\\') at += 1;
      name += pattern[at] ?? '';
    }
    if (pattern[at] !== ')') return undefined;
    names.push(name);
    at += 1;
    if (at < pattern.length && pattern[at++] !== '|') return undefined;
    if (at === pattern.length && pattern.endsWith('|')) return undefined;
  }
  return names.length > 0 ? names : undefined;
}

/** The files holding the named tests, by the record; undefined when the record lacks a name. */
function filesHolding(names, record) {
  const files = new Set();
  for (const name of names) {
    if (!Object.hasOwn(record.tests, name)) return undefined;
    for (const file of record.tests[name]) files.add(file);
  }
  return files;
}

/** The record of Jest's results: the files holding each test (by full name), each file's run time. */
function recordOf(results) {
  const record = { tests: {}, milliseconds: {} };
  for (const { testFilePath, testResults, perfStats } of results) {
    record.milliseconds[testFilePath] = perfStats.runtime;
    for (const { fullName } of testResults) {
      const files = (record.tests[fullName] ??= []);
      if (!files.includes(testFilePath)) files.push(testFilePath);
    }
  }
  return record;
}

/** Test files in the order a mutant's run takes them: named after a mutated file first, then the fastest. */
function likeliestFirst(testFiles, mutatedFiles, record) {
  const names = new Set(mutatedFiles.map((file) => path.basename(file).replace(/\.[jt]s$/, '')));
  const namedAfter = (file) => (names.has(path.basename(file).replace(/\.test\.[jt]s$/, '')) ? 0 : 1);
  const time = (file) => record.milliseconds[file] ?? Infinity;
  return [...testFiles].sort((a, b) => namedAfter(a) - namedAfter(b) || time(a) - time(b) || a.localeCompare(b));
}

class CoveringFilesRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    const recordFile = path.join(this._globalConfig.rootDir, RECORD_FILE);
    if (!fs.existsSync(recordFile)) return this.runAndRecord(tests, watcher, options, recordFile);
    const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
    const pattern = this._globalConfig.testNamePattern;
    const names = pattern && testNamesOf(pattern);
    const files = names && filesHolding(names, record);
    const chosen = files ? tests.filter((test) => files.has(test.path)) : tests;
    const ordered = likeliestFirst(chosen.map((test) => test.path), this._globalConfig.nonFlagArgs ?? [], record);
    return this.runUntilFailure(ordered.map((file) => chosen.find((test) => test.path === file)), watcher, options);
  }

  /** Stryker's initial run: every test, as Jest would, then the record. Written whole, then renamed: another runner never reads half of it. */
  async runAndRecord(tests, watcher, options, recordFile) {
    const results = [];
    const unsubscribe = this.on('test-file-success', ([, result]) => results.push(result));
    try {
      await super.runTests(tests, watcher, options);
    } finally {
      unsubscribe();
    }
    fs.writeFileSync(`${recordFile}.${process.pid}`, JSON.stringify(recordOf(results)));
    fs.renameSync(`${recordFile}.${process.pid}`, recordFile);
  }

  /** One file after another (Stryker runs Jest in band), until one fails. */
  async runUntilFailure(tests, watcher, options) {
    if (!options.serial) return super.runTests(tests, watcher, options);
    let failed = false;
    const unsubscribe = [
      this.on('test-file-success', ([, result]) => (failed ||= result.numFailingTests > 0 || Boolean(result.testExecError))),
      this.on('test-file-failure', () => (failed = true)),
    ];
    try {
      for (const test of tests) {
        if (failed) break;
        await super.runTests([test], watcher, options);
      }
    } finally {
      unsubscribe.forEach((stop) => stop());
    }
  }
}

module.exports = CoveringFilesRunner;
module.exports.testNamesOf = testNamesOf;
module.exports.filesHolding = filesHolding;
module.exports.recordOf = recordOf;
module.exports.likeliestFirst = likeliestFirst;
