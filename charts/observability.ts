import { isDeepStrictEqual } from 'util';
import { ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { PodMonitor, PodMonitorSpecSelectorMatchExpressions } from '../imports/prometheus-podmonitor-monitoring.coreos.com';
import { PLATFORM } from '../config/platform';
import { TeamInstances } from '../src/user-space/model';
import { dashboardConfigMapMetadata, dashboardJson, PLATFORM_DASHBOARD_PANELS } from './grafana-dashboards';
import { teamOrganizationConfigMap } from './grafana-organizations';
import { LayerChart, TeamDocument } from './layer-chart';

/** Pods of a platform component that Prometheus scrapes. */
interface ScrapeTarget {
  readonly name: string;
  readonly namespace: string;
  /** Label values that select the pods: one value, or any of several. */
  readonly selector: Readonly<Record<string, string | readonly string[]>>;
  /** Name of the container port serving /metrics. */
  readonly port: string;
}

/**
 * What Prometheus scrapes of the platform, the platform dashboard that shows it, and each team's
 * Grafana organization (the team and its WebApplications; the organization sync fills the
 * template in helm-releases' grafana-org-sync ConfigMap with them). PodMonitors live in the namespace of
 * the pods they select (a monitor names no other namespace), after the helm-releases layer has
 * installed their CRDs. PostgreSQL is scraped per database, by the Infrastructure abstraction's
 * PodMonitor.
 */
export class ObservabilityChart extends LayerChart {
  static readonly TARGETS: readonly ScrapeTarget[] = [
    // Flux's controllers serve their metrics on http-prom (Flux's own monitoring example).
    { name: 'flux', namespace: PLATFORM.fluxNamespace, selector: { app: ['source-controller', 'kustomize-controller', 'helm-controller', 'notification-controller'] }, port: 'http-prom' },
    { name: 'cilium-agent', namespace: 'kube-system', selector: { 'k8s-app': 'cilium' }, port: 'prometheus' },
    { name: 'cilium-operator', namespace: 'kube-system', selector: { 'io.cilium/app': 'operator' }, port: 'prometheus' },
    // Strimzi's metrics reporter (metricsConfig of the shared Kafka).
    { name: 'kafka', namespace: PLATFORM.kafka.namespace, selector: { 'strimzi.io/kind': 'Kafka', 'strimzi.io/cluster': PLATFORM.kafka.cluster }, port: 'tcp-prometheus' },
  ];

  constructor(scope: Construct, id: string, props?: ChartProps) {
    super(scope, id, props);
    for (const target of ObservabilityChart.TARGETS) this.addPodMonitor(target);
    this.addPlatformDashboard();
  }

  /** Each team's Grafana organization. */
  public teamDocuments(team: TeamInstances): TeamDocument[] {
    return [{ file: PLATFORM.dist.teamOrganizationsFile, object: sameAsLast(teamOrganizationConfigMap(team)) }];
  }

  private addPodMonitor({ name, namespace, selector, port }: ScrapeTarget): void {
    const matchLabels: Record<string, string> = {};
    const matchExpressions: PodMonitorSpecSelectorMatchExpressions[] = [];
    for (const [key, value] of Object.entries(selector)) {
      if (typeof value === 'string') matchLabels[key] = value;
      else matchExpressions.push({ key, operator: 'In', values: [...value] });
    }
    new PodMonitor(this, `podmonitor-${name}`, {
      metadata: { name, namespace },
      spec: {
        selector: { ...(Object.keys(matchLabels).length ? { matchLabels } : {}), ...(matchExpressions.length ? { matchExpressions } : {}) },
        podMetricsEndpoints: [{ port }],
      },
    });
  }

  private addPlatformDashboard(): void {
    new k8s.KubeConfigMap(this, 'platform-dashboard', {
      metadata: dashboardConfigMapMetadata('dashboard-platform', 'Platform'),
      data: { 'platform.json': JSON.stringify(dashboardJson('mini-atlas-platform', 'mini-atlas platform', PLATFORM_DASHBOARD_PANELS)) },
    });
  }
}

/**
 * `manifest`, or the very object returned last when it is the same. Synth renders a team's
 * clusters one after the other, and they mostly show the same applications: the same object then
 * comes back, and its YAML is rendered once for all of them.
 */
function sameAsLast(manifest: object): object {
  // Stryker disable next-line ConditionalExpression: saves work only: an equal object renders the same YAML, once more
  if (!isDeepStrictEqual(last, manifest)) last = manifest;
  return last!;
}

let last: object | undefined;
