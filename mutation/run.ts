import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../src/paths';
import { folderScores, MutationReport, renderScores } from './report';

/**
 * `npm run mutate [-- <stryker run options>]`: Stryker as stryker.config.json sets it up (src/,
 * abstractions/, charts/ and config/, incremental, reports under reports/), then the score per
 * folder. Options go to `stryker run` as they are: `--mutate <glob>` for a focused run,
 * `--concurrency <n>`. The JSON report holds every file's latest results, a focused run's
 * included (Stryker carries the other files' results over from the incremental file).
 */
export function runMutate(args: string[]): number {
  const stryker = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'stryker'), ['run', ...args], { cwd: ROOT, stdio: 'inherit' });
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
