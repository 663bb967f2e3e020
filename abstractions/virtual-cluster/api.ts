import { AbstractionApi } from '../api';
import { SEED_NAME_FIELD, SEED_NAMESPACE_FIELD } from '../fields';

const spec = { name: SEED_NAME_FIELD, namespace: SEED_NAMESPACE_FIELD };

/** The fields of a VirtualCluster, as teams write them. */
export type VirtualClusterFields = typeof spec;

/**
 * A virtual Kubernetes cluster (vcluster) inside the team's namespace, installed by Flux. The
 * team is cluster-admin inside it while the host cluster sees only pods in the namespace.
 * Flux's cross-namespace references are locked down, so the chart source sits next to the
 * release; the chart and its version are the platform's (config/versions.ts).
 */
export const virtualClusterApi: AbstractionApi<VirtualClusterFields> = {
  kind: 'VirtualCluster',
  plural: 'virtualclusters',
  scope: 'Namespaced',
  description:
    "A vcluster in the team's namespace, installed by a Flux HelmRelease (pinned chart, drift detection on, so Flux undoes manual changes) with rights in the namespace only, every pod under the restricted Pod Security Standard (pods inside the vcluster that break it are not synced to the host). Its kubeconfig is in the Secret `vc-<name>`.",
  spec,
};
