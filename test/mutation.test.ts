import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { folderScores, MutantStatus, renderScores } from '../mutation/report';
import { jsonReportFile } from '../mutation/run';
import { ROOT } from '../src/paths';

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
