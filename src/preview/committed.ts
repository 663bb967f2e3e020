/**
 * The repository's files as committed at a git ref, read with `git show`: what `preview --diff`
 * compares with. Not dist/ on disk, which `npm run synth` has already rewritten from the very
 * files under review, so a diff against it would show nothing.
 */
import { spawnSync } from 'child_process';
import { UsageError } from '../cli/usage-error';

/** Files at one commit of the repository holding `root`. */
export interface CommittedTree {
  /** The ref as given (`HEAD`, `origin/main`, a SHA). */
  readonly ref: string;
  /** The file at `relative` (to the repository root, '/'-separated) as committed; undefined if it was not. */
  read(relative: string): string | undefined;
  /** The files directly in the folder `relative`, as paths relative to the repository root, sorted; none if it was not committed. */
  list(relative: string): string[];
}

/** Opens `ref` of the git repository holding `root`; not a repository or an unknown ref is a UsageError (exit 2). */
export function openCommittedTree(root: string, ref: string): CommittedTree {
  const git = (...args: string[]) => spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const inside = git('rev-parse', '--is-inside-work-tree');
  if (inside.error) throw new UsageError(`--diff compares with the committed dist/ and needs git, which could not be run (${inside.error.message})`);
  if (inside.status !== 0) throw new UsageError(`--diff compares with the committed dist/, but ${root} is not in a git repository; run the preview without --diff`);
  const commit = git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  if (commit.status !== 0) throw new UsageError(`--base "${ref}" is not a commit of this repository; give a branch, tag or commit SHA (fetch it first if it is remote)`);
  const sha = commit.stdout.trim();
  return {
    ref,
    read(relative) {
      // `<sha>:./<path>` is relative to git's working directory, the repository root here.
      const shown = git('show', `${sha}:./${relative}`);
      return shown.status === 0 ? shown.stdout : undefined;
    },
    list(relative) {
      // ls-tree takes paths relative to git's working directory, the repository root here.
      const listed = git('ls-tree', '--name-only', sha, `${relative.replace(/\/$/, '')}/`);
      // A folder that was not committed lists nothing, and git says so with success and no output.
      const files = listed.stdout.split('\n').filter((line) => line !== '');
      // Stryker disable next-line MethodExpression: git lists a tree's entries sorted by name already
      return files.sort();
    },
  };
}
