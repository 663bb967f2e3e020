import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from '../cli/args';
import { UsageError } from '../cli/usage-error';
import { ROOT } from '../paths';
import { formatProblem, hasErrors, isYamlFile, loadUserSpace, OVERRIDES_FOLDER, Problem } from '.';

const USAGE = 'usage: mini-atlas validate [<team-or-file>...] [--user-space <dir>]';

/**
 * Where team files are read from: `--user-space <dir>`, else user-space/. A folder that does not
 * exist, a file, or a single team's folder is a usage error (exit 2): read as a user space, it
 * would mean "no teams", and synth would remove every team from dist/.
 */
export function userSpaceDir(values: ReadonlyMap<string, string>): string {
  const given = values.get('--user-space');
  const dir = path.resolve(given ?? path.join(ROOT, 'user-space'));
  const shown = given ?? 'user-space';
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`the user space ${shown} does not exist: --user-space takes the folder that holds one folder per team (default user-space)`);
    if (code === 'ENOTDIR') throw new UsageError(`the user space ${shown} is a file, not a folder: --user-space takes the folder that holds one folder per team (default user-space)`);
    throw error;
  }
  // Team files with no team folders beside them (a team's own clusters/ aside): one team's folder.
  // A stray file among team folders is reported by the loader, on that file.
  const teamFiles = entries.filter((entry) => entry.isFile() && isYamlFile(entry.name)).map((entry) => entry.name).sort();
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
 * `mini-atlas validate [<team-or-file>...] [--user-space <dir>]`: the synth's checks of
 * team files (every team, or the teams holding the paths given), writing nothing. Exit 0 when
 * valid (warnings allowed), 1 when not.
 */
export function runValidate(args: string[]): number {
  const { values, positionals } = parseArgs(args, { values: ['--user-space'], maxPositionals: Infinity, usage: USAGE });
  const dir = userSpaceDir(values);
  const only = positionals.length ? selectedPaths(positionals, dir, USAGE) : undefined;
  const userSpace = loadUserSpace({ root: ROOT, userSpaceDir: dir, only });
  report(userSpace.problems);
  const teams = userSpace.teams.length;
  process.stderr.write(`validate: ${teams} team${teams === 1 ? '' : 's'}, ${countProblems(userSpace.problems)}\n`);
  return hasErrors(userSpace.problems) ? 1 : 0;
}
