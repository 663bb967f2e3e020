import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../src/cli/usage-error';
import { openCommittedTree } from '../../src/preview/committed';
import { tempDir } from '../helpers';

/** A git repository with two commits of dist/dev/file.yaml, and the file changed on disk after them. */
function repository(): { dir: string; first: string } {
  const dir = tempDir('git');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-C', dir, ...args], { encoding: 'utf8' }).trim();
  git('init', '-q');
  fs.mkdirSync(path.join(dir, 'dist', 'dev'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dist', 'dev', 'file.yaml'), 'first\n');
  git('add', '.');
  git('commit', '-qm', 'first');
  const first = git('rev-parse', 'HEAD');
  fs.writeFileSync(path.join(dir, 'dist', 'dev', 'file.yaml'), 'second\n');
  git('commit', '-qam', 'second');
  fs.writeFileSync(path.join(dir, 'dist', 'dev', 'file.yaml'), 'synthesized, not committed\n');
  return { dir, first };
}

describe('openCommittedTree', () => {
  const { dir, first } = repository();

  it('reads files as committed at HEAD, not as they are on disk', () => {
    expect(openCommittedTree(dir, 'HEAD').read('dist/dev/file.yaml')).toBe('second\n');
  });

  it('reads files at any commit given as the base', () => {
    expect(openCommittedTree(dir, first).read('dist/dev/file.yaml')).toBe('first\n');
    expect(openCommittedTree(dir, 'HEAD~1').read('dist/dev/file.yaml')).toBe('first\n');
  });

  it('lists the files of a committed folder', () => {
    expect(openCommittedTree(dir, 'HEAD').list('dist/dev')).toEqual(['dist/dev/file.yaml']);
    expect(openCommittedTree(dir, 'HEAD').list('dist/dev/')).toEqual(['dist/dev/file.yaml']);
    expect(openCommittedTree(dir, 'HEAD').list('dist/prd')).toEqual([]);
  });

  it("reads a committed file larger than Node's default output buffer (1 MiB), as the Workspaces file of thousands of teams is", () => {
    const large = tempDir('git-large');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-C', large, ...args]);
    git('init', '-q');
    const text = `${'x'.repeat(99)}\n`.repeat(20_000);
    fs.writeFileSync(path.join(large, 'workspaces.yaml'), text);
    git('add', '.');
    git('commit', '-qm', 'large');
    expect(openCommittedTree(large, 'HEAD').read('workspaces.yaml')?.length).toBe(2_000_000);
  });

  it('says a file was not committed with undefined', () => {
    expect(openCommittedTree(dir, 'HEAD').read('dist/prd/file.yaml')).toBeUndefined();
  });

  it('refuses an unknown ref and a folder outside git with one sentence (exit 2)', () => {
    expect(() => openCommittedTree(dir, 'no-such-branch')).toThrow(new UsageError('--base "no-such-branch" is not a commit of this repository; give a branch, tag or commit SHA (fetch it first if it is remote)'));
    const outside = tempDir('no-git');
    expect(() => openCommittedTree(outside, 'HEAD')).toThrow(new UsageError(`--diff compares with the committed dist/, but ${outside} is not in a git repository; run the preview without --diff`));
  });
});
