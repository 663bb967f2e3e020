import * as path from 'path';
import { parseArgs } from '../cli/args';
import { ROOT } from '../paths';
import { formatProblem, hasErrors, loadUserSpace, Problem } from '.';

const USER_SPACE_FLAGS = { values: ['--user-space'] } as const;

/** Where team files are read from: `--user-space <dir>`, else user-space/. */
export function userSpaceDir(values: ReadonlyMap<string, string>): string {
  return path.resolve(values.get('--user-space') ?? path.join(ROOT, 'user-space'));
}

/** Prints problems to stderr, one per line. */
export function report(problems: readonly Problem[]): void {
  for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
}

/** `2 errors, 1 warning`. */
export function countProblems(problems: readonly Problem[]): string {
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  return `${errors} error${errors === 1 ? '' : 's'}, ${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'}`;
}

/**
 * `mini-atlas validate [--user-space <dir>]`: the synth's checks of team files, writing nothing.
 * Exit 0 when valid (warnings allowed), 1 when not.
 */
export function runValidate(args: string[]): number {
  const { values } = parseArgs(args, { ...USER_SPACE_FLAGS, usage: 'usage: mini-atlas validate [--user-space <dir>]' });
  const userSpace = loadUserSpace({ root: ROOT, userSpaceDir: userSpaceDir(values) });
  report(userSpace.problems);
  const teams = userSpace.teams.length;
  process.stderr.write(`validate: ${teams} team${teams === 1 ? '' : 's'}, ${countProblems(userSpace.problems)}\n`);
  return hasErrors(userSpace.problems) ? 1 : 0;
}

