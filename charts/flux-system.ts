import { ApiObject, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { LayerChart } from './layer-chart';
import { GitRepository } from '../imports/flux-gitrepository-source.toolkit.fluxcd.io';
import { Kustomization, KustomizationSpecSourceRefKind } from '../imports/flux-kustomization-kustomize.toolkit.fluxcd.io';
import { ClusterConfig } from '../config/clusters';
import { FLUX } from '../config/flux';
import { PLATFORM } from '../config/platform';
import { receiverManifest } from './receiver';
import { healthCheckExprs, KindRef } from './health-checks';
import { Layer, LayerName, LAYERS } from './layers';

/** The GitRepository every platform Kustomization reads from. */
export const GIT_SOURCE = { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: 'flux-system' } as const;

const GIT_REPOSITORY_API_VERSION = GitRepository.GVK.apiVersion;

/** Path of a folder of `dist/` as Flux sees it in the repository. */
export function distPath(cluster: ClusterConfig, ...segments: string[]): string {
  return ['.', 'dist', cluster.name, ...segments].join('/');
}

export interface FluxSystemChartProps extends ChartProps {
  readonly cluster: ClusterConfig;
  /**
   * The kinds each layer applies: a layer that waits gets the health checks of those kstatus
   * cannot judge. @default none known (no health checks)
   */
  readonly appliedKinds?: Partial<Record<LayerName, readonly KindRef[]>>;
}

/**
 * What bootstrap applies and Flux then keeps: the GitRepository of this repository and one
 * Kustomization per layer, including this one, so Flux manages its own configuration.
 */
export class FluxSystemChart extends LayerChart {
  constructor(scope: Construct, id: string, props: FluxSystemChartProps) {
    super(scope, id, props);
    this.addGitRepository(props.cluster);
    this.addReceiver(props.cluster);
    for (const layer of LAYERS) this.addLayer(layer, props.cluster, props.appliedKinds?.[layer.name] ?? []);
  }

  private addGitRepository(cluster: ClusterConfig): void {
    new GitRepository(this, 'git', {
      metadata: { name: GIT_SOURCE.name, namespace: PLATFORM.fluxNamespace },
      spec: {
        url: cluster.gitUrl,
        ref: { branch: cluster.gitBranch },
        interval: cluster.reconcileInterval,
        // Only this cluster's folder matters; the rest of the repository never reaches the cluster.
        ignore: `/*\n!/dist/${cluster.name}/\n`,
      },
    });
  }

  /**
   * The Git host's push events reconcile the GitRepository at once, and a new revision
   * reconciles every Kustomization that reads it, so tenants' intervals can be long. Pushes to
   * other branches (another cluster's) are ignored. The token Secret is bootstrap's, never Git's.
   */
  private addReceiver(cluster: ClusterConfig): void {
    new ApiObject(this, 'receiver', receiverManifest({
      metadata: { name: FLUX.receiver.name, namespace: PLATFORM.fluxNamespace },
      spec: {
        type: 'github',
        events: ['ping', 'push'],
        secretRef: { name: FLUX.receiver.tokenSecret },
        resources: [{ apiVersion: GIT_REPOSITORY_API_VERSION, kind: GIT_SOURCE.kind, name: GIT_SOURCE.name }],
        resourceFilter: `has(req.ref) && req.ref == 'refs/heads/${cluster.gitBranch}'`,
      },
    }));
  }

  private addLayer(layer: Layer, cluster: ClusterConfig, kinds: readonly KindRef[]): void {
    new Kustomization(this, layer.name, {
      metadata: { name: layer.name, namespace: PLATFORM.fluxNamespace },
      spec: {
        interval: cluster.reconcileInterval,
        retryInterval: '1m',
        path: distPath(cluster, layer.name),
        prune: true,
        wait: layer.wait,
        // Flux evaluates the expressions only while it waits.
        healthCheckExprs: layer.wait ? healthCheckExprs(kinds) : undefined,
        timeout: layer.timeout,
        sourceRef: GIT_SOURCE,
        // The lockdown's default service account has no rights; platform layers act as the controller.
        serviceAccountName: 'kustomize-controller',
        dependsOn: layer.dependsOn.length ? layer.dependsOn.map((name) => ({ name })) : undefined,
      },
    });
  }
}
