import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { checkReplaceable, FilesOnDisk, listTree, replaceTree } from '../../src/synth/dist-folder';
import { UsageError } from '../../src/cli/usage-error';
import { readTree, tempDir } from '../helpers';

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
  const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

  it('names the files given, and reads each from the disk when asked for, as it is then', () => {
    const folder = path.join(tempDir('on-disk'), 'dist');
    write(folder, OLD);
    const hashes = new Map<string, string>();
    const files = new FilesOnDisk(folder, listTree(folder), hashes);
    expect(files.size).toBe(Object.keys(OLD).length);
    expect([...files.keys()]).toEqual(Object.keys(OLD).sort());
    expect(hashes).toEqual(new Map());
    fs.writeFileSync(path.join(folder, 'dev/a.yaml'), 'a: 2\n');
    expect(files.get('dev/a.yaml')).toBe('a: 2\n');
    expect(files.get('top.yaml')).toBe(OLD['top.yaml']);
    expect(hashes).toEqual(new Map([['dev/a.yaml', sha256('a: 2\n')], ['top.yaml', sha256(OLD['top.yaml'])]]));
    expect(files.get('dev/none.yaml')).toBeUndefined();
  });

  it('reads them all at once, each hashed', () => {
    const folder = path.join(tempDir('on-disk'), 'dist');
    write(folder, OLD);
    const hashes = new Map<string, string>();
    expect(Object.fromEntries(new FilesOnDisk(folder, listTree(folder), hashes).readAll())).toEqual(OLD);
    expect(Object.fromEntries(hashes)).toEqual(Object.fromEntries(Object.entries(OLD).map(([file, text]) => [file, sha256(text)])));
  });

  describe('tells whether a file holds exactly the new content, compared on the disk a chunk at a time', () => {
    // Over two chunks of the comparison, and not ASCII: compared as UTF-8 bytes.
    const large = Array.from({ length: 40_000 }, (_, index) => `- name: team-${index} # ${'é'.repeat(index % 40)}\n`).join('');
    const spooled = (text: string) => ({ read: () => Buffer.from(text) });
    const pieces = [large.slice(0, 1000), spooled(large.slice(1000, 1_500_000)), large.slice(1_500_000)];
    function onDisk(content: string | Buffer) {
      const folder = path.join(tempDir('holds'), 'dist');
      write(folder, { 'dev/large.yaml': '' });
      fs.writeFileSync(path.join(folder, 'dev/large.yaml'), content);
      const hashes = new Map<string, string>();
      return { files: new FilesOnDisk(folder, listTree(folder), hashes), hashes };
    }

    it('the same text, as one string or in pieces: hashed on the way', () => {
      const { files, hashes } = onDisk(large);
      expect(Buffer.byteLength(large)).toBeGreaterThan(2 * 1024 * 1024);
      expect(files.holds('dev/large.yaml', large)).toBe(true);
      expect(hashes.get('dev/large.yaml')).toBe(sha256(large));
      hashes.clear();
      expect(files.holds('dev/large.yaml', pieces)).toBe(true);
      expect(hashes.get('dev/large.yaml')).toBe(sha256(large));
    });

    it.each<[string, (text: string) => string | Buffer]>([
      ['a byte changed in the first chunk', (text: string) => `${text.slice(0, 10)}X${text.slice(11)}`],
      ['a byte changed in the last chunk', (text: string) => `${text.slice(0, -2)}X\n`],
      ['a byte more at the end', (text: string) => `${text}#`],
      ['a chunk more at the end', (text: string) => `${text}${text}`],
      ['a byte less at the end', (text: string) => text.slice(0, -1)],
      ['the first chunk only', (text: string) => Buffer.from(text).subarray(0, 1024 * 1024)],
      ['nothing', () => ''],
    ])('not when the file has %s: not hashed, and closed', (_, edit) => {
      const { files, hashes } = onDisk(edit(large));
      const openFiles = () => fs.readdirSync('/proc/self/fd').length;
      const before = openFiles();
      expect(files.holds('dev/large.yaml', pieces)).toBe(false);
      expect(files.holds('dev/large.yaml', large)).toBe(false);
      expect(hashes).toEqual(new Map());
      expect(openFiles()).toBe(before);
    });

    it('an empty file holds empty content, and no file holds nothing', () => {
      const { files } = onDisk('');
      expect(files.holds('dev/large.yaml', [])).toBe(true);
      expect(files.holds('dev/large.yaml', 'a')).toBe(false);
      expect(files.holds('dev/none.yaml', '')).toBe(false);
    });

    it('without hashes to record, compares all the same', () => {
      const folder = path.join(tempDir('holds'), 'dist');
      write(folder, { 'dev/large.yaml': large });
      expect(new FilesOnDisk(folder, listTree(folder)).holds('dev/large.yaml', pieces)).toBe(true);
    });
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
