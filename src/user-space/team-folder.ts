import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The folder of a team's per-cluster overrides: `<team>/clusters/<cluster>/`. */
export const OVERRIDES_FOLDER = 'clusters';

/** An entry of a folder, as the loader tells them apart (a symbolic link is `other`, never followed). */
export interface FolderEntry {
  readonly name: string;
  readonly type: 'file' | 'folder' | 'other';
}

/** A file's absolute path and the text it would hold. */
export interface PendingFile {
  readonly path: string;
  readonly text: string;
}

/**
 * A team's folder as read once: every entry the loader looks at and the bytes of every YAML file
 * it may read, so that what the loader checks and what `hash` covers are the same bytes.
 */
export interface TeamFolder {
  readonly team: string;
  /** Absolute path of the team folder. */
  readonly path: string;
  /** SHA-256 over every entry's path and type and every YAML file's bytes, in a fixed order. */
  readonly hash: string;
  /** Entries of the folder at `relative` ('' is the team folder, '/'-separated below it), sorted by name; none when it does not exist. */
  entries(relative: string): readonly FolderEntry[];
  /** Bytes of the YAML file at `relative`, as read. */
  bytes(relative: string): Buffer | undefined;
}

/** Whether `name` is a YAML file, in any spelling (`.yaml`, `.yml`, `.YAML`, ...): none is skipped silently. */
export function isYamlFile(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

/**
 * Reads `<userSpace>/<team>/` as the loader walks it: the team folder, its clusters/ folder and
 * each folder in that, with the YAML files of those folders. Deeper folders are only named (the
 * loader refuses them without reading them). `pending` is a file about to be written, read as if
 * it were there.
 */
export function readTeamFolder(userSpace: string, team: string, pending?: PendingFile): TeamFolder {
  const root = path.join(userSpace, team);
  const listings = new Map<string, FolderEntry[]>();
  const contents = new Map<string, Buffer>();
  const hash = createHash('sha256');
  const visit = (relative: string, depth: number) => {
    const entries = listFolder(path.join(root, relative));
    if (relative === '' && pending && path.dirname(pending.path) === root && !entries.some((entry) => entry.name === path.basename(pending.path))) {
      entries.push({ name: path.basename(pending.path), type: 'file' });
      entries.sort(byName);
    }
    listings.set(relative, entries);
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      hash.update(`${child}\0${entry.type}\0`);
      if (entry.type === 'file' && isYamlFile(entry.name)) {
        const bytes = pending && path.join(root, child) === pending.path ? Buffer.from(pending.text) : fs.readFileSync(path.join(root, child));
        contents.set(child, bytes);
        hash.update(`${bytes.length}\0`).update(bytes);
      } else if (entry.type === 'folder' && (depth === 1 || (depth === 0 && entry.name === OVERRIDES_FOLDER))) {
        visit(child, depth + 1);
      }
    }
  };
  visit('', 0);
  return {
    team,
    path: root,
    hash: hash.digest('hex'),
    entries: (relative) => listings.get(relative) ?? [],
    bytes: (relative) => contents.get(relative),
  };
}

function listFolder(folder: string): FolderEntry[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  // Stryker disable next-line MethodExpression: libuv's scandir, under readdirSync, returns the names sorted already; Node does not promise it
  return entries.map((entry): FolderEntry => ({ name: entry.name, type: entry.isFile() ? 'file' : entry.isDirectory() ? 'folder' : 'other' })).sort(byName);
}

/** By name; the names of one folder are unique, so none compares equal. */
function byName(a: FolderEntry, b: FolderEntry): number {
  // Stryker disable next-line EqualityOperator: no two names are equal
  return a.name < b.name ? -1 : 1;
}
