import * as path from 'path';
import { parseArgs } from '../cli/args';
import { ROOT } from '../paths';
import { CLUSTERS } from '../../config/clusters';
import { apiServerProblemsOf } from '../preview/api-server';
import { loadRgds } from '../preview/rgd';
import { formatProblem, hasErrors, loadUserSpace, locateField, Problem, UserSpace } from '.';
import { sortProblems } from './problems';

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
 * The team files' problems, and what the API server would refuse of the objects kro makes from
 * them, expanded with each cluster's RGDs (`rgdsFor`): synth passes the ones it just rendered,
 * validate the ones in dist/.
 */
export function checkUserSpace(userSpace: UserSpace, rgdsFor: Parameters<typeof apiServerProblemsOf>[2]): Problem[] {
  const clusters = CLUSTERS.map((cluster) => cluster.name);
  return sortProblems([...userSpace.problems, ...apiServerProblemsOf((cluster) => userSpace.teamsFor(cluster), clusters, rgdsFor, locateField)]);
}

/**
 * `mini-atlas validate [--user-space <dir>]`: the synth's checks of team files, writing nothing.
 * Exit 0 when valid (warnings allowed), 1 when not.
 */
export function runValidate(args: string[]): number {
  const { values } = parseArgs(args, { ...USER_SPACE_FLAGS, usage: 'usage: mini-atlas validate [--user-space <dir>]' });
  const userSpace = loadUserSpace({ root: ROOT, userSpaceDir: userSpaceDir(values) });
  const problems = checkUserSpace(userSpace, (cluster) => loadRgds(ROOT, path.join(ROOT, 'dist', cluster, 'abstractions')));
  report(problems);
  const teams = userSpace.teams.length;
  process.stderr.write(`validate: ${teams} team${teams === 1 ? '' : 's'}, ${countProblems(problems)}\n`);
  return hasErrors(problems) ? 1 : 0;
}

