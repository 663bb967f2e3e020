import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CommandSpec, parseArgs } from '../src/cli/args';
import { ROOT } from '../src/paths';
import { folderScores, MutationReport, renderScores } from './report';

export const MUTATE_COMMAND: CommandSpec = {
  name: 'mutate',
  summary:
    'Mutation testing with StrykerJS (stryker.config.json): small deliberate bugs in src/, abstractions/, charts/ and config/, each run against the tests that cover it; incremental, reports under reports/mutation/, then the score per folder.',
  options: [
    { flag: '--mutate', value: '<globs>', description: 'Mutate only these files (comma-separated globs; file.ts:10-20 for lines); the other files keep their latest results.', default: 'the four folders' },
    { flag: '--concurrency', value: '<n>', description: 'Test runners in parallel.', default: "Stryker's, from the number of cores" },
    { flag: '--force', description: 'Test every mutant again, ignoring the results of earlier runs.' },
  ],
  examples: ['npm run mutate', 'npm run mutate -- --mutate src/synth/dist-folder.ts --concurrency 1  # one file, one runner'],
};

/**
 * `mini-atlas mutate [--mutate <globs>] [--concurrency <n>] [--force]`: Stryker, then the score
 * per folder. The JSON report holds every file's latest results, a focused run's included
 * (Stryker carries the other files' results over from the incremental file).
 */
export function runMutate(args: string[]): number {
  const { values, switches } = parseArgs(args, MUTATE_COMMAND);
  const options = [...[...values].flat(), ...switches];
  const stryker = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'stryker'), ['run', ...options], { cwd: ROOT, stdio: 'inherit' });
  if (stryker.error) throw stryker.error;
  // After a failed run the report on disk is an older run's: better none than a wrong one.
  if (stryker.status !== 0) return stryker.status ?? 1;
  const report = JSON.parse(fs.readFileSync(jsonReportFile(), 'utf8')) as MutationReport;
  process.stdout.write(`\nmutation score per folder (${path.relative(ROOT, jsonReportFile())}):\n${renderScores(folderScores(report))}`);
  return 0;
}

/** The JSON report's path, as the Stryker config names it. */
export function jsonReportFile(): string {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'stryker.config.json'), 'utf8')) as { jsonReporter: { fileName: string } };
  return path.join(ROOT, config.jsonReporter.fileName);
}
