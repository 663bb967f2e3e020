import { k8s } from 'cdk8s-plus-30';
import {
  HelmRelease,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecDriftDetectionMode,
} from '../imports/flux-helmrelease-helm.toolkit.fluxcd.io';
import { HelmRepository } from '../imports/flux-helmrepository-source.toolkit.fluxcd.io';
import { ClusterConfig } from '../config/clusters';
import { CHARTS } from '../config/versions';
import { Abstraction, GraphResource, InstanceRefs, manifest } from './abstraction';
import { appLabels, conditionTrue, RESTRICTED, SEED_NAME_FIELD, SEED_NAMESPACE_FIELD } from './common';
import { expr } from './expression';

const spec = { name: SEED_NAME_FIELD, namespace: SEED_NAMESPACE_FIELD };

/**
 * A virtual Kubernetes cluster (vcluster) inside the team's namespace, installed by Flux. The
 * team is cluster-admin inside it while the host cluster sees only pods in the namespace.
 * Flux's cross-namespace references are locked down, so the chart source sits next to the
 * release; the chart and its version are the platform's (config/versions.ts).
 */
export const virtualCluster: Abstraction<typeof spec> = {
  kind: 'VirtualCluster',
  plural: 'virtualclusters',
  scope: 'Namespaced',
  description:
    "A vcluster in the team's namespace, installed by a Flux HelmRelease (pinned chart, drift detection on, so Flux undoes manual changes). Its kubeconfig is in the Secret `vc-<name>`.",
  spec,
  status: () => ({ kubeconfigSecret: expr('"vc-" + release.spec.releaseName') }),
  resources: (instance, cluster) => [chartSource(instance), deployer(instance), deployerAccess(instance), release(instance, cluster)],
};

type Refs = InstanceRefs<typeof spec>;

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
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'ServiceAccount', name: expr('deployer.metadata.name'), namespace }],
    }),
  };
}

function release({ name, namespace }: Refs, cluster: ClusterConfig): GraphResource {
  const { requests, limits } = cluster.vcluster.controlPlane;
  return {
    id: 'release',
    template: manifest(HelmRelease, {
      metadata: { name, namespace, labels: appLabels(name, 'vcluster') },
      spec: {
        interval: '10m',
        releaseName: name,
        serviceAccountName: expr('deployer.metadata.name'),
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
        values: {
          controlPlane: {
            statefulSet: {
              resources: { requests, limits },
              security: {
                podSecurityContext: RESTRICTED.pod,
                containerSecurityContext: { ...RESTRICTED.container, runAsUser: 12345, runAsGroup: 12345 },
              },
            },
          },
        },
      },
    }),
    readyWhen: [conditionTrue('release', 'Ready')],
  };
}
