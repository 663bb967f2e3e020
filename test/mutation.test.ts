import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { folderScores, MutantStatus, renderScores } from '../mutation/report';
import { jsonReportFile, runMutate } from '../mutation/run';
import { ROOT } from '../src/paths';
import { tempDir } from './helpers';

const mutants = (...statuses: MutantStatus[]) => ({ mutants: statuses.map((status) => ({ status })) });

describe('npm run mutate: score per folder', () => {
  const report = {
    files: {
      'src/synth/dist-folder.ts': mutants('Killed', 'Killed', 'Timeout', 'Survived'),
      'src/user-space/load.ts': mutants('Killed', 'NoCoverage', 'CompileError', 'Ignored'),
      'config/naming.ts': mutants('Killed'),
      'charts/tenants.ts': mutants('CompileError'),
    },
  };

  it('scores each folder as Stryker does: killed and timed out over all but the excluded', () => {
    const scores = folderScores(report);
    expect(scores.map((row) => [row.folder, row.score])).toEqual([
      ['charts', undefined],
      ['config', 100],
      ['src', 400 / 6],
      ['src/synth', 75],
      ['src/user-space', 50],
      ['all files', 500 / 7],
    ]);
    expect(scores.find((row) => row.folder === 'src')).toEqual({ folder: 'src', detected: 4, undetected: 2, survived: 1, noCoverage: 1, excluded: 2, score: 400 / 6 });
  });

  it('goes no deeper than asked', () => {
    expect(folderScores(report, 1).map((row) => row.folder)).toEqual(['charts', 'config', 'src', 'all files']);
  });

  it('prints a table, sub-folders under their folder', () => {
    expect(renderScores(folderScores(report))).toBe(
      [
        'folder             score  killed  survived  no cover  excluded',
        'charts               n/a       0         0         0         1',
        'config            100.0%       1         0         0         0',
        'src                66.7%       4         1         1         2',
        '  src/synth        75.0%       3         1         0         0',
        '  src/user-space   50.0%       1         0         1         2',
        'all files          71.4%       5         1         1         3',
        '',
      ].join('\n'),
    );
  });
});

describe('npm run mutate: stopping it', () => {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const until = async (condition: () => boolean) => {
    for (let waited = 0; !condition(); waited += 20) {
      if (waited > 10_000) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it.each(['SIGTERM', 'SIGINT'] as const)('stops Stryker and its test runners at %s, and reports no score', async (signal) => {
    const dir = tempDir('mutate-stop');
    // Stands in for Stryker: a Node process that starts a runner of its own, as Stryker starts its test runners.
    const fake = path.join(dir, 'stryker');
    const script = `const { spawn } = require('child_process');
const fs = require('fs');
const runner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
fs.writeFileSync(${JSON.stringify(path.join(dir, 'runner.pid'))}, String(runner.pid));
fs.writeFileSync(${JSON.stringify(path.join(dir, 'stryker.pid'))}, String(process.pid) + '\\n');
setTimeout(() => {}, 60000);
`;
    fs.writeFileSync(fake, `#!${process.execPath}\n${script}`, { mode: 0o755 });
    const listeners = process.listenerCount(signal);
    const exit = runMutate([], fake);
    const pidOf = (name: string) => Number(fs.readFileSync(path.join(dir, name), 'utf8'));
    await until(() => fs.existsSync(path.join(dir, 'stryker.pid')) && fs.existsSync(path.join(dir, 'runner.pid')) && fs.readFileSync(path.join(dir, 'stryker.pid'), 'utf8').endsWith('\n'));
    const [stryker, runner] = [pidOf('stryker.pid'), pidOf('runner.pid')];
    expect([alive(stryker), alive(runner)]).toEqual([true, true]);
    expect(process.listenerCount(signal)).toBe(listeners + 1);
    process.emit(signal, signal);
    await expect(exit).resolves.toBe(1);
    await until(() => !alive(runner));
    expect(alive(stryker)).toBe(false);
    // Its listeners go with it: a later signal is this process's own again.
    expect(process.listenerCount(signal)).toBe(listeners);
  });

  it('gives Stryker a temporary directory of its own, and removes it with what was left in it', async () => {
    const dir = tempDir('mutate-tmp');
    const fake = path.join(dir, 'stryker');
    const seen = path.join(dir, 'tmpdir');
    // Stands in for Stryker: leaves a folder in its temporary directory, as a stopped test runner does, and fails.
    fs.writeFileSync(fake, `#!/bin/sh\necho "$TMPDIR" > ${seen}\nmkdir "$TMPDIR/mini-atlas-spool-left"\nexit 3\n`, { mode: 0o755 });
    await expect(runMutate([], fake)).resolves.toBe(3);
    const temporary = fs.readFileSync(seen, 'utf8').trim();
    expect(path.dirname(temporary)).toBe(os.tmpdir());
    expect(path.basename(temporary)).toMatch(/^mini-atlas-mutate-/);
    expect(fs.existsSync(temporary)).toBe(false);
  });

  it('passes on how Stryker ended, and says why it could not start', async () => {
    const dir = tempDir('mutate-exit');
    const fake = path.join(dir, 'stryker');
    fs.writeFileSync(fake, '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    await expect(runMutate(['--concurrency', '1'], fake)).resolves.toBe(3);
    await expect(runMutate([], path.join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
    // A Ctrl-C before a Stryker that could not start has said so stops nothing, and throws nothing.
    const missing = runMutate([], path.join(dir, 'missing'));
    process.emit('SIGINT', 'SIGINT');
    await expect(missing).rejects.toThrow(/ENOENT/);
  });
});

describe('stryker.config.json', () => {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'stryker.config.json'), 'utf8'));

  it('mutates the four folders of the platform and nothing else', () => {
    expect(config.mutate).toEqual(['src/**/*.ts', 'abstractions/**/*.ts', 'charts/**/*.ts', 'config/**/*.ts']);
  });

  it('runs incrementally, and keeps its reports where Git ignores them', () => {
    expect(config.incremental).toBe(true);
    const files = [config.incrementalFile, config.htmlReporter.fileName, path.relative(ROOT, jsonReportFile()), config.tempDirName];
    const ignored = spawnSync('git', ['check-ignore', ...files], { cwd: ROOT, encoding: 'utf8' });
    expect(ignored.stdout.trim().split('\n')).toEqual(files);
  });
});

/** Stryker's jest runner's pattern for a mutant's tests (jest-test-runner.js, 9.6.1): each name escaped, in parentheses, joined by `|`. */
const strykerPattern = (...names: string[]) => names.map((name) => `(${name.replace(/[.*+\-?^${}()|[\]\\]/g, '\\$&')})`).join('|');

describe('mutation/jest-runner.js: a mutant runs the files that can notice it, likeliest first, until one does', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { testNamesOf, filesHolding, recordOf, likeliestFirst } = require('../mutation/jest-runner');
  const result = (testFilePath: string, runtime: number, ...names: string[]) => ({ testFilePath, perfStats: { runtime }, testResults: names.map((fullName) => ({ fullName })) });

  it("reads back the names in Stryker's pattern, whatever characters they hold", () => {
    const names = ['synth refuses a (near) miss: team-xweb', 'a | b \\ c [d] {e} $f ^g? +h *i .j', 'plain'];
    expect(testNamesOf(strykerPattern(...names))).toEqual(names);
  });

  it('knows no other pattern', () => {
    for (const pattern of ['plain', '(a)|', '(a', '(a)b', '(a)||(b)', 'x(a)', '']) expect(testNamesOf(pattern)).toBeUndefined();
  });

  it('finds every file holding a named test, and none for a name it has no record of', () => {
    const record = recordOf([result('/t/a.test.ts', 30, 'one', 'shared'), result('/t/b.test.ts', 20, 'two', 'shared')]);
    expect(record).toEqual({ tests: { one: ['/t/a.test.ts'], shared: ['/t/a.test.ts', '/t/b.test.ts'], two: ['/t/b.test.ts'] }, milliseconds: { '/t/a.test.ts': 30, '/t/b.test.ts': 20 } });
    expect([...filesHolding(['one'], record)]).toEqual(['/t/a.test.ts']);
    expect([...filesHolding(['one', 'shared'], record)].sort()).toEqual(['/t/a.test.ts', '/t/b.test.ts']);
    expect(filesHolding(['one', 'three'], record)).toBeUndefined();
  });

  it('takes the tests named after the mutated file first, then the fastest', () => {
    const record = recordOf([result('/t/slow.test.ts', 900), result('/t/fast.test.ts', 10), result('/t/naming.test.ts', 500)]);
    expect(likeliestFirst(['/t/slow.test.ts', '/t/new.test.ts', '/t/naming.test.ts', '/t/fast.test.ts'], ['/s/config/naming.ts'], record)).toEqual(['/t/naming.test.ts', '/t/fast.test.ts', '/t/slow.test.ts', '/t/new.test.ts']);
  });

  it('runs in Jest: records the first run; then loads only the files holding the tests asked for, and stops at the first failing file', () => {
    const dir = tempDir('covering-files');
    const files = {
      'b.js': "module.exports = process.env.BREAK ? 'broken' : 'b';",
      'a.test.js': "const b = require('./b');\ndescribe('a', () => { it('passes', () => {}); it('uses b', () => expect(b).toBe('b')); });",
      'b.test.js': "const b = require('./b');\ndescribe('b', () => { it('is b', () => expect(b).toBe('b')); });",
    };
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), `require('fs').appendFileSync(__dirname + '/loaded', '${file}\\n');\n${text}\n`);
    // Stryker's jest options as stryker.config.json gives them, outside Stryker (the environment does nothing there).
    const { testEnvironment, runner } = JSON.parse(fs.readFileSync(path.join(ROOT, 'stryker.config.json'), 'utf8')).jest.config;
    const config = { rootDir: dir, testMatch: ['**/*.test.js'], testEnvironment: path.join(ROOT, testEnvironment), runner: runner.replace('<rootDir>', ROOT) };
    fs.writeFileSync(path.join(dir, 'jest.config.json'), JSON.stringify(config));
    const jest = (env: Record<string, string>, ...args: string[]) => {
      const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/jest/bin/jest.js'), '--config', path.join(dir, 'jest.config.json'), '--runInBand', '--json', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
      const loaded = fs.readFileSync(path.join(dir, 'loaded'), 'utf8').split('\n').filter((file) => file.endsWith('.test.js')).sort();
      fs.rmSync(path.join(dir, 'loaded'));
      const { numPassedTests, numFailedTests } = JSON.parse(run.stdout);
      return { passed: numPassedTests, failed: numFailedTests, loaded };
    };
    const [a, b] = ['a.test.js', 'b.test.js'].map((file) => path.join(dir, file));
    expect(jest({})).toEqual({ passed: 3, failed: 0, loaded: ['a.test.js', 'b.test.js'] });
    const record = JSON.parse(fs.readFileSync(path.join(dir, '.stryker-test-files.json'), 'utf8'));
    expect(record.tests).toEqual({ 'a passes': [a], 'a uses b': [a], 'b is b': [b] });
    expect(Object.keys(record.milliseconds).sort()).toEqual([a, b]);
    expect(jest({}, '--testNamePattern', strykerPattern('b is b'))).toEqual({ passed: 1, failed: 0, loaded: ['b.test.js'] });
    // A name without a record: every file, as Jest alone would.
    expect(jest({}, '--testNamePattern', strykerPattern('b is b', 'c passes'))).toEqual({ passed: 1, failed: 0, loaded: ['a.test.js', 'b.test.js'] });
    // A mutant in b.js: b.test.js first, and a.test.js only while nothing has failed.
    expect(jest({ BREAK: '1' }, '--findRelatedTests', path.join(dir, 'b.js'))).toEqual({ passed: 0, failed: 1, loaded: ['b.test.js'] });
    expect(jest({}, '--findRelatedTests', path.join(dir, 'b.js'))).toEqual({ passed: 3, failed: 0, loaded: ['a.test.js', 'b.test.js'] });
  });
});

describe('mutation/jest-environment.js: coverage of a file\'s loading and of a beforeAll goes to the tests that need it', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { attributeCoverage, testName } = require('../mutation/jest-environment');
  const root = { name: 'ROOT_DESCRIBE_BLOCK' };
  const synth = { name: 'synth', parent: root };
  const teamA = { name: 'team-a', parent: synth };
  const writes = { name: 'writes', parent: teamA };
  const refuses = { name: 'refuses', parent: synth };
  const other = { name: 'other', parent: { name: 'preview', parent: root } };

  /** Stryker's instrumenter context, its coverage helper (syntax-helpers.js) and its environment's test events, replayed for one test file. */
  function replay(steps: Array<object | string>) {
    const context: { currentTestId?: string; mutantCoverage?: { static: Record<string, number>; perTest: Record<string, Record<string, number>> } } = {};
    for (const step of steps) {
      if (typeof step === 'string') {
        const coverage = (context.mutantCoverage ??= { static: {}, perTest: {} });
        const counts = context.currentTestId ? (coverage.perTest[context.currentTestId] ??= {}) : coverage.static;
        counts[step] = (counts[step] ?? 0) + 1;
        continue;
      }
      attributeCoverage(step, context, '/t/synth.test.ts');
      const event = step as { name: string; test?: object };
      if (event.name === 'test_start') context.currentTestId = testName(event.test);
      if (event.name === 'test_done') context.currentTestId = undefined;
    }
    return context;
  }
  const hook = (name: string, type: string, parent: object) => ({ name, hook: { type, parent } });
  const test = (name: string, which: object) => ({ name, test: which });

  it('names tests as Stryker and Jest do', () => {
    expect(testName(writes)).toBe('synth team-a writes');
  });

  it("gives the file's loading to each of its tests, a block's beforeAll to each test in it, nested blocks too, and to no other", () => {
    const context = replay([
      { name: 'setup' }, 'load', { name: 'run_start' },
      hook('hook_start', 'beforeAll', synth), 'synth', hook('hook_success', 'beforeAll', synth),
      test('test_start', writes), hook('hook_start', 'beforeEach', teamA), 'each', hook('hook_success', 'beforeEach', teamA), 'write', test('test_done', writes),
      test('test_start', refuses), 'refuse', test('test_done', refuses),
      { name: 'run_describe_finish', describeBlock: synth },
      test('test_start', other), 'preview', test('test_done', other),
      hook('hook_start', 'afterAll', root), 'cleanup', hook('hook_success', 'afterAll', root),
      { name: 'run_finish' },
    ]);
    expect(context.mutantCoverage).toEqual({
      static: { cleanup: 1 },
      perTest: {
        'synth team-a writes': { load: 1, synth: 1, each: 1, write: 1 },
        'synth refuses': { load: 1, synth: 1, refuse: 1 },
        'preview other': { load: 1, preview: 1 },
      },
    });
  });

  it('keeps a failed beforeAll to its block, and does nothing outside a coverage run', () => {
    const context = replay([hook('hook_start', 'beforeAll', teamA), 'half', hook('hook_failure', 'beforeAll', teamA), 'after']);
    expect(context.currentTestId).toBeUndefined();
    expect(context.mutantCoverage?.static).toEqual({ after: 1 });
    expect(() => replay([test('test_start', writes), { name: 'run_describe_finish', describeBlock: synth }, { name: 'run_finish' }])).not.toThrow();
  });
});
