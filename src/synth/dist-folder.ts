import * as fs from 'fs';
import * as path from 'path';
import { DistFiles } from './render';

/**
 * How many file operations are in flight at once. The disk, not the CPU, bounds a synth of
 * thousands of files; libuv's threads overlap their latency (three times faster than writing
 * one file after another, measured on 10,000 files).
 */
const PARALLEL_IO = 32;

/** Runs `task` on every item, at most PARALLEL_IO at a time. */
async function forEachParallel<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_IO, items.length) }, worker));
}

/** Every file under `folder`, by path relative to it ('/'-separated); empty if it doesn't exist. */
export async function readTree(folder: string): Promise<DistFiles> {
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
  const contents = new Map<string, string>();
  await forEachParallel(files, async (file) => {
    contents.set(file, await fs.promises.readFile(path.join(folder, file), 'utf8'));
  });
  return new Map(files.sort().map((file) => [file, contents.get(file)!]));
}

/**
 * Makes `folder` hold exactly `files`, given what it holds now (`current`, from readTree).
 *
 * Everything that changes is first written into a temporary sibling folder; only when all of it
 * is written does anything in `folder` change, so a failure leaves `folder` exactly as it was.
 * A new folder is the temporary one renamed. An existing one then takes the changed files by
 * rename (atomic per file) and loses the removed ones: on a slow disk, creating and deleting
 * thousands of unchanged files would cost more than rendering them.
 */
export async function replaceTree(folder: string, files: DistFiles, current: DistFiles): Promise<void> {
  const staging = `${folder}.tmp-${process.pid}`;
  const exists = fs.existsSync(folder);
  const changed = exists ? new Map([...files].filter(([file, content]) => current.get(file) !== content)) : files;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    await writeAll(staging, changed);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  if (!exists) {
    fs.renameSync(staging, folder);
    return;
  }
  await moveAll(staging, folder, [...changed.keys()]);
  await removeAll(folder, [...current.keys()].filter((file) => !files.has(file)));
  fs.rmSync(staging, { recursive: true, force: true });
}

async function moveAll(from: string, to: string, files: readonly string[]): Promise<void> {
  await createFolders(to, files);
  await forEachParallel(files, (file) => fs.promises.rename(path.join(from, file), path.join(to, file)));
}

/** Deletes `files` and then every folder they leave empty. */
async function removeAll(root: string, files: readonly string[]): Promise<void> {
  await forEachParallel(files, (file) => fs.promises.unlink(path.join(root, file)));
  const emptied = [...new Set(files.map((file) => path.dirname(path.join(root, file))))].sort((a, b) => b.length - a.length);
  for (const folder of emptied) {
    for (let current = folder; current !== root && fs.readdirSync(current).length === 0; current = path.dirname(current)) fs.rmdirSync(current);
  }
}

async function writeAll(root: string, files: DistFiles): Promise<void> {
  fs.mkdirSync(root, { recursive: true });
  await createFolders(root, [...files.keys()]);
  await forEachParallel([...files], ([file, content]) => fs.promises.writeFile(path.join(root, file), content));
}

/** Creates the folders `files` need below `root`, a level at a time, each level in parallel. */
async function createFolders(root: string, files: readonly string[]): Promise<void> {
  const folders = new Set<string>();
  for (const file of files) {
    for (let folder = path.dirname(path.join(root, file)); folder !== root && !folders.has(folder); folder = path.dirname(folder)) folders.add(folder);
  }
  const byDepth = new Map<number, string[]>();
  for (const folder of folders) {
    const depth = folder.split(path.sep).length;
    const level = byDepth.get(depth) ?? [];
    level.push(folder);
    byDepth.set(depth, level);
  }
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) {
    await forEachParallel(byDepth.get(depth)!, (folder) =>
      fs.promises.mkdir(folder).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      }),
    );
  }
}
