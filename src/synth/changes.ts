import { loadAll } from 'js-yaml';
import { FileContent, holds, OutputFiles } from './dist-folder';

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

/** What a synth changes in dist/, and which cluster objects that removes. */
export interface DistChanges {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly removedObjects: readonly DistObject[];
}

/** A run of documents of a file of dist/ (see FilePart): whose they are, and their text. */
export interface Part {
  /** @default the platform's */
  readonly team?: string;
  readonly text: string;
  /** The objects in it; needed for the new parts that are not in the old file as they are. @default none */
  readonly objects?: readonly DistObject[];
}

/**
 * Compares the new dist/ with the old one, one new file at a time (`add`), then the old files no
 * new one replaced (`finish`). Only what differs is parsed: files whose content differs, and in
 * them only the parts (one team's documents, or the platform's) that differ, when the old file's
 * parts are known (`beforeParts`); otherwise the whole old file. The new parts' objects are known
 * from rendering, so an unchanged tree of thousands of files costs one string comparison per
 * file, and one changed team in a file all teams share costs that team's part. An object of a
 * changed old part is removed unless a changed new part holds it: a team's objects are its
 * alone, so none moves into a part that did not change.
 */
export class DistComparison {
  private added = 0;
  private changed = 0;
  private readonly seen = new Set<string>();
  private readonly oldObjects = new Map<string, DistObject>();
  private readonly newObjects = new Set<string>();

  constructor(
    private readonly before: OutputFiles,
    private readonly beforeParts?: ReadonlyMap<string, readonly Part[]>,
  ) {}

  /** One file of the new dist/, with its parts when it is made of documents; returns whether it is the same as before. */
  add(file: string, content: FileContent, parts: readonly Part[] = []): boolean {
    this.seen.add(file);
    if (holds(this.before, file, content)) return true;
    const previous = this.before.get(file);
    if (previous === undefined) this.added++;
    else this.changed++;
    const old = textsByOwner(this.beforeParts?.get(file));
    for (const part of parts) {
      // Stryker disable next-line StringLiteral,ConditionalExpression,EqualityOperator: saves listing an unchanged part's objects; they were in it before too, so none is among the removed unless the old tree held an object twice, which Flux refuses
      const oldText = old.get(part.team ?? '');
      // Stryker disable next-line ConditionalExpression,EqualityOperator: as above
      if (oldText !== undefined && oldText === part.text) continue;
      for (const { id } of part.objects ?? []) this.newObjects.add(id);
    }
    if (previous !== undefined) this.collectRemoved(file, previous, textsByOwner(parts));
    return false;
  }

  /** What changed, once every new file was added: the old files not among them are removed (and read, when they are read from the disk, see FilesOnDisk). */
  finish(): DistChanges {
    let removed = 0;
    for (const file of this.before.keys()) {
      if (this.seen.has(file)) continue;
      removed++;
      this.collectRemoved(file, this.before.get(file)!, new Map());
    }
    const removedObjects = [...this.oldObjects.values()].filter(({ id }) => !this.newObjects.has(id)).sort((a, b) => a.id.localeCompare(b.id));
    return { added: this.added, changed: this.changed, removed, removedObjects };
  }

  /** The objects of the old file's parts that the new file does not hold as they were (`kept`, by owner). */
  private collectRemoved(file: string, content: string, kept: ReadonlyMap<string, string>): void {
    for (const part of this.beforeParts?.get(file) ?? [{ text: content }]) {
      if (kept.get(part.team ?? '') === part.text) continue;
      for (const object of objectsIn(file, part.text)) this.oldObjects.set(object.id, object);
    }
  }
}

/** Each part's text by its owner (a team, or '' for the platform). */
function textsByOwner(parts: readonly Part[] | undefined): Map<string, string> {
  return new Map((parts ?? []).map((part) => [part.team ?? '', part.text]));
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
