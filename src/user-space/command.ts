import * as path from 'path';
import { parseArgs, type CommandSpec, type OptionSpec } from '../cli/args';
import { ROOT } from '../paths';
import { hasErrors, loadUserSpace, Problem } from '.';
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
 * `mini-atlas validate [--user-space <dir>] [--format <text|github|json>]`: the synth's checks of
 * team files, writing nothing. Exit 0 when valid (warnings allowed), 1 when not.
 */
export function runValidate(args: string[]): number {
  const { values } = parseArgs(args, VALIDATE_COMMAND);
  const userSpace = loadUserSpace({ root: ROOT, userSpaceDir: userSpaceDir(values) });
  const teams = userSpace.teams.length;
  printProblems(userSpace.problems, (values.get('--format') ?? 'text') as ProblemFormat, { teams });
  process.stderr.write(`validate: ${teams} team${teams === 1 ? '' : 's'}, ${countProblems(userSpace.problems)}\n`);
  return hasErrors(userSpace.problems) ? 1 : 0;
}
