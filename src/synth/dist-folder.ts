import * as fs from 'fs';
import * as path from 'path';
import { DistFiles } from './render';

/** Every file under `folder`, by path relative to it ('/'-separated); empty if it doesn't exist. */
export function readTree(folder: string): DistFiles {
  const files: DistFiles = new Map();
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
      else files.set(child, fs.readFileSync(path.join(folder, child), 'utf8'));
    }
  };
  walk('');
  return files;
}

/**
 * Replaces `folder` with exactly `files`. Everything is first written to a sibling folder; the
 * swap is two renames, so a failure before it leaves `folder` untouched, and no reader ever
 * sees a half-written tree.
 */
export function replaceTree(folder: string, files: DistFiles): void {
  const staging = `${folder}.tmp-${process.pid}`;
  const retired = `${folder}.old-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    writeAll(staging, files);
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

function writeAll(root: string, files: DistFiles): void {
  const folders = new Set<string>();
  for (const file of files.keys()) folders.add(path.dirname(path.join(root, file)));
  for (const folder of [...folders].sort()) fs.mkdirSync(folder, { recursive: true });
  for (const [file, content] of files) fs.writeFileSync(path.join(root, file), content);
}
