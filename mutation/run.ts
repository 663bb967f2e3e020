import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
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
export async function runMutate(args: string[], stryker = path.join(ROOT, 'node_modules', '.bin', 'stryker')): Promise<number> {
  const { values, switches } = parseArgs(args, MUTATE_COMMAND);
  const options = [...[...values].flat(), ...switches];
  // A mutant that breaks a clean-up, or a test runner Stryker stops, leaves its temporary folders
  // behind (hundreds in a run): they go with the run's own temporary directory.
  const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'mini-atlas-mutate-'));
  let status: number | null;
  try {
    status = await runStopping(stryker, ['run', ...options], { ...process.env, TMPDIR: temporary });
  } finally {
    fs.rmSync(temporary, { recursive: true, force: true });
  }
  // After a failed or stopped run the report on disk is an older run's: better none than a wrong one.
  if (status !== 0) return status ?? 1;
  const report = JSON.parse(fs.readFileSync(jsonReportFile(), 'utf8')) as MutationReport;
  process.stdout.write(`\nmutation score per folder (${path.relative(ROOT, jsonReportFile())}):\n${renderScores(folderScores(report))}`);
  return 0;
}

/**
 * Runs `executable` to its end, in a process group of its own that a Ctrl-C or SIGTERM to this
 * process stops as a whole: Stryker and its test runners. Stopping Stryker alone leaves its
 * runners testing mutants, and a run left going writes its reports over the next run's.
 * Resolves with the exit code, null when it was stopped by a signal.
 */
function runStopping(executable: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { cwd: ROOT, env, stdio: 'inherit', detached: true });
    const stop = (signal: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        // The group ended between the signal and its exit event (or never started): nothing to stop.
      }
    };
    const signals = ['SIGINT', 'SIGTERM'] as const;
    for (const signal of signals) process.on(signal, stop);
    const done = () => signals.forEach((signal) => process.off(signal, stop));
    child.once('error', (error) => (done(), reject(error)));
    child.once('exit', (code) => (done(), resolve(code)));
  });
}

/** The JSON report's path, as the Stryker config names it. */
export function jsonReportFile(): string {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'stryker.config.json'), 'utf8')) as { jsonReporter: { fileName: string } };
  return path.join(ROOT, config.jsonReporter.fileName);
}
