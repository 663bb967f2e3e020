/**
 * Values of the observability releases, sized by the cluster config: Prometheus (through the
 * Prometheus Operator), Loki, Tempo, the Alloy collector and Grafana with the three as data
 * sources. Read against each chart's values.yaml at the version pinned in config/versions.ts.
 */
import { ABSTRACTION_APIS } from '../abstractions/apis';
import { ClusterConfig, ContainerSize } from '../config/clusters';
import { PLATFORM } from '../config/platform';

const { monitoring } = PLATFORM;

/** kube-prometheus-stack: operator and CRDs, Prometheus, kube-state-metrics; no Alertmanager, no node-exporter (it needs host access). */
export function prometheusStackValues(cluster: ClusterConfig): Record<string, unknown> {
  const { metrics, operator } = cluster.observability;
  return {
    // Stable names: the Prometheus Service is then prometheus-prometheus.
    fullnameOverride: 'prometheus',
    crds: { enabled: true },
    defaultRules: { create: false },
    alertmanager: { enabled: false },
    // Grafana is its own release; its sidecar picks up the chart's Kubernetes dashboards (pods, restarts, resources).
    grafana: { enabled: false, forceDeployDashboards: true },
    nodeExporter: { enabled: false },
    // Not reachable on kind and, with Cilium replacing kube-proxy, not there at all.
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    prometheusOperator: { resources: operator },
    'kube-state-metrics': { resources: operator, rbac: { extraRules: readinessRules() }, customResourceState: { enabled: true, config: readinessMetrics() } },
    prometheus: {
      prometheusSpec: {
        retention: metrics.retention,
        resources: metrics.resources,
        // The labels team namespaces admit scrapes from (Workspace and WebApplication network policies), set here so they hold whatever the operator adds.
        podMetadata: { labels: { ...monitoring.prometheusPodLabels } },
        // Every ServiceMonitor and PodMonitor of the cluster, not only those labelled with this release: teams' too.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        ...(metrics.storage ? { storageSpec: volumeClaim(metrics.storage) } : {}),
      },
    },
  };
}

function volumeClaim(size: string) {
  return { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } } } };
}

/** The kinds whose readiness kube-state-metrics reports: Flux's and kro's. */
const READINESS_KINDS = [
  { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization', plural: 'kustomizations', prefix: 'gotk' },
  { group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease', plural: 'helmreleases', prefix: 'gotk' },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository', plural: 'gitrepositories', prefix: 'gotk' },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'HelmRepository', plural: 'helmrepositories', prefix: 'gotk' },
  { group: 'kro.run', version: 'v1alpha1', kind: 'ResourceGraphDefinition', plural: 'resourcegraphdefinitions', prefix: 'kro' },
  ...ABSTRACTION_APIS.map((api) => ({ group: 'kro.run', version: 'v1alpha1', kind: api.kind, plural: api.plural, prefix: 'kro' })),
] as const;

/** kube-state-metrics may list and watch those kinds, and nothing more than it had. */
function readinessRules() {
  const groups = [...new Set(READINESS_KINDS.map((kind) => kind.group))];
  return groups.map((group) => ({ apiGroups: [group], resources: READINESS_KINDS.filter((kind) => kind.group === group).map((kind) => kind.plural), verbs: ['list', 'watch'] }));
}

/**
 * `gotk_resource_info{kind,name,exported_namespace,ready,reason}` (the metric Flux's own monitoring
 * example defines, since Flux 2.1 no longer exports readiness itself) and the same for kro:
 * `kro_resource_info{kind,name,exported_namespace,ready,state}`, from each object's Ready condition.
 */
function readinessMetrics() {
  return {
    kind: 'CustomResourceStateMetrics',
    spec: {
      // kube-state-metrics names each metric <metricNamePrefix>_<name>.
      resources: READINESS_KINDS.map(({ group, version, kind, prefix }) => ({
        groupVersionKind: { group, version, kind },
        metricNamePrefix: prefix,
        metrics: [
          {
            name: 'resource_info',
            help: `The current state of a ${kind}.`,
            each: {
              type: 'Info',
              info: {
                labelsFromPath: {
                  name: ['metadata', 'name'],
                  ready: ['status', 'conditions', '[type=Ready]', 'status'],
                  reason: ['status', 'conditions', '[type=Ready]', 'reason'],
                  ...(prefix === 'kro' ? { state: ['status', 'state'] } : {}),
                },
              },
            },
            labelsFromPath: { exported_namespace: ['metadata', 'namespace'], kind: ['kind'] },
          },
        ],
      })),
    },
  };
}

/** Loki as one binary on a filesystem volume, with retention applied by its compactor. */
export function lokiValues(cluster: ClusterConfig): Record<string, unknown> {
  const { logs } = cluster.observability;
  return {
    deploymentMode: 'Monolithic',
    loki: {
      // One tenant: Grafana OSS cannot restrict a data source to some users anyway (README, Observability).
      auth_enabled: false,
      commonConfig: { replication_factor: 1 },
      storage: { type: 'filesystem' },
      schemaConfig: { configs: [{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'loki_index_', period: '24h' } }] },
      limits_config: { retention_period: logs.retention },
      compactor: { retention_enabled: true, delete_request_store: 'filesystem' },
    },
    singleBinary: { replicas: 1, resources: logs.resources, persistence: { enabled: true, size: logs.storage ?? '1Gi' } },
    read: { replicas: 0 },
    write: { replicas: 0 },
    backend: { replicas: 0 },
    // Caches, the gateway and the canary are for scale; Grafana and Alloy talk to Loki directly.
    chunksCache: { enabled: false },
    resultsCache: { enabled: false },
    gateway: { enabled: false },
    lokiCanary: { enabled: false },
    test: { enabled: false },
  };
}

/** Tempo as one binary on a local volume; its default receivers include OTLP, which the collector sends. */
export function tempoValues(cluster: ClusterConfig): Record<string, unknown> {
  const { traces } = cluster.observability;
  return {
    tempo: { retention: traces.retention, resources: traces.resources },
    persistence: { enabled: traces.storage !== undefined, size: traces.storage ?? '1Gi' },
  };
}

/**
 * Alloy: every pod's logs (read through the API server, so no host paths and no privileged pods)
 * into Loki labelled namespace, app and pod; OTLP from applications forwarded to Tempo.
 */
export function alloyValues(cluster: ClusterConfig): Record<string, unknown> {
  const { collector } = monitoring;
  return {
    controller: { type: 'deployment', replicas: 1 },
    alloy: {
      configMap: { content: alloyConfig() },
      resources: cluster.observability.collector,
      enableReporting: false,
      extraPorts: [
        { name: 'otlp-grpc', port: collector.otlpGrpcPort, targetPort: collector.otlpGrpcPort, protocol: 'TCP' },
        { name: 'otlp-http', port: collector.otlpHttpPort, targetPort: collector.otlpHttpPort, protocol: 'TCP' },
      ],
    },
    // Only what the configuration below uses: discovering pods and reading their logs.
    rbac: { rules: [{ apiGroups: [''], resources: ['pods', 'pods/log', 'namespaces'], verbs: ['get', 'list', 'watch'] }], clusterRules: [] },
  };
}

/** The collector's pipeline, in Alloy's configuration language. */
export function alloyConfig(): string {
  const { collector } = monitoring;
  return `discovery.kubernetes "pods" {
  role = "pod"
}

// namespace, app and pod on every line; app is the first of the instance, name and app labels a pod has.
discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_instance", "__meta_kubernetes_pod_label_app_kubernetes_io_name", "__meta_kubernetes_pod_label_app"]
    separator     = ";"
    regex         = "^;*([^;]+).*$"
    target_label  = "app"
  }
}

loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = "${monitoring.lokiUrl}/loki/api/v1/push"
  }
}

otelcol.receiver.otlp "default" {
  grpc {
    endpoint = "0.0.0.0:${collector.otlpGrpcPort}"
  }
  http {
    endpoint = "0.0.0.0:${collector.otlpHttpPort}"
  }
  output {
    traces = [otelcol.processor.batch.default.input]
  }
}

otelcol.processor.batch "default" {
  output {
    traces = [otelcol.exporter.otlp.tempo.input]
  }
}

otelcol.exporter.otlp "tempo" {
  client {
    endpoint = "${monitoring.tempoOtlpGrpc}"
    tls {
      insecure = true
    }
  }
}
`;
}

/** Grafana with Prometheus, Loki and Tempo, and every dashboard ConfigMap of the monitoring namespace, foldered by annotation. */
export function grafanaValues(cluster: ClusterConfig): Record<string, unknown> {
  const { grafana } = cluster.observability;
  const size: ContainerSize = { requests: grafana.requests, limits: grafana.limits };
  return {
    resources: size,
    persistence: { enabled: grafana.storage !== undefined, size: grafana.storage ?? '1Gi' },
    'grafana.ini': { analytics: { reporting_enabled: false, check_for_updates: false }, auth: { disable_login_form: false }, 'auth.anonymous': { enabled: false }, users: { allow_sign_up: false } },
    datasources: {
      'datasources.yaml': {
        apiVersion: 1,
        datasources: [
          { name: 'Prometheus', uid: 'prometheus', type: 'prometheus', url: monitoring.prometheusUrl, access: 'proxy', isDefault: true },
          { name: 'Loki', uid: 'loki', type: 'loki', url: monitoring.lokiUrl, access: 'proxy', jsonData: { derivedFields: [{ name: 'trace', matcherRegex: 'trace_?id[=:"]+(\\w+)', url: '${__value.raw}', datasourceUid: 'tempo' }] } },
          { name: 'Tempo', uid: 'tempo', type: 'tempo', url: monitoring.tempoUrl, access: 'proxy', jsonData: { tracesToLogsV2: { datasourceUid: 'loki' }, serviceMap: { datasourceUid: 'prometheus' } } },
        ],
      },
    },
    sidecar: {
      dashboards: {
        enabled: true,
        label: monitoring.grafana.dashboardLabel,
        // Only the platform writes dashboards, and only into this namespace.
        searchNamespace: null,
        folderAnnotation: monitoring.grafana.folderAnnotation,
        provider: { foldersFromFilesStructure: true, allowUiUpdates: false },
      },
    },
  };
}
