import { CHARTS, VERSIONS } from '../../config/versions';

/** What is proven about one component without a cluster, and what only the e2e can show. */
interface Proof {
  readonly component: string;
  readonly version: string;
  readonly offline: string;
  readonly e2eOnly: string;
}

/**
 * The README's table of what is checked where, with the versions from config/versions.ts. Each
 * claim names the test or command that makes it; keep it in step with them. "The pinned CRDs"
 * are the schemas `npm run import` writes into `imports/crds/`.
 */
const PROOFS: readonly Proof[] = [
  {
    component: 'Flux',
    version: VERSIONS.flux,
    offline: 'every Flux object against the pinned CRD schema (`imports/crds/`, test/platform/dist.test.ts); `dependsOn` targets exist and form no cycle; the lockdown flags in the bootstrap kustomization; `healthCheckExprs` evaluated with @bufbuild/cel as Flux\'s StatusEvaluator does, against ready, in-progress and failed status objects (test/platform/health-checks.test.ts)',
    e2eOnly: 'that the controllers reconcile every layer, in order, to Ready; that a team\'s Kustomization may apply its instances as its own ServiceAccount and nothing else; that the health checks hold against live status',
  },
  {
    component: 'Cilium',
    version: CHARTS.cilium.version,
    offline: 'the Cilium and Gateway API pair against a compatibility table synth enforces (test/platform/versions.test.ts); HelmRelease values against the chart\'s values.schema.json (test/platform/chart-values.test.ts) and equal to the values bootstrap installs it with (test/platform/charts.test.ts)',
    e2eOnly: 'the CNI and kube-proxy replacement come up; the Gateway is programmed and serves HTTPS on the node\'s port 443 with a certificate from the local CA, and redirects HTTP on port 80 to it (curl); network policies let only the intended traffic through',
  },
  {
    component: 'Gateway API CRDs',
    version: VERSIONS.gatewayApi,
    offline: 'the Gateway and every HTTPRoute the abstractions make against the pinned CRDs (dist test, preview)',
    e2eOnly: 'routes attach to the shared Gateway and carry traffic',
  },
  {
    component: 'kro',
    version: CHARTS.kro.version,
    offline: 'the preview engine expands every example instance the way kro v0.9.3 does (SimpleSchema defaults, CEL, includeWhen, forEach, creation order) and checks each object against its schema and the API server\'s rules; which resources wait for a dependency\'s readiness (test/abstractions/rgd.test.ts)',
    e2eOnly: 'kro accepts the RGDs, serves the kinds and brings instances to ACTIVE (or, for the seed\'s nginx, fails for the stated reason)',
  },
  {
    component: 'Strimzi / Kafka',
    version: `${CHARTS.strimzi.version} / ${VERSIONS.kafka.version}`,
    offline: 'Kafka, KafkaNodePool, KafkaTopic and KafkaUser against the pinned CRDs; SCRAM on every listener; each team\'s ACLs cover only its own prefix; replication within the brokers',
    e2eOnly: 'a produce and a consume as the team\'s user on its topic; another team\'s read refused by the ACLs; the credentials copied into the team\'s namespace',
  },
  {
    component: 'CloudNativePG',
    version: CHARTS.cloudnativePg.version,
    offline: 'the Cluster against the pinned CRD; the operator\'s HelmRelease values against the chart\'s values.schema.json; no credentials in Git; the connection ConfigMap names what the operator makes',
    e2eOnly: 'a PostgreSQL session as the database owner with the operator\'s generated credentials',
  },
  {
    component: 'Kyverno',
    version: CHARTS.kyverno.version,
    offline: 'the policies against the pinned CRDs; what each rule matches and generates (test/platform/charts.test.ts)',
    e2eOnly: 'admission enforces the naming convention; the Kafka credentials are copied and kept in sync',
  },
  {
    component: 'vcluster',
    version: CHARTS.vcluster.version,
    offline: 'the HelmRelease the VirtualCluster makes, against the pinned CRD, its values against the chart\'s values.schema.json (test/platform/chart-values.test.ts), with restricted security contexts and no cluster-scoped RBAC (test/abstractions/rgd.test.ts)',
    e2eOnly: 'the release installs; a Deployment created inside the virtual cluster runs on the host as a renamed pod in the team\'s namespace',
  },
  {
    component: 'Observability (kube-prometheus-stack / prom-label-proxy / Loki / Alloy / Grafana)',
    version: [CHARTS.kubePrometheusStack, CHARTS.promLabelProxy, CHARTS.loki, CHARTS.alloy, CHARTS.grafana].map((chart) => chart.version).join(' / '),
    offline: "Loki's values against its values.schema.json; the collector labels every line namespace, app and pod and files it under its namespace as tenant, the platform's namespaces under one no namespace can be named; prom-label-proxy's flags; Grafana's platform data sources, Role, sign-in settings and GitHub `org_mapping` from the Workspaces (test/platform/observability.test.ts); each team organization's data sources name only its own namespace and tenant, none is the platform's, every dashboard query names its namespace, and a team's ConfigMap holds only its name and WebApplications (test/abstractions/telemetry.test.ts); the organization sync's filling of the shared template equals the organization written out in TypeScript, for the example teams and mixes of applications, and refuses a team or application name that is not a Kubernetes name; the sync run against fake Grafana and Kubernetes APIs: makes each organization with exactly its data sources and dashboard, updates in place, follows the watch, makes a lost organization again, applies every organization again when the template changes (test/platform/grafana-org-sync.test.ts); the Workspace's policies open only OTLP to the collector and Prometheus to declared metrics ports; the monitors' health check, against the operator's feature gates (test/platform/health-checks.test.ts)",
    e2eOnly: "the shop's metrics reach Prometheus and its logs Loki; another team's tenant, prom-label-proxy header and Grafana organization get none of them; `npm run logs` shows them; that Grafana, Loki, Alloy and prom-label-proxy accept their configuration and the organization sync's calls",
  },
  {
    component: 'Kubernetes (kind node)',
    version: VERSIONS.kindNodeImage.split(':')[1],
    offline: 'core objects against kubernetes-models\' schemas; apimachinery\'s rules beyond them (names, labels, ConfigMap keys, ports, environment variables) on the team\'s field (test/preview/api-server-rules.test.ts, test/user-space/api-server.test.ts); restricted security contexts on every pod template',
    e2eOnly: 'Pod Security admission and the kubelet accept the pods (a non-root user the kubelet can verify)',
  },
];

/** The table, as the README shows it. */
export function verificationTable(): string {
  return [
    '| component | pinned version | checked offline, and how | only the e2e can show |',
    '| --- | --- | --- | --- |',
    ...PROOFS.map((proof) => `| ${proof.component} | ${proof.version} | ${proof.offline} | ${proof.e2eOnly} |`),
    '',
  ].join('\n');
}
