import { ClusterConfig } from '../../config/clusters';
import { FLUX, shardName } from '../../config/flux';
import { toYaml } from '../synth/yaml';

/**
 * Flags of Flux's multi-tenancy lockdown (fluxcd.io "Flux multi-tenancy" and "bootstrap
 * customization"), added to the controllers' arguments at every install and upgrade: bootstrap
 * regenerates Flux's manifests at the pinned version and applies them through these patches.
 */
export const FLUX_LOCKDOWN: ReadonlyArray<{ readonly controllers: readonly string[]; readonly flag: string }> = [
  // A Kustomization or HelmRelease reaches sources and objects of its own namespace only.
  { controllers: ['kustomize-controller', 'helm-controller', 'notification-controller', 'image-reflector-controller', 'image-automation-controller'], flag: '--no-cross-namespace-refs=true' },
  // An object that names no service account acts as `default` of its namespace, which holds no rights.
  { controllers: ['kustomize-controller', 'helm-controller'], flag: '--default-service-account=default' },
  // Kustomize overlays may not pull remote bases: everything applied comes from the source Flux verified (kustomize-controller PR 638).
  { controllers: ['kustomize-controller'], flag: '--no-remote-bases=true' },
];

/** The one controller the platform shards: the teams are Kustomizations, nothing else of Flux. */
const SHARDED_CONTROLLER = 'kustomize-controller';

/** Flux's exported manifests, as bootstrap writes them beside each kustomization.yaml. */
const COMPONENTS = 'gotk-components.yaml';

const KUSTOMIZE = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' } as const;

/** A JSON patch that appends `flag` to a controller's arguments. */
function addArgument(flag: string): string {
  return toYaml([{ op: 'add', path: '/spec/template/spec/containers/0/args/-', value: flag }]);
}

/** A strategic-merge patch that drops whatever its target selects. */
const DELETE = toYaml({ apiVersion: 'v1', kind: 'all', metadata: { name: 'all' }, $patch: 'delete' });

/**
 * Files of `dist/<cluster>/bootstrap/flux/`: the kustomization bootstrap applies Flux's
 * manifests through, and one folder per shard. Every controller gets the lockdown flags, the
 * shards' controllers included: kustomize selects a patch's target by the name a resource had
 * before the shard's suffix as well as after it, and the pattern names the suffixed one too, so
 * either way each Deployment matches once. The main kustomize-controller then ignores sharded
 * objects (`!sharding.fluxcd.io/key`), and each shard watches its own key only.
 */
export function fluxInstallFiles(cluster: ClusterConfig): Record<string, string> {
  const shards = Array.from({ length: cluster.flux.tenantShards }, (_, index) => shardName(index + 1));
  const lockdown = FLUX_LOCKDOWN.map(({ controllers, flag }) => ({
    patch: addArgument(flag),
    // kustomize anchors a target name as a regular expression, so this names exactly these Deployments and their shards.
    target: { kind: 'Deployment', name: `(${controllers.join('|')})${shards.length ? '(-shard[0-9]+)?' : ''}` },
  }));
  const mainOnly = shards.length
    ? [{ patch: addArgument(`--watch-label-selector=!${FLUX.sharding.key}`), target: { kind: 'Deployment', name: SHARDED_CONTROLLER, annotationSelector: `!${FLUX.sharding.roleAnnotation}` } }]
    : [];
  const files: Record<string, string> = {
    'flux/kustomization.yaml': toYaml({ ...KUSTOMIZE, resources: [COMPONENTS, ...shards], patches: [...lockdown, ...mainOnly] }),
  };
  for (const shard of shards) files[`flux/${shard}/kustomization.yaml`] = toYaml(shardKustomization(shard));
  return files;
}

/**
 * One shard: a copy of the main kustomize-controller's Deployment, renamed, that reconciles only
 * the Kustomizations labelled with its key (fluxcd.io "Flux sharding and horizontal scaling" at
 * Flux 2.9; kustomize-controller filters only its Kustomization cache by the selector, so the
 * shard still reads the one unlabelled GitRepository, and derives its own leader-election lease
 * from the selector). Everything else of Flux's manifests is dropped: the shard shares the main
 * controller's ServiceAccount, its rights and its CRDs.
 */
function shardKustomization(shard: string): object {
  const app = `${SHARDED_CONTROLLER}-${shard}`;
  return {
    ...KUSTOMIZE,
    namespace: 'flux-system',
    resources: [COMPONENTS],
    nameSuffix: `-${shard}`,
    commonAnnotations: { [FLUX.sharding.roleAnnotation]: 'shard' },
    patches: [
      { target: { labelSelector: `app.kubernetes.io/component!=${SHARDED_CONTROLLER}` }, patch: DELETE },
      { target: { kind: '(CustomResourceDefinition|ServiceAccount)' }, patch: DELETE },
      {
        target: { kind: 'Deployment', name: SHARDED_CONTROLLER },
        patch: toYaml([
          { op: 'replace', path: '/spec/selector/matchLabels/app', value: app },
          { op: 'replace', path: '/spec/template/metadata/labels/app', value: app },
          { op: 'add', path: '/spec/template/spec/containers/0/args/-', value: `--watch-label-selector=${FLUX.sharding.key}=${shard}` },
        ]),
      },
    ],
  };
}
