/**
 * Which folder the commands read as the user space, and which paths they check. A team's own
 * folder read as a user space would mean "no teams", and synth would remove every team from dist/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../src/cli/usage-error';
import { selectedPaths, userSpaceDir } from '../../src/user-space/command';
import { tempDir } from '../helpers';

/** A folder holding `entries` (a name ending in `/` is a folder). */
function folderWith(...entries: string[]): string {
  const root = tempDir('user-space-dir');
  for (const entry of entries) {
    if (entry.endsWith('/')) fs.mkdirSync(path.join(root, entry), { recursive: true });
    else fs.writeFileSync(path.join(root, entry), 'kind: Workspace\n');
  }
  return root;
}

const dirOf = (folder: string) => userSpaceDir(new Map([['--user-space', folder]]));

describe('userSpaceDir', () => {
  it("refuses a team's folder, its overrides folder and all, naming its first three team files", () => {
    const team = folderWith('a.yaml', 'b.yml', 'c.YAML', 'd.yaml', 'clusters/', 'notes.txt');
    const parent = path.relative(process.cwd(), path.dirname(team));
    expect(() => dirOf(team)).toThrow(
      new UsageError(`${team} holds team files (a.yaml, b.yml, c.YAML, …), so it is one team's folder, not a user space: pass the folder of team folders (--user-space ${parent}), or name the team folder as an argument to check only that team`),
    );
    expect(() => dirOf(folderWith('workspace.yaml'))).toThrow(/holds team files \(workspace\.yaml\), so it is one team's folder/);
    expect(() => dirOf(folderWith('a.yaml', 'b.yaml', 'c.yaml'))).toThrow(/holds team files \(a\.yaml, b\.yaml, c\.yaml\), so it is/);
  });

  it("names the working directory as '.' when the team's folder is in it", () => {
    const parent = folderWith('team-x/');
    fs.writeFileSync(path.join(parent, 'team-x', 'workspace.yaml'), 'kind: Workspace\n');
    const cwd = process.cwd();
    process.chdir(parent);
    try {
      expect(() => dirOf('team-x')).toThrow(/pass the folder of team folders \(--user-space \.\), or name the team folder/);
    } finally {
      process.chdir(cwd);
    }
  });

  it('takes a folder of team folders, with a stray file among them (which the loader reports), and one without teams', () => {
    for (const folder of [folderWith('team-a/', 'team-b/', 'stray.yaml'), folderWith('README.md'), folderWith('odd.yaml/')]) expect(dirOf(folder)).toBe(folder);
  });
});

describe('selectedPaths', () => {
  it('takes a path as given, and a bare name as a team of the user space; a path inside the user space must be given from here', () => {
    const userSpace = folderWith('team-b/');
    fs.writeFileSync(path.join(userSpace, 'team-b', 'web.yaml'), '');
    expect(selectedPaths(['team-b', path.join(userSpace, 'team-b', 'web.yaml')], userSpace, 'usage')).toEqual([path.join(userSpace, 'team-b'), path.join(userSpace, 'team-b', 'web.yaml')]);
    expect(() => selectedPaths(['team-b/web.yaml'], userSpace, 'usage: x')).toThrow(new UsageError('team-b/web.yaml does not exist; usage: x'));
    expect(() => selectedPaths(['team-c'], userSpace, 'usage: x')).toThrow(new UsageError('team-c does not exist; usage: x'));
  });
});
