import { loadAll } from 'js-yaml';
import { DistFiles } from './render';

/** Flux leaves objects with this annotation set to `disabled` in the cluster when they leave Git. */
const PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';

/** An object of dist/, as the summary names it. */
export interface DistObject {
  /** `<cluster>: <kind> <namespace>/<name>`. */
  readonly id: string;
  readonly cluster: string;
  readonly kind: string;
  /** Whether Flux keeps it in the cluster when it leaves Git (prune disabled, as for databases). */
  readonly kept: boolean;
}

/** The objects of each file of dist/. */
export type DistIndex = Map<string, DistObject[]>;

/** What a synth changes in dist/, and which cluster objects that removes. */
export interface DistChanges {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly removedObjects: readonly DistObject[];
}

/**
 * Compares the new dist/ with the old one. Only old files whose content differs are parsed (the
 * new ones' objects are known from rendering), so an unchanged tree of thousands of files costs
 * one string comparison per file.
 */
export function compareDist(before: DistFiles, after: DistFiles, afterIndex: DistIndex): DistChanges {
  let added = 0;
  let changed = 0;
  let removed = 0;
  const oldObjects = new Map<string, DistObject>();
  const newObjects = new Set<string>();
  for (const [file, content] of before) {
    const next = after.get(file);
    if (next === content) continue;
    if (next === undefined) removed++;
    else changed++;
    for (const object of objectsIn(file, content)) oldObjects.set(object.id, object);
  }
  for (const [file, content] of after) {
    const previous = before.get(file);
    // Stryker disable next-line ConditionalExpression: saves indexing unchanged files only; their objects were in them before too, so none of them was removed
    if (previous === content) continue;
    if (previous === undefined) added++;
    for (const { id } of afterIndex.get(file) ?? []) newObjects.add(id);
  }
  const removedObjects = [...oldObjects.values()].filter(({ id }) => !newObjects.has(id)).sort((a, b) => a.id.localeCompare(b.id));
  return { added, changed, removed, removedObjects };
}

function objectsIn(file: string, content: string): DistObject[] {
  if (!file.endsWith('.yaml') || file.endsWith('kustomization.yaml')) return [];
  const cluster = file.split('/')[0];
  return loadAll(content).flatMap((object) => identify(cluster, object) ?? []);
}

/** How the summary names `object` of `cluster`; undefined for what is not a Kubernetes object. */
export function identify(cluster: string, object: unknown): DistObject | undefined {
  const { kind, metadata } = (object ?? {}) as { kind?: string; metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> } };
  if (!kind || !metadata?.name) return undefined;
  const where = metadata.namespace ? `${metadata.namespace}/` : '';
  return { id: `${cluster}: ${kind} ${where}${metadata.name}`, cluster, kind, kept: metadata.annotations?.[PRUNE_ANNOTATION] === 'disabled' };
}
