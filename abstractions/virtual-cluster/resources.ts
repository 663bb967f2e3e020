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

/** What kro creates for each VirtualCluster. */
export const virtualCluster: Abstraction<VirtualClusterFields> = {
  ...virtualClusterApi,
  status: () => ({ kubeconfigSecret: expr('"vc-" + release.spec.releaseName') }),
  resources: (instance, cluster) => [chartSource(instance), deployer(instance), deployerAccess(instance), release(instance, cluster)],
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
