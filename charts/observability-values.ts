/**
 * Values of the observability releases, sized by the cluster config: Prometheus (through the
 * Prometheus Operator), Loki, Tempo, the Alloy collector and Grafana with the three as data
 * sources. Read against each chart's values.yaml at the version pinned in config/versions.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { ABSTRACTION_APIS } from '../abstractions/apis';
import { ClusterConfig, ContainerSize, GrafanaGitHubLogin } from '../config/clusters';
import { RESERVED_NAMESPACES, RESERVED_PREFIX } from '../config/namespaces';
import { PLATFORM } from '../config/platform';
import { ROOT } from '../src/paths';
import { organizationTemplate, platformDataSources } from './grafana-organizations';

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

/** The `persistence` value of the Loki, Tempo and Grafana charts: a volume of `storage`, or else their emptyDir. */
function persistence(storage: string | undefined) {
  return storage === undefined ? { enabled: false } : { enabled: true, size: storage };
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

/**
 * Loki as one binary on a filesystem volume, with retention applied by its compactor; one tenant
 * per team namespace (the collector names it), so a query sees one team's logs only.
 */
export function lokiValues(cluster: ClusterConfig): Record<string, unknown> {
  const { logs } = cluster.observability;
  return {
    deploymentMode: 'Monolithic',
    loki: {
      // Every request names its tenant (X-Scope-OrgID); no tenant, no answer.
      auth_enabled: true,
      commonConfig: { replication_factor: 1 },
      storage: { type: 'filesystem' },
      schemaConfig: { configs: [{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'loki_index_', period: '24h' } }] },
      limits_config: { retention_period: logs.retention },
      compactor: { retention_enabled: true, delete_request_store: 'filesystem' },
    },
    singleBinary: { replicas: 1, resources: logs.resources, persistence: persistence(logs.storage) },
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
    persistence: persistence(traces.storage),
  };
}

/**
 * Alloy: every pod's logs (read through the API server, so no host paths and no privileged pods)
 * into Loki labelled namespace, app and pod, each under its namespace's tenant; OTLP from
 * applications forwarded to Tempo.
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

/**
 * The namespaces whose logs go to the platform's tenant: Kubernetes' own, kind's and the
 * platform's, none of which a team may take (config/namespaces.ts), as an RE2 pattern.
 */
export function platformNamespacePattern(): string {
  return [...RESERVED_NAMESPACES.map((namespace) => namespace.name).sort(), `${RESERVED_PREFIX}.*`].join('|');
}

/** The collector's pipeline, in Alloy's configuration language. */
export function alloyConfig(): string {
  const { collector, logTenants } = monitoring;
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
  // The Loki tenant: the namespace, a team's name; the platform's own namespaces share one.
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "tenant"
  }
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    regex         = "${platformNamespacePattern()}"
    replacement   = "${logTenants.platformTenant}"
    target_label  = "tenant"
  }
}

loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.process.tenant.receiver]
}

// Each line is pushed under its tenant, which is not kept as a label.
loki.process "tenant" {
  forward_to = [loki.write.default.receiver]
  stage.tenant {
    label = "tenant"
  }
  stage.label_drop {
    values = ["tenant"]
  }
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

/** The Secret the Grafana chart makes with its `admin` user's credentials (release `grafana`). */
const GRAFANA_ADMIN_SECRET = 'grafana';
/** Where the organization sync's script and the team organizations' template are mounted. */
const ORG_SYNC_DIR = '/opt/mini-atlas';
const ORG_SYNC_SCRIPT = 'org-sync.py';

/**
 * Grafana: organization 1 is the platform's, with Prometheus, Loki (the platform's tenant) and
 * Tempo as data sources and the dashboards of the ConfigMaps labelled `grafana_dashboard` in
 * monitoring, foldered by annotation; beside it, the organization sync keeps one organization per
 * team. With `github`, people sign in with GitHub, each team's GitHub teams into its organization.
 */
export function grafanaValues(cluster: ClusterConfig, teamOwners: TeamOwners = new Map()): Record<string, unknown> {
  const { grafana } = cluster.observability;
  const size: ContainerSize = { requests: grafana.requests, limits: grafana.limits };
  return {
    resources: size,
    persistence: persistence(grafana.storage),
    // The sidecars and the organization sync read ConfigMaps of this namespace only: a Role, not
    // the chart's default ClusterRole on every Secret of the cluster.
    rbac: { namespaced: true },
    'grafana.ini': grafanaIni(grafana.github, teamOwners),
    ...(grafana.github ? { envValueFrom: { GF_AUTH_GITHUB_CLIENT_SECRET: { secretKeyRef: { name: grafana.github.clientSecret, key: 'client-secret' } } } } : {}),
    datasources: { 'datasources.yaml': { apiVersion: 1, datasources: platformDataSources() } },
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
    extraConfigmapMounts: [{ name: 'org-sync', mountPath: ORG_SYNC_DIR, configMap: monitoring.grafana.orgSyncScript, readOnly: true }],
    // The chart renders this string with `tpl`, which fills in the sidecar image's reference.
    extraContainers: stringify([orgSyncContainer(grafana.orgSync)], { lineWidth: 0 }),
  };
}

/** grafana.ini: no anonymous access, no sign-up, no public dashboards; GitHub sign-in when configured. */
function grafanaIni(github: GrafanaGitHubLogin | undefined, teamOwners: TeamOwners): Record<string, unknown> {
  return {
    analytics: { reporting_enabled: false, check_for_updates: false },
    auth: { disable_login_form: false },
    'auth.anonymous': { enabled: false },
    users: { allow_sign_up: false },
    // An editor could otherwise publish a dashboard of the team's data to anyone with the link.
    public_dashboards: { enabled: false },
    ...(github ? { 'auth.github': githubLogin(github, teamOwners) } : {}),
  };
}

/**
 * GitHub sign-in: the members of a team's GitHub teams (its Workspace's `@org/team` owners) get
 * the Editor role in the team's organization and no other; the platform's owners are Admin of
 * organization 1; anybody else is refused (`role_attribute_strict`). Editors query and build
 * dashboards; only an organization's Admin could add a data source that names another team.
 */
function githubLogin(github: GrafanaGitHubLogin, teamOwners: TeamOwners): Record<string, unknown> {
  const mapping = githubOrgMapping(teamOwners);
  const organizations = [...new Set(mapping.map((entry) => entry.slice(1, entry.indexOf('/'))))].sort();
  return {
    enabled: true,
    client_id: github.clientId,
    scopes: 'user:email,read:org',
    allow_sign_up: true,
    allowed_organizations: organizations.join(' '),
    org_mapping: mapping.join(' '),
    role_attribute_strict: true,
    skip_org_role_sync: false,
  };
}

/** Each team's code owners (its Workspace's `spec.owners`), in team order, for the teams that name any. */
export type TeamOwners = ReadonlyMap<string, readonly string[]>;

/** `org_mapping` entries, `<@org/team>:<organization>:<role>`, from the platform's owners and each Workspace's. */
export function githubOrgMapping(teamOwners: TeamOwners): string[] {
  const teamHandles = (owners: readonly string[]) => owners.filter((owner) => /^@[^/]+\/.+$/.test(owner));
  return [
    ...teamHandles(PLATFORM.owners).map((owner) => `${owner}:1:Admin`),
    ...[...teamOwners].flatMap(([team, owners]) => teamHandles(owners).map((owner) => `${owner}:${team}:Editor`)),
  ];
}

/**
 * The image the Grafana chart runs its own sidecars with, as its templates name it (registry,
 * repository, tag and, when the chart sets one, digest of `sidecar.image`): its Python runs the
 * organization sync, so the pod pulls no other image and the image moves with the chart.
 */
export const GRAFANA_SIDECAR_IMAGE =
  '{{ .Values.global.imageRegistry | default .Values.sidecar.image.registry }}/{{ .Values.sidecar.image.repository }}:{{ .Values.sidecar.image.tag }}{{ with .Values.sidecar.image.sha }}@sha256:{{ . }}{{ end }}';

/** The organization sync (charts/grafana-org-sync.py), beside Grafana in its pod. */
function orgSyncContainer(resources: ContainerSize): Record<string, unknown> {
  const secret = (key: string) => ({ valueFrom: { secretKeyRef: { name: GRAFANA_ADMIN_SECRET, key } } });
  const { grafana } = monitoring;
  return {
    name: 'org-sync',
    image: GRAFANA_SIDECAR_IMAGE,
    command: ['python', '-u', `${ORG_SYNC_DIR}/${ORG_SYNC_SCRIPT}`],
    env: [
      { name: 'GRAFANA_URL', value: `http://localhost:${grafana.port}` },
      { name: 'GRAFANA_USER', ...secret('admin-user') },
      { name: 'GRAFANA_PASSWORD', ...secret('admin-password') },
      { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'ORGANIZATION_LABEL', value: grafana.teamLabel },
      { name: 'TEAM_KEY', value: grafana.teamKey },
      { name: 'ORGANIZATION_TEMPLATE', value: `${ORG_SYNC_DIR}/${grafana.organizationTemplate}` },
      { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
    ],
    resources,
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    volumeMounts: [{ name: 'org-sync', mountPath: ORG_SYNC_DIR, readOnly: true }],
  };
}

/**
 * The ConfigMap holding the organization sync's script and the template of every team's
 * organization, which the Grafana release mounts. The template is indented so that a change to a
 * dashboard shows in a diff of dist/ line by line.
 */
export function orgSyncScript(): { name: string; namespace: string; data: Record<string, string> } {
  const { grafana } = monitoring;
  return {
    name: grafana.orgSyncScript,
    namespace: monitoring.namespace,
    data: {
      [ORG_SYNC_SCRIPT]: fs.readFileSync(path.join(ROOT, 'charts', 'grafana-org-sync.py'), 'utf8'),
      [grafana.organizationTemplate]: `${JSON.stringify(organizationTemplate(), null, 2)}\n`,
    },
  };
}

/**
 * prom-label-proxy in front of Prometheus: the value of the header a team organization's data
 * source sends becomes a `namespace` matcher in every selector of every query (a query that
 * already names another namespace is refused), and the label APIs answer for that namespace
 * only; a request without the header is refused.
 */
export function labelProxyValues(cluster: ClusterConfig): Record<string, unknown> {
  return {
    // The Service is then prom-label-proxy, port 8080 (PLATFORM.monitoring.labelProxy.url).
    fullnameOverride: 'prom-label-proxy',
    resources: cluster.observability.labelProxy,
    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    securityContext: { runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    config: {
      upstream: monitoring.prometheusUrl,
      label: 'namespace',
      extraArgs: [`--header-name=${monitoring.labelProxy.header}`, '--enable-label-apis=true', '--error-on-replace=true'],
    },
  };
}
