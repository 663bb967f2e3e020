import { createHash, hash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../cli/usage-error';
import { DistFiles } from './render';

/**
 * The file by which synth knows a folder as its own output. Synth replaces a folder's whole
 * content, so it touches only a folder that holds this file, an empty one or none at all: never a
 * folder of someone's files given to `--out` by mistake.
 */
export const OWNER_MARKER = '.mini-atlas-synth';

/** The marker's content: what the file is for, for whoever finds it. */
export const OWNER_MARKER_TEXT = 'Written by `npm run synth`, which replaces everything in this folder; without this file synth refuses to touch it.\n';

/**
 * Throws a UsageError (exit 2) unless synth may replace `folder`: it does not exist, is empty, or
 * holds the owner marker. `shown` is how messages name the folder.
 */
export function checkReplaceable(folder: string, shown: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new UsageError(`${shown} is a file, not a folder: synth writes a folder of YAML files; choose a folder`);
    throw error;
  }
  if (entries.length === 0 || entries.includes(OWNER_MARKER)) return;
  throw new UsageError(`${shown}/ holds files synth did not write (it has no ${OWNER_MARKER}): synth replaces only its own output, an empty folder or a new one, so nothing was touched; choose another folder`);
}

// Synchronous on purpose: measured on this project's machines, reading a tree of 2,000 files one
// readFileSync after another takes a fifth of the time of fs.promises with 32 files in flight,
// and writing is no slower (the kernel serializes the file creations either way).

/** An output folder's files as they are, by path relative to it ('/'-separated): their names, and each one's text. */
export interface OutputFiles {
  readonly size: number;
  keys(): IterableIterator<string>;
  get(file: string): string | undefined;
}

/** Every file under `folder`, by path relative to it ('/'-separated), sorted; none if it doesn't exist. */
export function listTree(folder: string): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(folder, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else files.push(child);
    }
  };
  walk('');
  return files.sort();
}

/** Bytes of an old file read at a time when FilesOnDisk compares it with a new one. */
const CHUNK = 1024 * 1024;

/**
 * The files under `folder` (listTree's), each read when asked for and not kept: a full render
 * over a large output (70 MB at 10,000 teams) holds no copy of the old one. Synth compares each
 * file once (`holds`; the comparison's answer tells the writing what changed) and reads as text
 * only those that changed or go, and every file must be compared or read before the folder is
 * replaced; or it reads them all at once (readAll), when the incremental cache takes parts from
 * them. `hashes`, when given, gets the SHA-256 of each file read in full.
 */
export class FilesOnDisk implements OutputFiles {
  private readonly files: ReadonlySet<string>;
  private chunk?: Buffer;

  constructor(
    private readonly folder: string,
    files: readonly string[],
    private readonly hashes?: Map<string, string>,
  ) {
    this.files = new Set(files);
  }

  get size(): number {
    return this.files.size;
  }

  keys(): IterableIterator<string> {
    return this.files.values();
  }

  get(file: string): string | undefined {
    return this.files.has(file) ? this.read(file) : undefined;
  }

  /** Every file with its text, read now and kept. */
  readAll(): DistFiles {
    return new Map([...this.files].map((file) => [file, this.read(file)]));
  }

  /**
   * Whether `file` holds exactly `content` (its UTF-8 bytes), compared a chunk at a time as it is
   * read: the shared layer files are 20 MB at 10,000 teams, and a string read from one would wait
   * in memory until the garbage collector frees it. Hashed when it is the same.
   */
  holds(file: string, content: FileContent): boolean {
    if (!this.files.has(file)) return false;
    const chunk = (this.chunk ??= Buffer.allocUnsafe(CHUNK));
    const digest = this.hashes && createHash('sha256');
    const fd = fs.openSync(path.join(this.folder, file), 'r');
    try {
      let filled = 0;
      let used = 0;
      const refill = () => {
        filled = fs.readSync(fd, chunk, 0, CHUNK, null);
        used = 0;
        digest?.update(chunk.subarray(0, filled));
        return filled > 0;
      };
      for (const piece of typeof content === 'string' ? [content] : content) {
        const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece.read();
        for (let at = 0; at < bytes.length; ) {
          if (used === filled && !refill()) return false;
          const length = Math.min(filled - used, bytes.length - at);
          if (chunk.compare(bytes, at, at + length, used, used + length) !== 0) return false;
          used += length;
          at += length;
        }
      }
      if (used < filled || refill()) return false;
      if (digest) this.hashes!.set(file, digest.digest('hex'));
      return true;
    } finally {
      fs.closeSync(fd);
    }
  }

  private read(file: string): string {
    const bytes = fs.readFileSync(path.join(this.folder, file));
    this.hashes?.set(file, hash('sha256', bytes));
    return bytes.toString('utf8');
  }
}

/** Whether `file` of `files` holds exactly `content`: FilesOnDisk compares it on the disk, other files as text. */
export function holds(files: OutputFiles, file: string, content: FileContent): boolean {
  return files instanceof FilesOnDisk ? files.holds(file, content) : sameContent(files.get(file), content);
}

/** UTF-8 bytes kept elsewhere (in synth's spool), read each time they are needed. */
export interface Bytes {
  read(): Buffer;
}

/**
 * A file's content: one string, or the pieces it is made of, one after the other, each text or
 * bytes read when needed. The largest files of a large synth (the layer files all teams share,
 * tens of megabytes) are never one string, nor all in memory at once.
 */
export type FileContent = string | readonly (string | Bytes)[];

const textOf = (piece: string | Bytes) => (typeof piece === 'string' ? piece : piece.read().toString('utf8'));

/** Whether `content` is `text` (false for no text). */
function sameContent(text: string | undefined, content: FileContent): boolean {
  if (text === undefined) return false;
  // Stryker disable next-line ConditionalExpression: a string is also a sequence of one-character pieces, which the loop compares to the same answer, only slower.
  if (typeof content === 'string') return text === content;
  let at = 0;
  for (const piece of content) {
    const pieceText = textOf(piece);
    // Compared as a slice: measured twenty times faster than startsWith at an offset.
    if (text.slice(at, at + pieceText.length) !== pieceText) return false;
    at += pieceText.length;
  }
  return at === text.length;
}

/** Writes `content` into `file` and returns the SHA-256 of its bytes, each piece read once. */
function writeContent(file: string, content: FileContent): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'w');
  try {
    for (const piece of typeof content === 'string' ? [content] : content) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece.read();
      hash.update(bytes);
      fs.writeSync(fd, bytes);
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * Makes `folder` hold exactly `files`, given what it holds now (`current`: FilesOnDisk, or what
 * its readAll read), and returns the SHA-256 of each file it wrote (those that changed). A file
 * may come with whether it is unchanged, when the caller compared it already (a comparison reads
 * the old file and the new one's pieces). `files` is read once, one file at a time: synth hands
 * each file over as it puts it together, so that the largest (the layer files all teams share)
 * are never all in memory at once.
 *
 * Everything that changes is first written into a temporary sibling folder; only when all of it
 * is written does anything in `folder` change, so a failure leaves `folder` exactly as it was.
 * A new folder is the temporary one renamed. An existing one then takes the changed files by
 * rename (atomic per file) and loses the removed ones: on a slow disk, creating and deleting
 * thousands of unchanged files would cost more than rendering them.
 */
export function replaceTree(folder: string, files: Iterable<readonly [string, FileContent, boolean?]>, current: OutputFiles): ReadonlyMap<string, string> {
  const staging = `${folder}.tmp-${process.pid}`;
  const exists = fs.existsSync(folder);
  const changed = new Map<string, string>();
  const kept = new Set<string>();
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    fs.mkdirSync(staging, { recursive: true });
    const folders = new FolderMaker(staging);
    for (const [file, content, unchanged] of files) {
      kept.add(file);
      if (exists && (unchanged ?? holds(current, file, content))) continue;
      folders.ensureFor(file);
      changed.set(file, writeContent(path.join(staging, file), content));
    }
  } catch (error) {
    // Stryker disable next-line BooleanLiteral: the staging folder is missing here only when making it failed (EACCES, ENOSPC), which a test run as root cannot provoke
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  if (!exists) {
    fs.renameSync(staging, folder);
    return changed;
  }
  moveAll(staging, folder, [...changed.keys()]);
  removeAll(folder, [...current.keys()].filter((file) => !kept.has(file)));
  // Stryker disable next-line BooleanLiteral: the staging folder was made above, so it exists here and force changes nothing
  fs.rmSync(staging, { recursive: true, force: true });
  return changed;
}

function moveAll(from: string, to: string, files: readonly string[]): void {
  const folders = new FolderMaker(to);
  for (const file of files) {
    folders.ensureFor(file);
    fs.renameSync(path.join(from, file), path.join(to, file));
  }
}

/**
 * Deletes `files` and then every folder they leave empty. Each emptied folder takes its emptied
 * parents with it, so the order does not matter: a parent still holding a deeper folder goes
 * when that folder does.
 */
function removeAll(root: string, files: readonly string[]): void {
  for (const file of files) fs.unlinkSync(path.join(root, file));
  for (const folder of new Set(files.map((file) => path.dirname(path.join(root, file))))) {
    for (let current = folder; current !== root && isEmptyFolder(current); current = path.dirname(current)) fs.rmdirSync(current);
  }
}

/** False for a folder already gone: another emptied folder's walk up removed it. */
function isEmptyFolder(folder: string): boolean {
  return fs.existsSync(folder) && fs.readdirSync(folder).length === 0;
}

/** Creates the folders files need below `root`, each once: a synth writes thousands of files into hundreds of folders. */
class FolderMaker {
  // Stryker disable next-line ArrayDeclaration,StringLiteral: '.' is the root, which exists; making it again changes nothing
  private readonly made = new Set<string>(['.']);

  constructor(private readonly root: string) {}

  /** Makes sure the folder of `file` (relative to the root) exists. */
  ensureFor(file: string): void {
    const folder = path.posix.dirname(file);
    // Stryker disable next-line ConditionalExpression: the set saves time only; making a folder that exists again changes nothing
    if (this.made.has(folder)) return;
    fs.mkdirSync(path.join(this.root, folder), { recursive: true });
    this.made.add(folder);
  }
}
