import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, usageOf, type CommandSpec, type OptionSpec } from '../cli/args';
import { UsageError } from '../cli/usage-error';
import { ROOT } from '../paths';
import { CLUSTERS } from '../../config/clusters';
import { apiServerProblemsOf } from '../preview/api-server';
import { loadRgds } from '../preview/rgd';
import { hasErrors, isYamlFile, loadUserSpace, locateField, OVERRIDES_FOLDER, Problem, UserSpace } from '.';
import { sortProblems } from './problems';
import { PROBLEM_FORMATS, printProblems, type ProblemFormat } from './report';

export { report } from './report';

/** `--user-space <dir>`, shared by the commands that read team files. */
export const USER_SPACE_OPTION: OptionSpec = { flag: '--user-space', value: '<dir>', description: 'Folder of team folders to read.', default: 'user-space/' };

export const VALIDATE_COMMAND: CommandSpec = {
  name: 'validate',
  positionals: '[<team-or-file>...]',
  maxPositionals: Infinity,
  summary:
    "Runs synth's checks of every team file (or of the teams holding the files and team folders named) and writes nothing: each problem as file:line:col with the field and a hint. Exit 0 when valid (warnings allowed), 1 when not.",
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
  examples: ['npm run validate', 'npm run validate -- team-b', 'npm run validate -- --format github  # in a GitHub Actions job'],
};

/**
 * Where team files are read from: `--user-space <dir>`, else user-space/. A folder that does not
 * exist or cannot be read, a file, or a single team's folder is a usage error (exit 2): read as a
 * user space, it would mean "no teams", and synth would remove every team from dist/.
 */
export function userSpaceDir(values: ReadonlyMap<string, string>): string {
  const given = values.get('--user-space');
  const dir = path.resolve(given ?? path.join(ROOT, 'user-space'));
  // Stryker disable next-line StringLiteral: the default is the repository's own user-space/, which no test may remove or fill with team files, the only cases that name it
  const shown = given ?? 'user-space';
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`the user space ${shown} does not exist: --user-space takes the folder that holds one folder per team (default user-space)`);
    if (code === 'ENOTDIR') throw new UsageError(`the user space ${shown} is a file, not a folder: --user-space takes the folder that holds one folder per team (default user-space)`);
    throw new UsageError(`the user space ${shown} cannot be read: ${(error as Error).message}`);
  }
  // Team files with no team folders beside them (a team's own clusters/ aside): one team's folder.
  // A stray file among team folders is reported by the loader, on that file.
  const teamFiles = entries.filter((entry) => entry.isFile() && isYamlFile(entry.name)).map((entry) => entry.name);
  // Stryker disable next-line MethodExpression: Node lists a folder's names in order already (libuv's scandir sorts them); Node does not promise it, so the message keeps its own
  teamFiles.sort();
  const teamFolders = entries.filter((entry) => entry.isDirectory() && entry.name !== OVERRIDES_FOLDER);
  if (teamFiles.length > 0 && teamFolders.length === 0) {
    throw new UsageError(
      `${shown} holds team files (${teamFiles.slice(0, 3).join(', ')}${teamFiles.length > 3 ? ', …' : ''}), so it is one team's folder, not a user space: pass the folder of team folders (--user-space ${path.relative(process.cwd(), path.dirname(dir)) || '.'}), or name the team folder as an argument to check only that team`,
    );
  }
  return dir;
}

/**
 * The files and team folders named on the command line, as absolute paths: a path, or a team's
 * name (`team-b` for `<user space>/team-b`). One that is neither is a usage error.
 */
export function selectedPaths(positionals: readonly string[], userSpace: string, usage: string): string[] {
  return positionals.map((positional) => {
    if (fs.existsSync(positional)) return path.resolve(positional);
    const team = path.join(userSpace, positional);
    if (!positional.includes('/') && fs.existsSync(team)) return team;
    throw new UsageError(`${positional} does not exist; ${usage}`);
  });
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
 * `mini-atlas validate [<team-or-file>...] [--user-space <dir>] [--format <text|github|json>]`:
 * the synth's checks of team files (every team, or the teams holding the paths given), writing
 * nothing. Exit 0 when valid (warnings allowed), 1 when not.
 */
export function runValidate(args: string[]): number {
  const { values, positionals } = parseArgs(args, VALIDATE_COMMAND);
  const dir = userSpaceDir(values);
  const only = positionals.length ? selectedPaths(positionals, dir, usageOf(VALIDATE_COMMAND)) : undefined;
  const userSpace = loadUserSpace({ root: ROOT, userSpaceDir: dir, only });
  const problems = checkUserSpace(userSpace, (cluster) => loadRgds(ROOT, path.join(ROOT, 'dist', cluster, 'abstractions')));
  const teams = userSpace.teams.length;
  printProblems(problems, (values.get('--format') ?? 'text') as ProblemFormat, { teams });
  process.stderr.write(`validate: ${teams} team${teams === 1 ? '' : 's'}, ${countProblems(problems)}\n`);
  return hasErrors(problems) ? 1 : 0;
}
