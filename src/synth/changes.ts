import { parseAllDocuments } from 'yaml';
import { DistFiles } from './render';

/** Flux leaves objects with this annotation set to `disabled` in the cluster when they leave Git. */
const PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';

/** An object that leaves dist/. */
export interface RemovedObject {
  /** `<cluster>: <kind> <namespace>/<name>`. */
  readonly id: string;
  /** Whether Flux keeps it in the cluster anyway (prune disabled, as for databases). */
  readonly kept: boolean;
}

/** What a synth changes in dist/, and which cluster objects that removes. */
export interface DistChanges {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly removedObjects: readonly RemovedObject[];
}

/**
 * Compares the new dist/ with the old one. Only files whose content differs are parsed, so an
 * unchanged tree of thousands of files costs one string comparison per file.
 */
export function compareDist(before: DistFiles, after: DistFiles): DistChanges {
  let added = 0;
  let changed = 0;
  let removed = 0;
  const oldObjects = new Map<string, boolean>();
  const newObjects = new Set<string>();
  for (const [file, content] of before) {
    const next = after.get(file);
    if (next === content) continue;
    if (next === undefined) removed++;
    else changed++;
    for (const { id, kept } of objectsIn(file, content)) oldObjects.set(id, kept);
  }
  for (const [file, content] of after) {
    const previous = before.get(file);
    if (previous === content) continue;
    if (previous === undefined) added++;
    for (const { id } of objectsIn(file, content)) newObjects.add(id);
  }
  const removedObjects = [...oldObjects]
    .filter(([id]) => !newObjects.has(id))
    .map(([id, kept]) => ({ id, kept }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return { added, changed, removed, removedObjects };
}

function objectsIn(file: string, content: string): RemovedObject[] {
  if (!file.endsWith('.yaml') || file.endsWith('kustomization.yaml')) return [];
  const cluster = file.split('/')[0];
  return parseAllDocuments(content).flatMap((document) => {
    const object = document.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> } } | null;
    if (!object?.kind || !object.metadata?.name) return [];
    const where = object.metadata.namespace ? `${object.metadata.namespace}/` : '';
    return [{ id: `${cluster}: ${object.kind} ${where}${object.metadata.name}`, kept: object.metadata.annotations?.[PRUNE_ANNOTATION] === 'disabled' }];
  });
}
