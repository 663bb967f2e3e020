import { parse } from 'yaml';
import { CLUSTERS, ClusterConfig } from '../../config/clusters';
import { shardName } from '../../config/flux';
import { renderCluster } from '../../src/synth/render';

/** The Flux controllers' Deployments, as gotk-components.yaml names them. */
const CONTROLLERS = ['source-controller', 'kustomize-controller', 'helm-controller', 'notification-controller', 'image-reflector-controller', 'image-automation-controller'];

interface Patch {
  readonly patch: string;
  readonly target: { readonly kind?: string; readonly name?: string };
}

/**
 * The arguments the bootstrap kustomization appends to each controller's container, applying its
 * patches as kustomize does: a target's name is an anchored regular expression.
 */
function addedArgs(config: ClusterConfig): Map<string, string[]> {
  const kustomization = parse(renderCluster(config, []).files.get(`${config.name}/bootstrap/flux/kustomization.yaml`)!);
  // Besides Flux's manifests, a folder per tenant shard, whose kustomize-controller gets the same patches.
  const shards = Array.from({ length: config.flux.tenantShards }, (_, index) => shardName(index + 1));
  expect(kustomization.resources).toEqual(['gotk-components.yaml', ...shards]);
  const controllers = [...CONTROLLERS, ...shards.map((shard) => `kustomize-controller-${shard}`)];
  const args = new Map(controllers.map((controller) => [controller, [] as string[]]));
  for (const { patch, target } of kustomization.patches as Patch[]) {
    if (target.kind !== 'Deployment') continue;
    const name = new RegExp(`^(?:${target.name})$`);
    for (const operation of parse(patch) as { op: string; path: string; value: string }[]) {
      if (operation.op !== 'add' || operation.path !== '/spec/template/spec/containers/0/args/-') continue;
      for (const controller of args.keys()) if (name.test(controller)) args.get(controller)!.push(operation.value);
    }
  }
  return args;
}

/** Each cluster as configured, and one whose config asks for no shards (the patches then name no shard Deployments). */
const CASES = [...CLUSTERS.map((cluster) => [cluster.name, cluster] as const), ['dev without shards', { ...CLUSTERS[0], flux: { ...CLUSTERS[0].flux, tenantShards: 0 } }] as const];

describe.each(CASES)("the Flux install's multi-tenancy lockdown on %s", (_, cluster) => {
  it('forbids cross-namespace references in every controller that follows them', () => {
    const args = addedArgs(cluster);
    const shards = [...args.keys()].filter((controller) => controller.startsWith('kustomize-controller-shard'));
    expect(shards).toHaveLength(cluster.flux.tenantShards);
    for (const controller of ['kustomize-controller', 'helm-controller', 'notification-controller', 'image-reflector-controller', 'image-automation-controller', ...shards]) {
      expect({ controller, args: args.get(controller) }).toEqual({ controller, args: expect.arrayContaining(['--no-cross-namespace-refs=true']) });
    }
  });

  it('makes the controllers that apply objects act as an account without rights unless told otherwise', () => {
    const args = addedArgs(cluster);
    const shards = [...args.keys()].filter((controller) => controller.startsWith('kustomize-controller-shard'));
    for (const controller of ['kustomize-controller', 'helm-controller', ...shards]) {
      expect({ controller, args: args.get(controller) }).toEqual({ controller, args: expect.arrayContaining(['--default-service-account=default']) });
    }
  });

  it('makes the main kustomize-controller ignore sharded objects only when there are shards to take them', () => {
    const selectors = addedArgs(cluster).get('kustomize-controller')!.filter((arg) => arg.startsWith('--watch-label-selector'));
    expect(selectors).toEqual(cluster.flux.tenantShards ? ['--watch-label-selector=!sharding.fluxcd.io/key'] : []);
  });
});
