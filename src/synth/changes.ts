import { parseAllDocuments } from 'yaml';
import { DistFiles } from './render';

/** What a synth changes in dist/, and which cluster objects that removes. */
export interface DistChanges {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  /** `<cluster>: <kind> <namespace>/<name>` of every object no longer in dist/. */
  readonly removedObjects: readonly string[];
}

/**
 * Compares the new dist/ with the old one. Only files whose content differs are parsed, so an
 * unchanged tree of thousands of files costs one string comparison per file.
 */
export function compareDist(before: DistFiles, after: DistFiles): DistChanges {
  let added = 0;
  let changed = 0;
  let removed = 0;
  const oldObjects = new Set<string>();
  const newObjects = new Set<string>();
  for (const [file, content] of before) {
    const next = after.get(file);
    if (next === content) continue;
    if (next === undefined) removed++;
    else changed++;
    for (const key of objectKeys(file, content)) oldObjects.add(key);
  }
  for (const [file, content] of after) {
    const previous = before.get(file);
    if (previous === content) continue;
    if (previous === undefined) added++;
    for (const key of objectKeys(file, content)) newObjects.add(key);
  }
  const removedObjects = [...oldObjects].filter((key) => !newObjects.has(key)).sort();
  return { added, changed, removed, removedObjects };
}

function objectKeys(file: string, content: string): string[] {
  if (!file.endsWith('.yaml') || file.endsWith('kustomization.yaml')) return [];
  const cluster = file.split('/')[0];
  return parseAllDocuments(content).flatMap((document) => {
    const object = document.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null;
    if (!object?.kind || !object.metadata?.name) return [];
    const where = object.metadata.namespace ? `${object.metadata.namespace}/` : '';
    return [`${cluster}: ${object.kind} ${where}${object.metadata.name}`];
  });
}
