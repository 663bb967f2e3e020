'use strict';
/**
 * Jest's node environment, for Stryker's runs only (stryker.config.json `jest.config`), that gives
 * the coverage of a test file's loading and of its `beforeAll` hooks to the tests that need them.
 *
 * Stryker's per-test coverage knows only the test running when a mutant's code runs. Code that
 * runs while a test file loads (its imports' module-level code, its describe bodies) or in a
 * `beforeAll` (a synth of the whole platform, say) runs before any test has started, so a mutant
 * in it counted as covered by no test in particular: a "static" mutant, for which Stryker runs
 * every test of every related file, 98 % of the mutants of the guard files. But Jest gives each
 * test file its own modules, so what a file's loading computed reaches that file's tests and no
 * other; and a `beforeAll` runs again whenever a test of its block runs. So the coverage of a
 * file's loading goes to each of its tests, and that of a `beforeAll` to each test of its block
 * (and of the blocks inside it), when the test starts. What still counts as static is what runs
 * after the tests, in `afterAll` hooks.
 */
const { TestEnvironment: NodeEnvironment } = require('jest-environment-node');

/** Where coverage is kept until the tests start: keys that are not a test's name. */
const LOADING_KEY = '\u0000loading of ';
const HOOK_KEY = '\u0000beforeAll of ';

/** A describe block's full name, as Stryker names tests: the titles from the top, by spaces. */
function blockName(block) {
  return block.parent ? `${blockName(block.parent)} ${block.name}`.trimStart() : '';
}

/** A test's full name, as Stryker's jest environment gives it to the coverage (and Jest to results). */
function testName(test) {
  return `${blockName(test.parent)} ${test.name}`.trimStart();
}

/**
 * Moves the coverage of `testFile`'s loading and of its `beforeAll` hooks onto its tests, in
 * `context` (Stryker's instrumenter context: `currentTestId`, `mutantCoverage.perTest`). Call it
 * with every jest-circus event before Stryker's own handler sees it.
 */
function attributeCoverage(event, context, testFile) {
  switch (event.name) {
    case 'setup':
      context.currentTestId = LOADING_KEY + testFile;
      break;
    case 'run_start':
      context.currentTestId = undefined;
      break;
    case 'hook_start':
      if (event.hook.type === 'beforeAll') context.currentTestId = HOOK_KEY + blockName(event.hook.parent);
      break;
    case 'hook_success':
    case 'hook_failure':
      if (event.hook.type === 'beforeAll') context.currentTestId = undefined;
      break;
    case 'test_start':
      if (context.mutantCoverage) giveCoverage(context.mutantCoverage, testName(event.test), sourcesOf(event.test, testFile));
      break;
    case 'run_describe_finish':
      if (context.mutantCoverage) delete context.mutantCoverage.perTest[HOOK_KEY + blockName(event.describeBlock)];
      break;
    case 'run_finish':
      if (context.mutantCoverage) delete context.mutantCoverage.perTest[LOADING_KEY + testFile];
      break;
  }
}

/** The keys whose coverage a test gets: its file's loading, and the `beforeAll` of each block around it. */
function sourcesOf(test, testFile) {
  const keys = [LOADING_KEY + testFile];
  for (let block = test.parent; block; block = block.parent) keys.push(HOOK_KEY + blockName(block));
  return keys;
}

function giveCoverage(coverage, test, sources) {
  const own = (coverage.perTest[test] ??= {});
  for (const source of sources) {
    for (const [mutant, hits] of Object.entries(coverage.perTest[source] ?? {})) own[mutant] = (own[mutant] ?? 0) + hits;
  }
}

class CoverageOfLoadingEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testFile = context.testPath;
  }

  async handleTestEvent(event) {
    // Stryker sets its context on the global after this class's constructor; absent outside Stryker.
    const context = this.global[this.global.__strykerGlobalNamespace__ ?? '__stryker__'];
    if (context) attributeCoverage(event, context, this.testFile);
  }
}

module.exports = CoverageOfLoadingEnvironment;
module.exports.attributeCoverage = attributeCoverage;
module.exports.testName = testName;
