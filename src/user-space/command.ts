import * as path from 'path';
import { parseArgs, type CommandSpec, type OptionSpec } from '../cli/args';
import { ROOT } from '../paths';
import { CLUSTERS } from '../../config/clusters';
import { apiServerProblemsOf } from '../preview/api-server';
import { loadRgds } from '../preview/rgd';
import { hasErrors, loadUserSpace, locateField, Problem, UserSpace } from '.';
import { sortProblems } from './problems';
import { PROBLEM_FORMATS, printProblems, type ProblemFormat } from './report';

export { report } from './report';

/** `--user-space <dir>`, shared by the commands that read team files. */
export const USER_SPACE_OPTION: OptionSpec = { flag: '--user-space', value: '<dir>', description: 'Folder of team folders to read.', default: 'user-space/' };

export const VALIDATE_COMMAND: CommandSpec = {
  name: 'validate',
  summary:
    "Runs synth's checks of every team file and writes nothing: each problem as file:line:col with the field and a hint. Exit 0 when valid (warnings allowed), 1 when not.",
  options: [
    USER_SPACE_OPTION,
    {
      flag: '--format',
      value: '<text|github|json>',
      choices: PROBLEM_FORMATS,
      description: 'text: one line per problem on stderr; github: GitHub Actions annotations on stdout, shown on the lines of a pull request; json: one JSON document on stdout.',
      default: 'text',
    },
  ],
  examples: ['npm run validate', 'npm run validate -- --format github  # in a GitHub Actions job'],
};

/** Where team files are read from: `--user-space <dir>`, else user-space/. */
export function userSpaceDir(values: ReadonlyMap<string, string>): string {
  return path.resolve(values.get('--user-space') ?? path.join(ROOT, 'user-space'));
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
 * `mini-atlas validate [--user-space <dir>] [--format <text|github|json>]`: the synth's checks of
 * team files, writing nothing. Exit 0 when valid (warnings allowed), 1 when not.
 */
export function runValidate(args: string[]): number {
  const { values } = parseArgs(args, VALIDATE_COMMAND);
  const userSpace = loadUserSpace({ root: ROOT, userSpaceDir: userSpaceDir(values) });
  const problems = checkUserSpace(userSpace, (cluster) => loadRgds(ROOT, path.join(ROOT, 'dist', cluster, 'abstractions')));
  const teams = userSpace.teams.length;
  printProblems(problems, (values.get('--format') ?? 'text') as ProblemFormat, { teams });
  process.stderr.write(`validate: ${teams} team${teams === 1 ? '' : 's'}, ${countProblems(problems)}\n`);
  return hasErrors(problems) ? 1 : 0;
}
