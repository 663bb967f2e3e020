/**
 * The platform's layers in the order Flux applies them. Each is a folder `dist/<cluster>/<name>/`
 * reconciled by one Flux Kustomization; `dependsOn` makes sure every CRD and namespace exists
 * before objects that need it are applied.
 */
export interface Layer {
  readonly name: LayerName;
  /** Layers that must be ready first. */
  readonly dependsOn: readonly LayerName[];
  /** Whether the layer is ready only once everything it applied is ready (Flux `wait`). */
  readonly wait: boolean;
  /** How long Flux waits for the layer to become ready. */
  readonly timeout: string;
}

export type LayerName =
  | 'flux-system'
  | 'namespaces'
  | 'helm-repositories'
  | 'helm-releases'
  | 'shared-resources'
  | 'observability'
  | 'policies'
  | 'abstractions'
  | 'workspaces'
  | 'tenants';

export const LAYERS: readonly Layer[] = [
  { name: 'flux-system', dependsOn: [], wait: false, timeout: '5m' }, // GitRepository and one Flux Kustomization per layer
  { name: 'namespaces', dependsOn: [], wait: true, timeout: '2m' }, // namespaces of the platform components
  { name: 'helm-repositories', dependsOn: ['namespaces'], wait: true, timeout: '5m' }, // Helm and OCI chart sources
  { name: 'helm-releases', dependsOn: ['helm-repositories'], wait: true, timeout: '15m' }, // Cilium, Kyverno, Strimzi, CloudNativePG, kro, cert-manager, Metrics Server, and the observability stack
  { name: 'shared-resources', dependsOn: ['helm-releases'], wait: true, timeout: '15m' }, // the shared Kafka and Gateway, and the certificate issuers
  { name: 'observability', dependsOn: ['helm-releases'], wait: true, timeout: '5m' }, // what Prometheus scrapes of the platform, the platform dashboard, and each team's Grafana organization
  { name: 'policies', dependsOn: ['helm-releases'], wait: true, timeout: '5m' }, // cluster-wide Kyverno policies
  { name: 'abstractions', dependsOn: ['helm-releases'], wait: true, timeout: '5m' }, // kro ResourceGraphDefinitions
  { name: 'workspaces', dependsOn: ['abstractions', 'policies'], wait: true, timeout: '10m' }, // the teams' Workspaces (cluster-scoped)
  // No wait: the layer creates the teams' Kustomizations, whose readiness is their own. Not after
  // workspaces either: one team's Workspace that is not ready would hold back every team.
  { name: 'tenants', dependsOn: ['abstractions', 'shared-resources'], wait: false, timeout: '5m' }, // each team's ServiceAccount, Kustomization and instances
];
