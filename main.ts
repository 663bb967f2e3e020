import { App } from 'cdk8s';
import { ABSTRACTIONS } from './abstractions';
import { AbstractionsChart } from './charts/abstractions';
import { FluxSystemChart } from './charts/flux-system';
import { HelmReleasesChart } from './charts/helm-releases';
import { HelmRepositoriesChart } from './charts/helm-repositories';
import { KindRef } from './charts/health-checks';
import { LayerChart } from './charts/layer-chart';
import { LayerName } from './charts/layers';
import { NamespacesChart } from './charts/namespaces';
import { ObservabilityChart } from './charts/observability';
import { PoliciesChart, tenantKinds } from './charts/policies';
import { SharedResourcesChart } from './charts/shared-resources';
import { TenantsChart } from './charts/tenants';
import { WorkspacesChart } from './charts/workspaces';
import { ClusterConfig } from './config/clusters';

/** Every layer but flux-system, which applies them. */
export type AppliedLayerName = Exclude<LayerName, 'flux-system'>;

/** The platform of one cluster: a chart per layer; flux-system comes last, from what the others apply. */
export interface ClusterLayers {
  readonly app: App;
  readonly layers: Record<AppliedLayerName, LayerChart>;
}

/**
 * The platform's layers of one cluster, whatever its teams. Each layer adds the documents of one
 * team when asked (`LayerChart.teamDocuments`), so that `npm run synth` (src/synth) renders every
 * team on its own into dist/<cluster>/<layer>/, for every cluster in config/clusters.ts.
 */
export function buildLayers(cluster: ClusterConfig): ClusterLayers {
  const app = new App();
  const namespaced = ABSTRACTIONS.filter((abstraction) => abstraction.scope === 'Namespaced');
  const layers = {
    namespaces: new NamespacesChart(app, 'namespaces'),
    'helm-repositories': new HelmRepositoriesChart(app, 'helm-repositories', { interval: '1h' }),
    'helm-releases': new HelmReleasesChart(app, 'helm-releases', { cluster }),
    'shared-resources': new SharedResourcesChart(app, 'shared-resources', { cluster }),
    observability: new ObservabilityChart(app, 'observability'),
    policies: new PoliciesChart(app, 'policies', { tenantKinds: tenantKinds(ABSTRACTIONS) }),
    abstractions: new AbstractionsChart(app, 'abstractions', { cluster, abstractions: ABSTRACTIONS }),
    workspaces: new WorkspacesChart(app, 'workspaces'),
    tenants: new TenantsChart(app, 'tenants', { cluster, tenantResources: namespaced.map((abstraction) => abstraction.plural), instanceRoles: ABSTRACTIONS.flatMap((abstraction) => abstraction.clusterRoles?.() ?? []) }),
  };
  return { app, layers };
}

/**
 * flux-system of a cluster whose layers apply `appliedKinds` (their own objects' kinds and their
 * teams' documents'), in the same app as the layers.
 */
export function buildFluxSystem({ app }: ClusterLayers, cluster: ClusterConfig, appliedKinds: Partial<Record<LayerName, readonly KindRef[]>>): FluxSystemChart {
  return new FluxSystemChart(app, 'flux-system', { cluster, appliedKinds });
}
