import { k8s } from 'cdk8s-plus-30';
import {
  HelmRelease,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecDriftDetectionMode,
} from '../../imports/flux-helmrelease-helm.toolkit.fluxcd.io';
import { HelmRepository } from '../../imports/flux-helmrepository-source.toolkit.fluxcd.io';
import { ClusterConfig } from '../../config/clusters';
import { CHARTS } from '../../config/versions';
import { Abstraction, GraphResource, InstanceRefs, manifest } from '../graph';
import { appLabels, conditionTrue, RESTRICTED } from '../templates';
import { expr } from '../expression';
import { virtualClusterApi, VirtualClusterFields } from './api';

/** The ClusterRole each VirtualCluster's deployer is bound to, in its namespace only. */
export const VCLUSTER_DEPLOYER_ROLE = 'mini-atlas-vcluster-deployer';

/** User and group the vcluster control plane runs as: any non-root id, also owning its data volume. */
const VCLUSTER_USER = 12345;

const ALL = ['create', 'delete', 'patch', 'update', 'get', 'list', 'watch'];

/**
 * The rights of the Role the vcluster 0.30.4 chart gives its syncer (templates/role.yaml) with
 * the values below: shared nodes, endpoints and EndpointSlices synced to the host (the chart's
 * defaults), one replica, no integrations, no volume snapshot rules.
 */
export const VCLUSTER_SYNCER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services', 'pods', 'pods/attach', 'pods/portforward', 'pods/exec', 'persistentvolumeclaims'], verbs: ALL },
  { apiGroups: [''], resources: ['pods/status', 'pods/ephemeralcontainers'], verbs: ['patch', 'update'] },
  { apiGroups: ['apps'], resources: ['statefulsets', 'replicasets', 'deployments'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['endpoints', 'pods/log'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['endpoints'], verbs: ['create', 'delete', 'patch', 'update'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['create', 'list', 'get', 'delete', 'patch', 'update', 'watch'] },
];

/**
 * What Helm, acting as the deployer, needs to install the release: create the chart's objects
 * (service accounts, Role and RoleBinding, StatefulSet; Services and Secrets, including Helm's
 * release records, are in the syncer's rules) and hold every right of the Role it creates,
 * because Kubernetes lets nobody grant a right they do not hold (RBAC escalation prevention).
 * Nothing cluster-scoped: the release creates no ClusterRole.
 */
export const VCLUSTER_DEPLOYER_RULES: readonly k8s.PolicyRule[] = [
  ...VCLUSTER_SYNCER_RULES,
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ALL },
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['create', 'delete', 'patch', 'update'] },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ALL },
];

/** What kro creates for each VirtualCluster. */
export const virtualCluster: Abstraction<VirtualClusterFields> = {
  ...virtualClusterApi,
  status: () => ({ kubeconfigSecret: expr('"vc-" + release.spec.releaseName') }),
  resources: (instance, cluster) => [chartSource(instance), deployer(instance), deployerAccess(instance), release(instance, cluster)],
  clusterRoles: () => [{ metadata: { name: VCLUSTER_DEPLOYER_ROLE }, rules: [...VCLUSTER_DEPLOYER_RULES] }],
};

type Refs = InstanceRefs<VirtualClusterFields>;

function chartSource({ name, namespace }: Refs): GraphResource {
  return {
    id: 'chartSource',
    template: manifest(HelmRepository, { metadata: { name: `${name}-vcluster`, namespace }, spec: { url: CHARTS.vcluster.repository, interval: '1h' } }),
  };
}

/** Helm acts as this account, which may only touch the team's namespace. */
function deployer({ name, namespace }: Refs): GraphResource {
  return { id: 'deployer', template: manifest(k8s.KubeServiceAccount, { metadata: { name: `${name}-vcluster-deployer`, namespace } }) };
}

function deployerAccess({ name, namespace }: Refs): GraphResource {
  return {
    id: 'deployerAccess',
    template: manifest(k8s.KubeRoleBinding, {
      metadata: { name: `${name}-vcluster-deployer`, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: VCLUSTER_DEPLOYER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: expr('deployer.metadata.name'), namespace }],
    }),
  };
}

/**
 * The release names its account through the RoleBinding: kro creates a resource only after
 * those it refers to, so Helm never runs before its rights exist.
 */
function release({ name, namespace }: Refs, cluster: ClusterConfig): GraphResource {
  return {
    id: 'release',
    template: manifest(HelmRelease, {
      metadata: { name, namespace, labels: appLabels(name, 'vcluster') },
      spec: {
        interval: '10m',
        releaseName: name,
        serviceAccountName: expr('deployerAccess.subjects[0].name'),
        chart: {
          spec: {
            chart: CHARTS.vcluster.chart,
            version: CHARTS.vcluster.version,
            sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: expr('chartSource.metadata.name') },
          },
        },
        driftDetection: { mode: HelmReleaseSpecDriftDetectionMode.ENABLED },
        install: { remediation: { retries: 3 } },
        upgrade: { remediation: { retries: 3 } },
        values: vclusterValues(cluster),
      },
    }),
    readyWhen: [conditionTrue('release', 'Ready')],
  };
}

/**
 * Values of the vcluster 0.30.4 chart that let it install with namespaced rights only and run
 * every pod under the namespace's `restricted` Pod Security level.
 */
export function vclusterValues(cluster: ClusterConfig): Record<string, unknown> {
  const { requests, limits } = cluster.vcluster.controlPlane;
  const container = { ...RESTRICTED.container, runAsUser: VCLUSTER_USER, runAsGroup: VCLUSTER_USER };
  return {
    // No ClusterRole or ClusterRoleBinding: `auto` would create them for the volume snapshot rules,
    // which are `auto` (on) with shared nodes (templates/_rbac.tpl).
    rbac: { clusterRole: { enabled: false }, enableVolumeSnapshotRules: { enabled: false } },
    policies: {
      // vcluster refuses virtual pods that break `restricted` instead of syncing pods the host
      // refuses, and gives its CoreDNS pod the RuntimeDefault seccomp profile.
      podSecurityStandard: 'restricted',
      // The Workspace already sets the namespace's quota and container defaults.
      resourceQuota: { enabled: false },
      limitRange: { enabled: false },
    },
    controlPlane: {
      // The `kubernetes` init container copies the control plane binaries; its security context is `{}` by default.
      distro: { k8s: { securityContext: container } },
      statefulSet: {
        resources: { requests, limits },
        security: {
          // fsGroup makes the data volume writable by the non-root control plane.
          podSecurityContext: { ...RESTRICTED.pod, fsGroup: VCLUSTER_USER },
          containerSecurityContext: container,
        },
      },
    },
  };
}
