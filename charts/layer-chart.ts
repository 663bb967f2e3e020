import { ApiObject, Chart } from 'cdk8s';
import type { KindRef } from './health-checks';

/**
 * A chart that is one layer of `dist/<cluster>/`. By default each object gets its own file,
 * named after its kind and name, so a review diff names what changed.
 */
export abstract class LayerChart extends Chart {
  private readonly teamDocuments: TeamDocument[] = [];

  /** Team documents of the layer, in the order they were added. */
  public get documents(): readonly TeamDocument[] {
    return this.teamDocuments;
  }

  /** File of `object`, relative to the layer's folder. */
  public outputFile(object: ApiObject): string {
    return `${object.kind.toLowerCase()}-${object.name}.yaml`;
  }

  /**
   * Adds a team's document as it is: a validated instance, or a typed manifest made for the team
   * (`Kind.manifest(...)`). It is data, not a construct: the thousands of them a large synth
   * writes need none of cdk8s's resolving, which would cost a third of its time. `ownedBy` names
   * the team whose own files the document compiles (its instances), which then own its file if
   * nothing else shares it; what the platform makes for a team stays the platform's.
   */
  protected addDocument(file: string, object: object, ownedBy?: string): void {
    this.teamDocuments.push(ownedBy ? { file, object, ownedBy } : { file, object });
  }

  /** Every kind of object the layer applies, each once, in the order first seen. */
  public appliedKinds(): KindRef[] {
    const objects = [
      ...this.node.findAll().filter((node): node is ApiObject => node instanceof ApiObject),
      ...this.teamDocuments.map(({ object }) => object as KindRef),
    ];
    const kinds = new Map(objects.map(({ apiVersion, kind }) => [`${apiVersion} ${kind}`, { apiVersion, kind }]));
    return [...kinds.values()];
  }

  /** Files that are not Kubernetes objects (kustomize configs), by path relative to the layer. */
  public extraFiles(): Record<string, string> {
    return {};
  }
}

/** A team's document and its file, relative to the layer's folder. */
export interface TeamDocument {
  readonly file: string;
  readonly object: object;
  /** The team whose own files this document compiles. @default the platform's */
  readonly ownedBy?: string;
}

/**
 * A kustomize config listing exactly `resources`: Flux then applies those files and nothing
 * else in the folder, and an empty layer is still a folder Flux can read.
 */
export function kustomizationFile(resources: readonly string[]): Record<string, string> {
  const lines = ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', resources.length ? 'resources:' : 'resources: []', ...resources.map((file) => `  - ${file}`)];
  return { 'kustomization.yaml': `${lines.join('\n')}\n` };
}
