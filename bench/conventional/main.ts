import { Construct } from 'constructs';
import { App, Chart, ChartProps } from 'cdk8s';
import { Kustomization } from '../../imports/flux-kustomization-kustomize.toolkit.fluxcd.io';
import { ABSTRACTIONS } from '../../abstractions';
import { AbstractionsChart } from '../../charts/abstractions';
import { CLUSTERS, ClusterConfig } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { distPath, FluxSystemChart, GIT_SOURCE } from '../../charts/flux-system';
import { HelmReleasesChart } from '../../charts/helm-releases';
import { HelmRepositoriesChart } from '../../charts/helm-repositories';
import { NamespacesChart } from '../../charts/namespaces';
import { PoliciesChart, tenantKinds } from '../../charts/policies';
import { SharedResourcesChart } from '../../charts/shared-resources';
import { teamName } from '../generate-teams';

export interface TenantsChartProps extends ChartProps {
  readonly cluster: ClusterConfig;
  /** Number of tenants, named like the benchmark's generated teams. */
  readonly teams: number;
}

/** One Flux Kustomization per tenant, shaped like the one mini-atlas writes for each team. */
export class TenantsChart extends Chart {
  constructor(scope: Construct, id: string, props: TenantsChartProps) {
    super(scope, id, props);
    for (let index = 1; index <= props.teams; index++) this.addTenant(teamName(index), props.cluster);
  }

  private addTenant(team: string, cluster: ClusterConfig): void {
    new Kustomization(this, team, {
      metadata: { name: `tenant-${team}`, namespace: PLATFORM.fluxNamespace, labels: { [PLATFORM.tenantLabel]: team } },
      spec: {
        interval: cluster.reconcileInterval,
        retryInterval: '1m',
        path: distPath(cluster, 'tenants', team),
        prune: true,
        wait: true,
        timeout: '10m',
        sourceRef: GIT_SOURCE,
        serviceAccountName: `tenant-${team}`,
        targetNamespace: team,
        dependsOn: [{ name: 'workspaces' }],
      },
    });
  }
}

/** The platform layers of one cluster, built as ../../main.ts builds them, plus `teams` tenant Kustomizations. */
export function addCluster(app: App, cluster: ClusterConfig, teams: number): void {
  const id = (layer: string) => `${cluster.name}-${layer}`;
  new FluxSystemChart(app, id('flux-system'), { cluster });
  new NamespacesChart(app, id('namespaces'));
  new HelmRepositoriesChart(app, id('helm-repositories'), { interval: '1h' });
  new HelmReleasesChart(app, id('helm-releases'), { cluster });
  new SharedResourcesChart(app, id('shared-resources'), { cluster });
  new PoliciesChart(app, id('policies'), { tenantKinds: tenantKinds(ABSTRACTIONS) });
  new AbstractionsChart(app, id('abstractions'), { cluster, abstractions: ABSTRACTIONS });
  new TenantsChart(app, id('tenants'), { cluster, teams });
}

// Run as the app (`npx ts-node main.ts`); test/bench.test.ts imports addCluster without synthesizing.
// The output folder comes from CDK8S_OUTDIR, as when `cdk8s synth` runs the app.
if (require.main === module) {
  const app = new App();
  const teams = Number(process.env.BENCH_TEAMS ?? '1');
  for (const cluster of CLUSTERS) addCluster(app, cluster, teams);
  app.synth();
}
