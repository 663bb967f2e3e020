import * as fs from 'fs';
import * as path from 'path';
import { checkReplaceable, FilesOnDisk, listTree, readTree, replaceTree } from '../../src/synth/dist-folder';
import { UsageError } from '../../src/cli/usage-error';
import { tempDir } from '../helpers';

/** Writes `files` (relative path to content) under `folder`. */
function write(folder: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    fs.writeFileSync(path.join(folder, file), content);
  }
}

/** Every file and folder under `folder`, folders with a trailing `/`, with each file's inode. */
function listing(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((entry) => {
      const stat = fs.statSync(path.join(folder, entry));
      return stat.isDirectory() ? `${entry}/` : `${entry} #${stat.ino}`;
    })
    .sort();
}

/** Leftovers beside `folder` (staging folders are its siblings). */
const siblings = (folder: string) => fs.readdirSync(path.dirname(folder)).filter((name) => name.startsWith(`${path.basename(folder)}.`));

// A file at the top first (as dist/ has none yet), and not in sorted order.
const OLD = { 'top.yaml': 't: 1\n', 'dev/z.yaml': 'z: 1\n', 'dev/a.yaml': 'a: 1\n', 'dev/layer/b.yaml': 'b: 1\n', 'dev/gone/c.yaml': 'c: 1\n', 'dev/gone/deeper/d.yaml': 'd: 1\n', 'prd/e.yaml': 'e: 1\n' };

describe('checkReplaceable', () => {
  it('passes on a failure to read the folder that is neither absence nor a file, as it is: never named a file, never taken for a new folder', () => {
    const loop = path.join(tempDir('replaceable'), 'loop');
    fs.symlinkSync('loop', loop);
    let thrown: unknown;
    try {
      checkReplaceable(loop, 'loop');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).not.toBeInstanceOf(UsageError);
    expect(thrown).toMatchObject({ code: 'ELOOP' });
  });
});

describe('readTree', () => {
  it("reads every file below a folder by '/'-separated relative path, sorted as paths, not as a walk finds them", () => {
    const folder = path.join(tempDir('read'), 'dist');
    // A walk visits `x/a/` before `x/a-b.yaml`, but '-' sorts before '/'.
    write(folder, { ...OLD, 'x/a/b.yaml': 'ab: 1\n', 'x/a-b.yaml': 'a-b: 1\n' });
    expect(Object.fromEntries(readTree(folder))).toEqual({ ...OLD, 'x/a/b.yaml': 'ab: 1\n', 'x/a-b.yaml': 'a-b: 1\n' });
    expect([...readTree(folder).keys()]).toEqual(['dev/a.yaml', 'dev/gone/c.yaml', 'dev/gone/deeper/d.yaml', 'dev/layer/b.yaml', 'dev/z.yaml', 'prd/e.yaml', 'top.yaml', 'x/a-b.yaml', 'x/a/b.yaml']);
  });

  it('is empty for a folder that does not exist', () => {
    expect(readTree(path.join(tempDir('read'), 'nowhere'))).toEqual(new Map());
  });
});

describe('FilesOnDisk', () => {
  it('names the files given, and reads each from the disk when asked for, as it is then', () => {
    const folder = path.join(tempDir('on-disk'), 'dist');
    write(folder, OLD);
    const read: string[] = [];
    const files = new FilesOnDisk(folder, listTree(folder), (file, bytes) => read.push(`${file} ${bytes.toString('utf8')}`));
    expect(files.size).toBe(Object.keys(OLD).length);
    expect([...files.keys()]).toEqual(Object.keys(OLD).sort());
    expect(read).toEqual([]);
    fs.writeFileSync(path.join(folder, 'dev/a.yaml'), 'a: 2\n');
    expect(files.get('dev/a.yaml')).toBe('a: 2\n');
    expect(files.get('top.yaml')).toBe(OLD['top.yaml']);
    expect(read).toEqual(['dev/a.yaml a: 2\n', `top.yaml ${OLD['top.yaml']}`]);
    expect(files.get('dev/none.yaml')).toBeUndefined();
  });
});

describe('replaceTree', () => {
  it('creates a new folder holding exactly the files, and nothing beside it', () => {
    const folder = path.join(tempDir('new'), 'dist');
    replaceTree(folder, new Map(Object.entries(OLD)), new Map());
    expect(Object.fromEntries(readTree(folder))).toEqual(OLD);
    expect(siblings(folder)).toEqual([]);
  });

  it('closes every file it writes: dist/ has tens of thousands, far over the limit of open files', () => {
    const folder = path.join(tempDir('closed'), 'dist');
    const openFiles = () => fs.readdirSync('/proc/self/fd').length;
    const before = openFiles();
    replaceTree(folder, new Map(Array.from({ length: 200 }, (_, index) => [`dev/${index}.yaml`, `i: ${index}\n`])), new Map());
    expect(readTree(folder).size).toBe(200);
    expect(openFiles()).toBeLessThanOrEqual(before);
  });

  it('changes what changed, keeps unchanged files as they are, and removes the rest with the folders they empty', () => {
    const folder = path.join(tempDir('existing'), 'dist');
    write(folder, OLD);
    const inode = (file: string) => fs.statSync(path.join(folder, file)).ino;
    const untouched = inode('prd/e.yaml');
    const next = new Map([
      ['top.yaml', 't: 1\n'],
      ['dev/a.yaml', 'a: 2\n'],
      ['dev/layer/b.yaml', 'b: 1\n'],
      ['dev/new/f.yaml', 'f: 1\n'],
      ['prd/e.yaml', 'e: 1\n'],
    ]);
    replaceTree(folder, next, readTree(folder));
    expect(readTree(folder)).toEqual(next);
    expect(inode('prd/e.yaml')).toBe(untouched);
    expect(listing(folder).filter((entry) => entry.endsWith('/'))).toEqual(['dev/', 'dev/layer/', 'dev/new/', 'prd/']);
    expect(siblings(folder)).toEqual([]);
  });

  it('creates the folders above a new folder that do not exist yet', () => {
    const folder = path.join(tempDir('deep'), 'out', 'deeper', 'dist');
    replaceTree(folder, new Map(Object.entries(OLD)), new Map());
    expect(Object.fromEntries(readTree(folder))).toEqual(OLD);
  });

  it('clears a staging folder that a crashed synth of the same process id left behind', () => {
    const folder = path.join(tempDir('stale'), 'dist');
    write(`${folder}.tmp-${process.pid}`, { 'dev/stale.yaml': 'stale: 1\n', 'stale.yaml': 'stale: 1\n' });
    replaceTree(folder, new Map(Object.entries(OLD)), new Map());
    expect(Object.fromEntries(readTree(folder))).toEqual(OLD);
    expect(siblings(folder)).toEqual([]);
  });

  it('keeps the folder itself when every file goes', () => {
    const folder = path.join(tempDir('emptied'), 'dist');
    write(folder, OLD);
    replaceTree(folder, new Map(), readTree(folder));
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  describe('when a write fails midway', () => {
    // `dev/a.yaml` is written as a file, so a file below it cannot be: the write fails, for root too.
    const failing = new Map([
      ['dev/a.yaml', 'a: 2\n'],
      ['dev/layer/b.yaml', 'b: 2\n'],
      ['dev/a.yaml/x.yaml', 'x: 1\n'],
      ['dev/z.yaml', 'z: 1\n'],
    ]);

    it('leaves an existing folder byte-for-byte and file-for-file as it was, with no staging folder beside it', () => {
      const folder = path.join(tempDir('atomic'), 'dist');
      write(folder, OLD);
      const before = readTree(folder);
      const entries = listing(folder);
      expect(() => replaceTree(folder, failing, before)).toThrow(/ENOTDIR|EEXIST/);
      expect(readTree(folder)).toEqual(before);
      expect(listing(folder)).toEqual(entries);
      expect(siblings(folder)).toEqual([]);
    });

    it('creates no folder that did not exist', () => {
      const folder = path.join(tempDir('atomic-new'), 'dist');
      expect(() => replaceTree(folder, failing, new Map())).toThrow(/ENOTDIR|EEXIST/);
      expect(fs.existsSync(folder)).toBe(false);
      expect(siblings(folder)).toEqual([]);
    });
  });
});
