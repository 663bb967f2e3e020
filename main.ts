import { App } from 'cdk8s';
import { ABSTRACTIONS } from './abstractions';
import { AbstractionsChart } from './charts/abstractions';
import { FluxSystemChart } from './charts/flux-system';
import { HelmReleasesChart } from './charts/helm-releases';
import { HelmRepositoriesChart } from './charts/helm-repositories';
import { LayerChart } from './charts/layer-chart';
import { LayerName } from './charts/layers';
import { NamespacesChart } from './charts/namespaces';
import { ObservabilityChart } from './charts/observability';
import { PoliciesChart, tenantKinds } from './charts/policies';
import { SharedResourcesChart } from './charts/shared-resources';
import { TenantsChart } from './charts/tenants';
import { WorkspacesChart } from './charts/workspaces';
import { ClusterConfig } from './config/clusters';
import { TeamInstances } from './src/user-space/model';

/**
 * The whole platform of one cluster: one chart per layer, plus the teams' workspaces and
 * tenants compiled from user-space/. `npm run synth` (src/synth) renders these into
 * dist/<cluster>/<layer>/ for every cluster in config/clusters.ts.
 */
export function buildCluster(cluster: ClusterConfig, teams: readonly TeamInstances[]): Record<LayerName, LayerChart> {
  const app = new App();
  const namespaced = ABSTRACTIONS.filter((abstraction) => abstraction.scope === 'Namespaced');
  const layers = {
    namespaces: new NamespacesChart(app, 'namespaces'),
    'helm-repositories': new HelmRepositoriesChart(app, 'helm-repositories', { interval: '1h' }),
    'helm-releases': new HelmReleasesChart(app, 'helm-releases', { cluster, teams }),
    'shared-resources': new SharedResourcesChart(app, 'shared-resources', { cluster }),
    observability: new ObservabilityChart(app, 'observability', { teams }),
    policies: new PoliciesChart(app, 'policies', { tenantKinds: tenantKinds(ABSTRACTIONS) }),
    abstractions: new AbstractionsChart(app, 'abstractions', { cluster, abstractions: ABSTRACTIONS }),
    workspaces: new WorkspacesChart(app, 'workspaces', { teams }),
    tenants: new TenantsChart(app, 'tenants', { cluster, teams, tenantResources: namespaced.map((abstraction) => abstraction.plural), instanceRoles: ABSTRACTIONS.flatMap((abstraction) => abstraction.clusterRoles?.() ?? []) }),
  };
  const appliedKinds = Object.fromEntries(Object.entries(layers).map(([name, chart]) => [name, chart.appliedKinds()]));
  return { 'flux-system': new FluxSystemChart(app, 'flux-system', { cluster, appliedKinds }), ...layers };
}
