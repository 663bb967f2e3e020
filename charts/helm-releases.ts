import { ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { LayerChart } from './layer-chart';
import {
  HelmRelease,
  HelmReleaseSpecChartRefKind,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecDriftDetectionMode,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
} from '../imports/flux-helmrelease-helm.toolkit.fluxcd.io';
import { ClusterConfig } from '../config/clusters';
import { PLATFORM_NAMESPACES, SYSTEM_NAMESPACES } from '../config/namespaces';
import { PLATFORM } from '../config/platform';
import { CHARTS, ChartVersion, isOciChart } from '../config/versions';
import { ciliumValues } from './cilium-values';
import { alloyValues, grafanaValues, labelProxyValues, lokiValues, orgSyncScript, prometheusStackValues, tempoValues, type TeamOwners } from './observability-values';
import { chartSourceName, PlatformChart } from './helm-repositories';

/** One platform component installed from a chart. */
interface PlatformRelease {
  readonly chart: PlatformChart;
  readonly namespace: string;
  readonly values: Record<string, unknown>;
  /** Releases that must be ready first. @default none */
  readonly dependsOn?: readonly PlatformChart[];
}

export interface HelmReleasesChartProps extends ChartProps {
  readonly cluster: ClusterConfig;
  /**
   * Each team's owners, whom Grafana's GitHub sign-in maps to the team's organization (only on a
   * cluster with `observability.grafana.github`). @default none
   */
  readonly teamOwners?: TeamOwners;
}

/**
 * The operators the platform runs: Cilium (CNI, kube-proxy replacement, Gateway API), Kyverno,
 * Strimzi, CloudNativePG, kro, cert-manager and Metrics Server (for autoscalers), and the
 * observability stack (Prometheus, prom-label-proxy, Loki, Tempo, Alloy, Grafana, with the
 * script of Grafana's organization sync and the template of the teams' organizations). Every release pins its chart version, installs and
 * upgrades its CRDs, and lets Flux revert manual changes (drift detection).
 */
export class HelmReleasesChart extends LayerChart {
  constructor(scope: Construct, id: string, props: HelmReleasesChartProps) {
    super(scope, id, props);
    for (const release of this.releases(props.cluster, props.teamOwners ?? new Map())) this.addRelease(release, props.cluster);
    const script = orgSyncScript();
    new k8s.KubeConfigMap(this, 'grafana-org-sync', { metadata: { name: script.name, namespace: script.namespace }, data: script.data });
  }

  private releases(cluster: ClusterConfig, teamOwners: TeamOwners): PlatformRelease[] {
    return [
      { chart: 'cilium', namespace: SYSTEM_NAMESPACES.kubeSystem.name, values: ciliumValues(cluster) },
      { chart: 'kyverno', namespace: PLATFORM_NAMESPACES.kyverno.name, values: kyvernoValues(cluster), dependsOn: ['cilium'] },
      {
        chart: 'strimzi',
        namespace: PLATFORM_NAMESPACES.strimzi.name,
        dependsOn: ['cilium'],
        values: {
          watchNamespaces: [PLATFORM.kafka.namespace],
          // Kafka pods then satisfy the `restricted` Pod Security Standard of the kafka namespace.
          extraEnvs: [{ name: 'STRIMZI_POD_SECURITY_PROVIDER_CLASS', value: 'restricted' }],
        },
      },
      { chart: 'cloudnativePg', namespace: PLATFORM_NAMESPACES.cloudnativePg.name, values: {}, dependsOn: ['cilium'] },
      {
        chart: 'kro',
        namespace: PLATFORM_NAMESPACES.kro.name,
        dependsOn: ['cilium'],
        // omit() (alpha since kro 0.9.0) leaves a field out of a rendered object: the Deployment's
        // replicas under an autoscaler, the cache URL of an Infrastructure without a cache.
        values: { config: { featureGates: { CELOmitFunction: true } } },
      },
      {
        chart: 'certManager',
        namespace: PLATFORM_NAMESPACES.certManager.name,
        dependsOn: ['cilium'],
        values: {
          crds: { enabled: true, keep: true },
          // The HTTP-01 solver answers through the shared Gateway, which needs cert-manager's
          // Gateway API support (`gatewayAPI.enabled`, the v1.21 form of --enable-gateway-api).
          config: { apiVersion: 'controller.config.cert-manager.io/v1alpha1', kind: 'ControllerConfiguration', gatewayAPI: { enabled: true } },
        },
      },
      {
        chart: 'metricsServer',
        namespace: SYSTEM_NAMESPACES.kubeSystem.name,
        dependsOn: ['cilium'],
        values: { args: cluster.kubeletSelfSignedCerts ? ['--kubelet-insecure-tls'] : [] },
      },
      ...this.observabilityReleases(cluster, teamOwners),
    ];
  }

  /** Metrics (and the proxy teams query them through), logs, traces, the collector and Grafana, all in the monitoring namespace. */
  private observabilityReleases(cluster: ClusterConfig, teamOwners: TeamOwners): PlatformRelease[] {
    const inMonitoring = (chart: PlatformChart, values: Record<string, unknown>): PlatformRelease => ({ chart, namespace: PLATFORM_NAMESPACES.monitoring.name, values, dependsOn: ['cilium'] });
    return [
      inMonitoring('kubePrometheusStack', prometheusStackValues(cluster)),
      inMonitoring('promLabelProxy', labelProxyValues(cluster)),
      inMonitoring('loki', lokiValues(cluster)),
      inMonitoring('tempo', tempoValues(cluster)),
      inMonitoring('alloy', alloyValues(cluster)),
      inMonitoring('grafana', grafanaValues(cluster, teamOwners)),
    ];
  }

  private addRelease(release: PlatformRelease, cluster: ClusterConfig): void {
    const chart: ChartVersion = CHARTS[release.chart];
    new HelmRelease(this, chart.chart, {
      metadata: { name: chart.chart, namespace: PLATFORM.fluxNamespace },
      spec: {
        interval: cluster.reconcileInterval,
        releaseName: chart.chart,
        targetNamespace: release.namespace,
        // Helm keeps its release record next to the release, where `helm install` (bootstrap) puts it too.
        storageNamespace: release.namespace,
        serviceAccountName: 'helm-controller',
        ...this.chartSource(chart),
        dependsOn: release.dependsOn?.map((name) => ({ name: CHARTS[name].chart })),
        install: { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        upgrade: { crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE, remediation: { retries: 3, remediateLastFailure: true } },
        driftDetection: { mode: HelmReleaseSpecDriftDetectionMode.ENABLED },
        values: release.values,
      },
    });
  }

  private chartSource(chart: ChartVersion) {
    if (isOciChart(chart)) {
      return { chartRef: { kind: HelmReleaseSpecChartRefKind.OCI_REPOSITORY, name: chartSourceName(chart) } };
    }
    return {
      chart: {
        spec: {
          chart: chart.chart,
          version: chart.version,
          sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: chartSourceName(chart) },
        },
      },
    };
  }
}

/**
 * Kyverno's admission controller serves the policies' webhooks; while none of its pods runs,
 * each webhook applies its failure policy. Several replicas (the chart spreads them over nodes
 * with its default anti-affinity) and a disruption budget keep it serving through node drains.
 */
function kyvernoValues(cluster: ClusterConfig): Record<string, unknown> {
  const replicas = cluster.kyverno.admissionReplicas;
  if (replicas === 1) return { admissionController: { replicas } };
  return { admissionController: { replicas, podDisruptionBudget: { enabled: true, minAvailable: replicas - 1 } } };
}
