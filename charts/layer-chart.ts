import { ApiObject, Chart } from 'cdk8s';
import type { TeamInstances } from '../src/user-space/model';
import type { KindRef } from './health-checks';

/**
 * A chart that is one layer of `dist/<cluster>/`. By default each object gets its own file,
 * named after its kind and name, so a review diff names what changed.
 */
export abstract class LayerChart extends Chart {
  /** File of `object`, relative to the layer's folder. */
  public outputFile(object: ApiObject): string {
    return `${object.kind.toLowerCase()}-${object.name}.yaml`;
  }

  /**
   * What the layer holds for one team: its validated instances, or typed manifests made for it
   * (`Kind.manifest(...)`). They are data, not constructs: the thousands of them a large synth
   * writes need none of cdk8s's resolving, which would cost a third of its time, and synth renders
   * each team on its own, so that an unchanged team's output can be reused. A document
   * `ownedBy` the team compiles its own files (its instances), and its file is the team's if
   * nothing else shares it; what the platform makes for a team stays the platform's.
   * @default none
   */
  public teamDocuments(_team: TeamInstances): TeamDocument[] {
    return [];
  }

  /** Every kind of the layer's own objects (the teams' documents aside), each once, in the order first seen. */
  public appliedKinds(): KindRef[] {
    const objects = this.node.findAll().filter((node): node is ApiObject => node instanceof ApiObject);
    const kinds = new Map(objects.map(({ apiVersion, kind }) => [`${apiVersion} ${kind}`, { apiVersion, kind }]));
    return [...kinds.values()];
  }

  /** Files that are not Kubernetes objects (kustomize configs), by path relative to the layer, for a cluster with `teams` teams. */
  public extraFiles(_teams: number): Record<string, string> {
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
