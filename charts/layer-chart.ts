import { ApiObject, Chart } from 'cdk8s';

/**
 * A chart that is one layer of `dist/<cluster>/`. By default each object gets its own file,
 * named after its kind and name, so a review diff names what changed.
 */
export abstract class LayerChart extends Chart {
  /** File of `object`, relative to the layer's folder. */
  public outputFile(object: ApiObject): string {
    return `${object.kind.toLowerCase()}-${object.name}.yaml`;
  }

  /** Files that are not Kubernetes objects (kustomize configs), by path relative to the layer. */
  public extraFiles(): Record<string, string> {
    return {};
  }
}

/**
 * A kustomize config listing exactly `resources`: Flux then applies those files and nothing
 * else in the folder, and an empty layer is still a folder Flux can read.
 */
export function kustomizationFile(resources: readonly string[]): Record<string, string> {
  const lines = ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', resources.length ? 'resources:' : 'resources: []', ...resources.map((file) => `  - ${file}`)];
  return { 'kustomization.yaml': `${lines.join('\n')}\n` };
}
