import { parse } from 'yaml';
import { CLUSTERS } from '../../config/clusters';
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
function addedArgs(cluster: string): Map<string, string[]> {
  const kustomization = parse(renderCluster(CLUSTERS.find((each) => each.name === cluster)!, []).files.get(`${cluster}/bootstrap/flux/kustomization.yaml`)!);
  expect(kustomization.resources).toEqual(['gotk-components.yaml']);
  const args = new Map(CONTROLLERS.map((controller) => [controller, [] as string[]]));
  for (const { patch, target } of kustomization.patches as Patch[]) {
    if (target.kind !== 'Deployment') continue;
    const name = new RegExp(`^(?:${target.name})$`);
    for (const operation of parse(patch) as { op: string; path: string; value: string }[]) {
      if (operation.op !== 'add' || operation.path !== '/spec/template/spec/containers/0/args/-') continue;
      for (const controller of CONTROLLERS) if (name.test(controller)) args.get(controller)!.push(operation.value);
    }
  }
  return args;
}

describe.each(CLUSTERS.map((cluster) => cluster.name))("the Flux install's multi-tenancy lockdown on %s", (cluster) => {
  it('forbids cross-namespace references in every controller that follows them', () => {
    const args = addedArgs(cluster);
    for (const controller of ['kustomize-controller', 'helm-controller', 'notification-controller', 'image-reflector-controller', 'image-automation-controller']) {
      expect({ controller, args: args.get(controller) }).toEqual({ controller, args: expect.arrayContaining(['--no-cross-namespace-refs=true']) });
    }
  });

  it('makes the controllers that apply objects act as an account without rights unless told otherwise', () => {
    const args = addedArgs(cluster);
    for (const controller of ['kustomize-controller', 'helm-controller']) {
      expect({ controller, args: args.get(controller) }).toEqual({ controller, args: expect.arrayContaining(['--default-service-account=default']) });
    }
  });
});
