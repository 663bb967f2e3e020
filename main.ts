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
import type { TeamOwners } from './charts/observability-values';
import { PoliciesChart, tenantKinds } from './charts/policies';
import { SharedResourcesChart } from './charts/shared-resources';
import { TenantsChart } from './charts/tenants';
import { WorkspacesChart } from './charts/workspaces';
import { ClusterConfig } from './config/clusters';

/**
 * The layers whose own objects are the same whatever the teams: built first, and asked for each
 * team's documents (`LayerChart.teamDocuments`). helm-releases (Grafana's sign-in names every
 * team's owners) and flux-system (it checks every kind the others apply) come after the teams.
 */
export type TeamIndependentLayerName = Exclude<LayerName, 'flux-system' | 'helm-releases'>;

/** The platform of one cluster, before its teams: a chart per layer, in one app. */
export interface ClusterLayers {
  readonly app: App;
  readonly layers: Record<TeamIndependentLayerName, LayerChart>;
}

/**
 * The platform's layers of one cluster that do not depend on its teams. `npm run synth`
 * (src/synth) renders them, then every team on its own through them, then the layers that
 * depend on all teams, into dist/<cluster>/<layer>/, for every cluster in config/clusters.ts.
 */
export function buildLayers(cluster: ClusterConfig): ClusterLayers {
  const app = new App();
  const namespaced = ABSTRACTIONS.filter((abstraction) => abstraction.scope === 'Namespaced');
  const layers = {
    namespaces: new NamespacesChart(app, 'namespaces'),
    'helm-repositories': new HelmRepositoriesChart(app, 'helm-repositories', { interval: '1h' }),
    'shared-resources': new SharedResourcesChart(app, 'shared-resources', { cluster }),
    observability: new ObservabilityChart(app, 'observability'),
    policies: new PoliciesChart(app, 'policies', { tenantKinds: tenantKinds(ABSTRACTIONS) }),
    abstractions: new AbstractionsChart(app, 'abstractions', { cluster, abstractions: ABSTRACTIONS }),
    workspaces: new WorkspacesChart(app, 'workspaces'),
    tenants: new TenantsChart(app, 'tenants', { cluster, tenantResources: namespaced.map((abstraction) => abstraction.plural), instanceRoles: ABSTRACTIONS.flatMap((abstraction) => abstraction.clusterRoles?.() ?? []) }),
  };
  return { app, layers };
}

/** helm-releases of a cluster whose teams have `teamOwners`, in the same app as the other layers. */
export function buildHelmReleases({ app }: ClusterLayers, cluster: ClusterConfig, teamOwners: TeamOwners): HelmReleasesChart {
  return new HelmReleasesChart(app, 'helm-releases', { cluster, teamOwners });
}

/**
 * flux-system of a cluster whose layers apply `appliedKinds` (their own objects' kinds and their
 * teams' documents'), in the same app as the layers.
 */
export function buildFluxSystem({ app }: ClusterLayers, cluster: ClusterConfig, appliedKinds: Partial<Record<LayerName, readonly KindRef[]>>): FluxSystemChart {
  return new FluxSystemChart(app, 'flux-system', { cluster, appliedKinds });
}
