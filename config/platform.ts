/** Names shared by several layers, so a chart and the abstractions that point at it agree. */
export const PLATFORM = {
  /** Label every team namespace carries; policies and network rules select on it. */
  tenantLabel: 'mini-atlas.io/tenant',
  /** API group and version of the abstractions' instances (kept from the Mini-Atlas seed). */
  abstractionApiVersion: 'kro.run/v1alpha1',
  fluxNamespace: 'flux-system',
  /**
   * The platform team's Git host handles: code owners of everything no team owns (the code, the
   * shared layer files of dist/, every team's Workspace and access objects, CODEOWNERS itself).
   */
  owners: ['@mini-atlas/platform'],
  kafka: {
    namespace: 'kafka',
    cluster: 'shared',
    /** Secret in each team namespace with the team's Kafka user's password and JAAS config. */
    credentialsSecret: 'kafka-credentials',
  },
  gateway: {
    namespace: 'gateway',
    name: 'shared',
    className: 'cilium',
    /** The Gateway's one listener (plain HTTP, redirecting); each application's HTTPS listener is in its own ListenerSet. */
    httpListener: 'http',
    /** The listener of each application's ListenerSet. */
    httpsListener: 'https',
  },
  /** cert-manager: its namespace, the ClusterIssuer every WebApplication's certificate names, and on a local CA cluster the CA. */
  certificates: { namespace: 'cert-manager', issuer: 'mini-atlas', rootIssuer: 'mini-atlas-root', caSecret: 'mini-atlas-ca' },
  /**
   * The cluster's age private key in flux-system, with which Flux decrypts the teams' Secrets;
   * Flux reads the entries whose names end in `.agekey`.
   */
  sops: { keySecret: 'sops-age', keyEntry: 'age.agekey' },
  /** The observability stack: where it runs and how the commands and the teams reach it. */
  monitoring: {
    namespace: 'monitoring',
    grafana: {
      /** Labels of the Grafana pod (the chart's, for release `grafana`). */
      podLabels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'grafana' },
      port: 3000,
      /** Label of the ConfigMaps whose dashboards Grafana's sidecar provisions. */
      dashboardLabel: 'grafana_dashboard',
      /** Annotation naming the Grafana folder a dashboard goes in. */
      folderAnnotation: 'grafana_folder',
      /**
       * Label of the ConfigMaps (one per team, in this namespace) that each name a team and its
       * WebApplications, under `teamKey` as JSON: all that differs between the teams' Grafana
       * organizations. The organization sync beside Grafana fills `organizationTemplate` with
       * each and applies the result.
       */
      teamLabel: 'mini-atlas.io/grafana-organization',
      teamKey: 'team.json',
      /** ConfigMap holding the organization sync's script and the template of every team's organization. */
      orgSyncScript: 'grafana-org-sync',
      /** The template's key in that ConfigMap, and its file where the sync's container mounts it. */
      organizationTemplate: 'team-organization.json',
    },
    /** In-cluster URLs of the stores, as Grafana and the collector reach them. */
    prometheusUrl: 'http://prometheus-prometheus.monitoring.svc:9090',
    /**
     * prom-label-proxy in front of Prometheus: it adds `namespace="<value of header>"` to every
     * selector of a query, and refuses a query without the header. Teams' data sources use it.
     */
    labelProxy: { url: 'http://prom-label-proxy.monitoring.svc:8080', header: 'X-Namespace' },
    /**
     * Loki runs multi-tenant: the collector files each pod's logs under its namespace as tenant,
     * and those of the platform's and Kubernetes' own namespaces under `platformTenant`, which
     * no namespace can be named (namespace names have no dots). A query names its tenant in `header`.
     */
    logTenants: { header: 'X-Scope-OrgID', platformTenant: 'mini-atlas.platform' },
    lokiUrl: 'http://loki.monitoring.svc:3100',
    tempoUrl: 'http://tempo.monitoring.svc:3200',
    tempoOtlpGrpc: 'tempo.monitoring.svc:4317',
    /** The collector (Alloy): where applications send OTLP. */
    collector: {
      podLabels: { 'app.kubernetes.io/name': 'alloy', 'app.kubernetes.io/instance': 'alloy' },
      otlpGrpcPort: 4317,
      otlpHttpPort: 4318,
      /** What every WebApplication gets as OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over HTTP, the SDKs' default protocol). */
      otlpHttpEndpoint: 'http://alloy.monitoring.svc:4318',
    },
    /** Labels of the Prometheus pods (the operator's), the only ones admitted to scrape team pods. */
    prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
  },
  /** The per-team ClusterRole that Flux impersonates, bound only inside a team's namespace. */
  tenantRole: 'mini-atlas-tenant',
  /**
   * The RoleBinding, in a team's namespace, that grants the tenant role to the ServiceAccount
   * its Kustomization impersonates. The team's Workspace makes it, so the platform (kro, from
   * what the platform applied) grants the rights, never the tenant itself.
   */
  tenantRoleBinding: 'flux-tenant',
  /**
   * Files of the teams' objects in dist/<cluster>/, for the charts that write them and the
   * commands that read them. The platform's objects of all teams share one file per layer, and
   * each team's instances are one file in the team's own folder (the folder its Kustomization
   * applies): creating files, not rendering them, is what a synth of thousands of teams spends
   * its time on.
   */
  dist: {
    /** Every team's Workspace, in the workspaces layer. */
    workspacesFile: 'workspaces.yaml',
    /** Every team's ServiceAccount and Kustomization, in the tenants layer (all in flux-system). */
    tenantAccessFile: 'tenants.yaml',
    /** Every team's Grafana organization (the team and its WebApplications), in the observability layer. */
    teamOrganizationsFile: 'team-organizations.yaml',
    /** A team's instances, in `tenants/<team>/`. */
    instancesFile: 'instances.yaml',
    /** A team's SOPS-encrypted Secrets, as committed, in `tenants/<team>/`. */
    secretsFile: 'secrets.yaml',
  },
} as const;

/** The ServiceAccount in flux-system that `team`'s Kustomization impersonates. */
export function tenantServiceAccount(team: string): string {
  return `tenant-${team}`;
}
