'use strict';
/**
 * Jest's node environment, for Stryker's runs only (stryker.config.json `jest.config`), with the
 * coverage of `beforeAll` hooks given to the tests that need them.
 *
 * Stryker's per-test coverage knows only the test running when a mutant's code runs. A
 * `beforeAll` runs before any test has started, so a mutant in the code it calls (a synth of the
 * whole platform, say) counted as covered by no test in particular: a "static" mutant, for which
 * Stryker runs every test of every related file, tens of seconds each. The tests of the block
 * whose `beforeAll` ran the code are exactly the ones that need it: a run of any of them runs the
 * hook again. So while a `beforeAll` runs, its coverage is kept under the block, and each test of
 * the block (or of a block inside it) gets that coverage when it starts.
 */
const { TestEnvironment: NodeEnvironment } = require('jest-environment-node');

/** Where a block's hook coverage is kept until its tests start: not a test's name. */
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
 * Moves `beforeAll` coverage onto the tests of the hook's block, in `context` (Stryker's
 * instrumenter context: `currentTestId`, `mutantCoverage.perTest`). Call it with every jest-circus
 * event before Stryker's own handler sees it.
 */
function attributeHookCoverage(event, context) {
  switch (event.name) {
    case 'hook_start':
      if (event.hook.type === 'beforeAll') context.currentTestId = HOOK_KEY + blockName(event.hook.parent);
      break;
    case 'hook_success':
    case 'hook_failure':
      if (event.hook.type === 'beforeAll') context.currentTestId = undefined;
      break;
    case 'test_start':
      giveHookCoverage(event.test, context.mutantCoverage);
      break;
    case 'run_describe_finish':
      if (context.mutantCoverage) delete context.mutantCoverage.perTest[HOOK_KEY + blockName(event.describeBlock)];
      break;
  }
}

/** Adds the coverage of the `beforeAll` hooks of every block around `test` to the test's own. */
function giveHookCoverage(test, coverage) {
  if (!coverage) return;
  const own = (coverage.perTest[testName(test)] ??= {});
  for (let block = test.parent; block; block = block.parent) {
    for (const [mutant, hits] of Object.entries(coverage.perTest[HOOK_KEY + blockName(block)] ?? {})) {
      own[mutant] = (own[mutant] ?? 0) + hits;
    }
  }
}

class HookCoverageEnvironment extends NodeEnvironment {
  async handleTestEvent(event) {
    // Stryker sets its context on the global after this class's constructor; absent outside Stryker.
    const context = this.global[this.global.__strykerGlobalNamespace__ ?? '__stryker__'];
    if (context) attributeHookCoverage(event, context);
  }
}

module.exports = HookCoverageEnvironment;
module.exports.attributeHookCoverage = attributeHookCoverage;
module.exports.testName = testName;
