import { spawnSync } from 'child_process';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ABSTRACTIONS } from '../../abstractions';
import { AbstractionsChart } from '../../charts/abstractions';
import { HelmReleasesChart } from '../../charts/helm-releases';
import { ObservabilityChart } from '../../charts/observability';
import { findCluster } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { loadUserSpace } from '../../src/user-space';
import { ROOT } from '../../src/paths';
import { KubeObject } from '../helpers';

const dev = findCluster('dev')!;
const rgds = new Map((Testing.synth(new AbstractionsChart(Testing.app(), 'abstractions', { cluster: dev, abstractions: ABSTRACTIONS })) as KubeObject[]).map((rgd) => [rgd.spec.schema.kind as string, rgd]));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function template(kind: string, id: string): any {
  return (rgds.get(kind)!.spec.resources as { id: string; template: unknown }[]).find((resource) => resource.id === id)?.template;
}

/** What preview prints for a team's files: the objects kro creates. */
function previewObjects(team: string): KubeObject[] {
  const result = spawnSync(process.execPath, ['bin/mini-atlas.js', 'preview', `user-space/${team}`], { cwd: ROOT, encoding: 'utf8' });
  expect(result.status).toBe(0);
  return parseAllDocuments(result.stdout).map((document) => document.toJS() as KubeObject).filter((object) => object?.kind);
}

function previewKinds(team: string): string[] {
  return previewObjects(team).map((object) => `${object.kind}/${object.metadata.name}`);
}

describe('telemetry of team applications', () => {
  it('points every WebApplication at the collector, named after itself, with no configuration', () => {
    const deployment = previewObjects('team-b').find((object) => object.kind === 'Deployment' && object.metadata.name === 'team-b-shop')!;
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
  it('makes a PodMonitor on the declared port and path, and admits Prometheus on that port only, only when declared', () => {
    const monitor = template('WebApplication', 'metricsMonitor');
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ portNumber: '${schema.spec.metrics.port}', path: '${schema.spec.metrics.path}' }]);
    const access = template('WebApplication', 'metricsAccess');
    expect(access.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ protocol: 'TCP', port: '${schema.spec.metrics.port}' }] },
    ]);
    expect(access.spec.podSelector).toEqual(monitor.spec.selector);
    // team-b's shop declares metrics (podinfo's 9898); team-a's seed application does not.
    expect(previewKinds('team-b')).toEqual(expect.arrayContaining(['PodMonitor/team-b-shop', 'NetworkPolicy/team-b-shop-allow-prometheus']));
    expect(previewKinds('team-a').filter((object) => /allow-prometheus$|^PodMonitor\/team-a-instance$/.test(object))).toEqual([]);
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
    const stack = Testing.synth(new HelmReleasesChart(Testing.app(), 'helm-releases', { cluster: dev })) as KubeObject[];
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

describe("each team's dashboard", () => {
  const userSpace = loadUserSpace({ root: ROOT });
  const teams = userSpace.teamsFor('dev');
  const chart = new ObservabilityChart(Testing.app(), 'observability');
  const objects = teams.flatMap((team) => chart.teamDocuments(team)).map(({ object }) => object as KubeObject);

  it("is provisioned from Git into the team's own folder, and every query stays in the team's namespace", () => {
    expect(teams.length).toBeGreaterThan(1);
    for (const { team, instances } of teams) {
      const configMap = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === `dashboard-team-${team}`);
      expect(configMap?.metadata).toMatchObject({ namespace: 'monitoring', labels: { grafana_dashboard: '1' }, annotations: { grafana_folder: team } });
      const dashboard = JSON.parse((configMap!.data as Record<string, string>)[`team-${team}.json`]);
      const queries: string[] = dashboard.panels.map((panel: { targets: { expr: string }[] }) => panel.targets[0].expr);
      expect(queries.length).toBeGreaterThan(0);
      for (const query of queries) {
        const selectors = query.match(/\{[^}]*\}/g) ?? [];
        expect(selectors.length).toBeGreaterThan(0);
        for (const selector of selectors.filter((text) => !text.startsWith('{{'))) expect({ query, selector }).toEqual({ query, selector: expect.stringContaining(`namespace="${team}"`) });
      }
      for (const app of instances.filter((instance) => instance.kind === 'WebApplication')) {
        const name = app.metadata.name;
        expect(queries).toContain(`{namespace="${team}", app="${name}"}`);
        // Request rate, errors and latency only where Prometheus scrapes the application.
        const titles = dashboard.panels.map((panel: { title: string }) => panel.title);
        const red = [`${name}: requests per second`, `${name}: errors (5xx share)`, `${name}: latency p95`];
        if (app.spec.metrics) expect(titles).toEqual(expect.arrayContaining(red));
        else for (const title of red) expect(titles).not.toContain(title);
      }
      expect(instances.some((instance) => instance.spec.metrics) || team !== 'team-b').toBe(true);
      const sources = new Set(dashboard.panels.map((panel: { datasource: { uid: string } }) => panel.datasource.uid));
      expect([...sources].sort()).toEqual(['loki', 'prometheus']);
    }
  });
});
