/**
 * readTeamFolder: what the loader reads of a team folder, and the hash synth's cache trusts to
 * reuse a team's output. A hash that misses a change makes the cache serve a stale dist/; one
 * that changes with nothing changed only costs a render.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readTeamFolder } from '../../src/user-space/team-folder';
import { tempDir } from '../helpers';

/** A user space holding one team, `team-x`, with `files` (path below the team folder: text; a path ending in `/` is a folder), written in the order given. */
function userSpace(files: Record<string, string>): string {
  const root = tempDir('team-folder');
  for (const [file, text] of Object.entries(files)) {
    const absolute = path.join(root, 'team-x', file);
    if (file.endsWith('/')) fs.mkdirSync(absolute, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(absolute), { recursive: true });
      fs.writeFileSync(absolute, text);
    }
  }
  return root;
}

const hashOf = (files: Record<string, string>) => readTeamFolder(userSpace(files), 'team-x').hash;

const TEAM = { 'workspace.yaml': 'kind: Workspace\n', 'web.yaml': 'kind: WebApplication\n', 'clusters/prd/web.yaml': 'spec: {replicas: 3}\n' };

describe('readTeamFolder', () => {
  it('lists each folder it reads sorted by name, whatever order the files were written in, and the hash with it', () => {
    const forward = readTeamFolder(userSpace({ 'a.yaml': 'a', 'b.yaml': 'b', 'c.yaml': 'c', 'clusters/dev/x.yaml': 'x', 'clusters/prd/y.yaml': 'y' }), 'team-x');
    const backward = readTeamFolder(userSpace({ 'clusters/prd/y.yaml': 'y', 'clusters/dev/x.yaml': 'x', 'c.yaml': 'c', 'b.yaml': 'b', 'a.yaml': 'a' }), 'team-x');
    for (const folder of [forward, backward]) {
      expect(folder.entries('').map((entry) => entry.name)).toEqual(['a.yaml', 'b.yaml', 'c.yaml', 'clusters']);
      expect(folder.entries('clusters').map((entry) => entry.name)).toEqual(['dev', 'prd']);
    }
    expect(backward.hash).toBe(forward.hash);
  });

  it("reads the YAML files of the team folder and of each cluster's override folder, and only names the rest, symbolic links too", () => {
    const root = userSpace({ ...TEAM, 'notes.txt': 'not read', 'odd.yaml/': '', 'misc/x.yaml': 'not read', 'clusters/prd/deeper/z.yaml': 'not read', 'clusters/prd/clusters/z.yaml': 'not read' });
    const elsewhere = tempDir('team-folder-elsewhere');
    fs.writeFileSync(path.join(elsewhere, 'a.yaml'), 'kind: Workspace\n');
    fs.symlinkSync(elsewhere, path.join(root, 'team-x', 'link'));
    fs.symlinkSync(elsewhere, path.join(root, 'team-x', 'clusters', 'qa'));
    const folder = readTeamFolder(root, 'team-x');
    expect(folder.entries('')).toEqual([
      { name: 'clusters', type: 'folder' },
      { name: 'link', type: 'other' },
      { name: 'misc', type: 'folder' },
      { name: 'notes.txt', type: 'file' },
      { name: 'odd.yaml', type: 'folder' },
      { name: 'web.yaml', type: 'file' },
      { name: 'workspace.yaml', type: 'file' },
    ]);
    expect(folder.bytes('web.yaml')?.toString()).toBe(TEAM['web.yaml']);
    expect(folder.bytes('clusters/prd/web.yaml')?.toString()).toBe(TEAM['clusters/prd/web.yaml']);
    expect(folder.entries('clusters/prd')).toEqual([
      { name: 'clusters', type: 'folder' },
      { name: 'deeper', type: 'folder' },
      { name: 'web.yaml', type: 'file' },
    ]);
    expect(folder.entries('clusters')).toEqual([
      { name: 'prd', type: 'folder' },
      { name: 'qa', type: 'other' },
    ]);
    for (const unread of ['notes.txt', 'misc/x.yaml', 'clusters/prd/deeper/z.yaml', 'clusters/prd/clusters/z.yaml', 'link/a.yaml', 'clusters/qa/a.yaml']) expect(folder.bytes(unread)).toBeUndefined();
    for (const unlisted of ['misc', 'odd.yaml', 'clusters/prd/deeper', 'clusters/prd/clusters', 'link', 'clusters/qa']) expect(folder.entries(unlisted)).toEqual([]);
  });

  it('hashes every change the loader can see: a file changed, added, removed or renamed, an override, a file that became a folder', () => {
    const base = hashOf(TEAM);
    expect(hashOf(TEAM)).toBe(base);
    const changed: Record<string, string>[] = [
      { ...TEAM, 'web.yaml': 'kind: WebApplication\nspec: {}\n' },
      { ...TEAM, 'clusters/prd/web.yaml': 'spec: {replicas: 4}\n' },
      { ...TEAM, 'topic.yaml': 'kind: Topic\n' },
      { ...TEAM, 'notes.txt': 'not YAML' },
      { 'workspace.yaml': TEAM['workspace.yaml'], 'clusters/prd/web.yaml': TEAM['clusters/prd/web.yaml'] },
      { 'workspace.yaml': TEAM['workspace.yaml'], 'webapp.yaml': TEAM['web.yaml'], 'clusters/prd/web.yaml': TEAM['clusters/prd/web.yaml'] },
      { ...TEAM, 'clusters/dev/': '' },
    ];
    const hashes = changed.map(hashOf);
    expect(new Set([base, ...hashes]).size).toBe(changed.length + 1);
  });

  it('tells where one file ends and the next begins: moving bytes from one file into the next changes the hash', () => {
    // Without each file's length, "a.yaml" holding the next entry's header would hash like two files.
    expect(hashOf({ 'a.yaml': 'b.yaml\0file\0' })).not.toBe(hashOf({ 'a.yaml': '', 'b.yaml': '' }));
  });

  it('reads a pending file as if it were written: as a new file or in place of one, hashed the same', () => {
    const written = { ...TEAM, 'a-topic.yaml': 'kind: Topic\n' };
    const root = userSpace(TEAM);
    const pendingNew = readTeamFolder(root, 'team-x', { path: path.join(root, 'team-x', 'a-topic.yaml'), text: written['a-topic.yaml'] });
    const real = readTeamFolder(userSpace(written), 'team-x');
    expect(pendingNew.entries('')).toEqual(real.entries(''));
    expect(pendingNew.bytes('a-topic.yaml')?.toString()).toBe('kind: Topic\n');
    expect(pendingNew.hash).toBe(real.hash);
    const inPlace = userSpace(written);
    const replaced = readTeamFolder(inPlace, 'team-x', { path: path.join(inPlace, 'team-x', 'web.yaml'), text: 'kind: WebApplication\nspec: {}\n' });
    expect(replaced.entries('')).toEqual(real.entries(''));
    expect(replaced.hash).toBe(hashOf({ ...written, 'web.yaml': 'kind: WebApplication\nspec: {}\n' }));
    // A pending file of another folder is not this team's.
    expect(readTeamFolder(root, 'team-x', { path: path.join(root, 'team-y', 'a-topic.yaml'), text: 'x' }).hash).toBe(hashOf(TEAM));
  });
});
