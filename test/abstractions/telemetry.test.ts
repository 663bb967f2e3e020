import * as path from 'path';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ABSTRACTIONS } from '../../abstractions';
import { AbstractionsChart } from '../../charts/abstractions';
import { HelmReleasesChart } from '../../charts/helm-releases';
import { ObservabilityChart } from '../../charts/observability';
import { organizationTemplate, TeamOrganization, teamOrganization, TeamOrganizationSpec } from '../../charts/grafana-organizations';
import { findCluster } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { loadUserSpace } from '../../src/user-space';
import { ROOT } from '../../src/paths';
import { KubeObject, testApp } from '../helpers';
import { runInProcess } from '../user-space/helpers';

const dev = findCluster('dev')!;
const rgds = new Map((Testing.synth(new AbstractionsChart(testApp(), 'abstractions', { cluster: dev, abstractions: ABSTRACTIONS })) as KubeObject[]).map((rgd) => [rgd.spec.schema.kind as string, rgd]));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function template(kind: string, id: string): any {
  return (rgds.get(kind)!.spec.resources as { id: string; template: unknown }[]).find((resource) => resource.id === id)?.template;
}

/** What preview prints for a team's files: the objects kro creates. */
async function previewObjects(team: string): Promise<KubeObject[]> {
  const result = await runInProcess('preview', path.join(ROOT, 'user-space', team));
  expect(result.status).toBe(0);
  return parseAllDocuments(result.stdout).map((document) => document.toJS() as KubeObject).filter((object) => object?.kind);
}

async function previewKinds(team: string): Promise<string[]> {
  return (await previewObjects(team)).map((object) => `${object.kind}/${object.metadata.name}`);
}

describe('telemetry of team applications', () => {
  it('points every WebApplication at the collector, named after itself, with no configuration', async () => {
    const deployment = (await previewObjects('team-b')).find((object) => object.kind === 'Deployment' && object.metadata.name === 'team-b-shop')!;
    const env = deployment.spec.template.spec.containers[0].env as { name: string; value?: string }[];
    const otel = Object.fromEntries(env.filter((variable) => variable.name.startsWith('OTEL_')).map((variable) => [variable.name, variable.value]));
    expect(otel).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://alloy.monitoring.svc:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_SERVICE_NAME: 'team-b-shop',
      OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=team-b,k8s.namespace.name=team-b',
    });
    expect(otel.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(`http://alloy.${PLATFORM.monitoring.namespace}.svc:${PLATFORM.monitoring.collector.otlpHttpPort}`);
  });

  it("scrapes each database's instances with a PodMonitor on their metrics port", () => {
    const monitor = template('Infrastructure', 'databaseMetrics');
    expect(monitor.kind).toBe('PodMonitor');
    expect(monitor.spec).toEqual({ selector: { matchLabels: { 'cnpg.io/cluster': '${database.metadata.name}' } }, podMetricsEndpoints: [{ port: 'metrics' }] });
  });
});

describe('metrics of a WebApplication', () => {
  it('makes a PodMonitor on the declared port and path, and admits Prometheus on that port only, only when declared', async () => {
    const monitor = template('WebApplication', 'metricsMonitor');
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ portNumber: '${schema.spec.metrics.port}', path: '${schema.spec.metrics.path}' }]);
    const access = template('WebApplication', 'metricsAccess');
    expect(access.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ protocol: 'TCP', port: '${schema.spec.metrics.port}' }] },
    ]);
    expect(access.spec.podSelector).toEqual(monitor.spec.selector);
    // team-b's shop declares metrics (podinfo's 9898); team-a's seed application does not.
    expect(await previewKinds('team-b')).toEqual(expect.arrayContaining(['PodMonitor/team-b-shop', 'NetworkPolicy/team-b-shop-allow-prometheus']));
    expect((await previewKinds('team-a')).filter((object) => /allow-prometheus$|^PodMonitor\/team-a-instance$/.test(object))).toEqual([]);
  });
});

describe('Workspace network policies for telemetry', () => {
  const policies = (rgds.get('Workspace')!.spec.resources as { template: KubeObject }[]).map((resource) => resource.template).filter((object) => object.kind === 'NetworkPolicy');
  const fromMonitoring = (peer: { namespaceSelector?: { matchLabels?: Record<string, string> } }) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring';

  it('lets every pod send OTLP to the collector, and reach nothing else in monitoring', () => {
    const egress = policies.flatMap((policy) => (policy.spec.egress ?? []) as { to: { namespaceSelector?: { matchLabels?: Record<string, string> } }[]; ports: { port: number }[] }[]).filter((rule) => rule.to.some(fromMonitoring));
    expect(egress).toEqual([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: PLATFORM.monitoring.collector.podLabels } }], ports: [{ protocol: 'TCP', port: 4317 }, { protocol: 'TCP', port: 4318 }] }]);
  });

  it('admits Prometheus only (the labels its pods are given), and only on the metrics port of PostgreSQL', () => {
    const stack = Testing.synth(new HelmReleasesChart(testApp(), 'helm-releases', { cluster: dev })) as KubeObject[];
    const podLabels = stack.find((object) => object.metadata.name === 'kube-prometheus-stack')!.spec.values.prometheus.prometheusSpec.podMetadata.labels;
    expect(podLabels).toEqual(PLATFORM.monitoring.prometheusPodLabels);
    const ingress = policies.flatMap((policy) => ((policy.spec.ingress ?? []) as { from: unknown[]; ports?: unknown[] }[]).map((rule) => ({ pods: policy.spec.podSelector, rule }))).filter(({ rule }) => rule.from.some((peer) => fromMonitoring(peer as never)));
    expect(ingress).toEqual([
      {
        pods: { matchExpressions: [{ key: 'cnpg.io/cluster', operator: 'Exists' }] },
        rule: { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ protocol: 'TCP', port: 9187 }] },
      },
    ]);
  });
});

describe("each team's Grafana organization", () => {
  const userSpace = loadUserSpace({ root: ROOT });
  const teams = userSpace.teamsFor('dev');
  const chart = new ObservabilityChart(testApp(), 'observability');
  const configMaps = teams.flatMap((team) => chart.teamDocuments(team)).map(({ file, object }) => ({ file, object: object as KubeObject }));
  /** A team's ConfigMap, what it says, and the organization the sync makes of it (test/platform/grafana-org-sync.test.ts holds the sync to teamOrganization). */
  const organizationOf = (team: string) => {
    const entry = configMaps.find(({ object }) => object.metadata.labels?.[PLATFORM.monitoring.grafana.teamLabel] === team)!;
    const spec = JSON.parse((entry.object.data as Record<string, string>)[PLATFORM.monitoring.grafana.teamKey]) as TeamOrganizationSpec;
    return { ...entry, spec, organization: teamOrganization(spec) };
  };
  type Source = TeamOrganization['dataSources'][number];
  const headerOf = (source: Source) => ({ name: source.jsonData?.httpHeaderName1, value: source.secureJsonData?.httpHeaderValue1 });

  it('is described, one ConfigMap per team, to the organization sync in the monitoring namespace, and never loaded into the platform\'s organization', () => {
    expect(teams.length).toBeGreaterThan(1);
    expect(configMaps.map(({ file, object }) => `${file} ${object.kind} ${object.metadata.namespace}/${object.metadata.name}`)).toEqual(
      teams.map(({ team }) => `${PLATFORM.dist.teamOrganizationsFile} ConfigMap monitoring/grafana-organization-${team}`),
    );
    // Grafana's own sidecar loads only ConfigMaps with its label, into organization 1.
    for (const { object } of configMaps) expect(object.metadata.labels?.[PLATFORM.monitoring.grafana.dashboardLabel]).toBeUndefined();
    for (const { team } of teams) expect(organizationOf(team).organization.name).toBe(team);
  });

  it('says per team only what differs between teams: its name, and its WebApplications with whether Prometheus scrapes each', () => {
    for (const { team, instances } of teams) {
      const { object, spec } = organizationOf(team);
      expect(Object.keys(object.data as object)).toEqual([PLATFORM.monitoring.grafana.teamKey]);
      const webApplications = instances.filter((instance) => instance.kind === 'WebApplication');
      expect(webApplications.length).toBeGreaterThan(0);
      expect(spec).toEqual({ name: team, webApplications: webApplications.map((app) => ({ name: app.metadata.name, metrics: app.spec.metrics !== undefined })) });
    }
    expect(organizationOf('team-b').spec.webApplications).toContainEqual({ name: 'team-b-shop', metrics: true });
  });

  it("shares one template that names no team: the team's and each application's names are placeholders in its every string", () => {
    const template = JSON.stringify(organizationTemplate());
    for (const { team } of teams) expect(template).not.toContain(team);
    const placeholders = organizationTemplate().placeholders;
    expect(organizationTemplate().dataSources.map((source) => source.secureJsonData?.httpHeaderValue1)).toEqual([placeholders.team, placeholders.team]);
    // The team's queries need the team, an application's its own name too.
    for (const panel of (organizationTemplate().dashboard.panels as { targets: { expr: string }[] }[])) expect(panel.targets[0].expr).toContain(`namespace="${placeholders.team}"`);
    for (const { panel } of organizationTemplate().applicationPanels) expect(JSON.stringify(panel.targets)).toContain(placeholders.application);
    // No Kubernetes name can hold a placeholder, or make one.
    for (const placeholder of Object.values(placeholders)) expect(placeholder).not.toMatch(/^[-a-z0-9]*$/);
  });

  it("has only data sources that return the team's own data: Prometheus through prom-label-proxy pinned to its namespace, Loki pinned to its tenant", () => {
    const { monitoring } = PLATFORM;
    for (const { team } of teams) {
      const sources = organizationOf(team).organization.dataSources;
      expect(sources.map((source) => [source.uid, source.type, source.url, headerOf(source)])).toEqual([
        ['prometheus', 'prometheus', monitoring.labelProxy.url, { name: 'X-Namespace', value: team }],
        ['loki', 'loki', monitoring.lokiUrl, { name: 'X-Scope-OrgID', value: team }],
      ]);
      // None of the platform organization's: no Prometheus without the proxy, no Tempo, no other tenant.
      expect(sources.map((source) => source.url)).not.toContain(monitoring.prometheusUrl);
      expect(sources.map((source) => source.type)).not.toContain('tempo');
      expect(JSON.stringify(sources)).not.toContain(monitoring.logTenants.platformTenant);
      for (const other of teams.filter((candidate) => candidate.team !== team)) expect(sources.map((source) => headerOf(source).value)).not.toContain(other.team);
    }
  });

  it('holds the team\'s dashboard, every query of it in the team\'s namespace, with pods, restarts and logs, and request rate, errors and latency where Prometheus scrapes an application', () => {
    for (const { team, instances } of teams) {
      const { organization } = organizationOf(team);
      expect(organization.dashboards).toHaveLength(1);
      const [dashboard] = organization.dashboards as { uid: string; panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[] }[];
      expect(dashboard.uid).toBe(`team-${team}`);
      const queries = dashboard.panels.map((panel) => panel.targets[0].expr);
      for (const query of queries) {
        const selectors = (query.match(/\{[^}]*\}/g) ?? []).filter((text) => !text.startsWith('{{'));
        expect(selectors.length).toBeGreaterThan(0);
        for (const selector of selectors) expect({ query, selector }).toEqual({ query, selector: expect.stringContaining(`namespace="${team}"`) });
      }
      const titles = dashboard.panels.map((panel) => panel.title);
      expect(titles).toEqual(expect.arrayContaining(['Pods ready', 'Container restarts in the last hour', 'Restarts by pod', `Logs of ${team}`]));
      for (const app of instances.filter((instance) => instance.kind === 'WebApplication')) {
        const name = app.metadata.name;
        expect(queries).toContain(`{namespace="${team}", app="${name}"}`);
        expect(titles).toContain(`${name}: pods ready`);
        const red = [`${name}: requests per second`, `${name}: errors (5xx share)`, `${name}: latency p95`];
        if (app.spec.metrics) expect(titles).toEqual(expect.arrayContaining(red));
        else for (const title of red) expect(titles).not.toContain(title);
      }
      // The data sources its panels use are the organization's own.
      const uids = new Set(dashboard.panels.map((panel) => panel.datasource.uid));
      expect([...uids].sort()).toEqual(organization.dataSources.map((source) => source.uid).sort());
    }
    // team-b's shop declares metrics, so the RED panels are really exercised.
    expect(teams.find(({ team }) => team === 'team-b')!.instances.some((instance) => instance.spec.metrics)).toBe(true);
  });
});
