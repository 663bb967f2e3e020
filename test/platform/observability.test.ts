import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { App, Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { HelmReleasesChart } from '../../charts/helm-releases';
import { ObservabilityChart } from '../../charts/observability';
import { organizationTemplate } from '../../charts/grafana-organizations';
import { alloyConfig, GRAFANA_SIDECAR_IMAGE, lokiValues, platformNamespacePattern } from '../../charts/observability-values';
import { importsDir, valuesSchemaFile } from '../../src/import/layout';
import { ROOT } from '../../src/paths';
import { loadUserSpace } from '../../src/user-space';
import { TeamInstances } from '../../src/user-space/model';
import { CLUSTERS, ClusterConfig, findCluster } from '../../config/clusters';
import { RESERVED_NAMESPACES } from '../../config/namespaces';
import { PLATFORM } from '../../config/platform';
import { KubeObject, testApp } from '../helpers';

function synth(make: (app: App) => Chart): KubeObject[] {
  return Testing.synth(make(testApp())) as KubeObject[];
}

function releases(cluster: ClusterConfig, teams: readonly TeamInstances[] = []): Map<string, KubeObject> {
  const teamOwners = new Map(teams.map(({ team, workspace }) => [team, (workspace.spec.owners as string[] | undefined) ?? []]));
  const objects = synth((app) => new HelmReleasesChart(app, 'helm-releases', { cluster, teamOwners }));
  return new Map(objects.filter((object) => object.kind === 'HelmRelease').map((release) => [release.metadata.name, release]));
}

const devTeams = loadUserSpace({ root: ROOT }).teamsFor('dev');

/** Millicores and MiB of a quantity. */
function millicores(cpu: string): number {
  return cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
}
function mebibytes(memory: string): number {
  const units: Record<string, number> = { Mi: 1, Gi: 1024 };
  return Number(memory.slice(0, -2)) * units[memory.slice(-2)];
}

describe('observability stack', () => {
  it('installs Prometheus (with its operator), Loki, Tempo, Alloy and Grafana in the monitoring namespace, after Cilium', () => {
    for (const cluster of CLUSTERS) {
      const byName = releases(cluster);
      for (const name of ['kube-prometheus-stack', 'prom-label-proxy', 'loki', 'tempo', 'alloy', 'grafana']) {
        const release = byName.get(name);
        expect({ name, namespace: release?.spec.targetNamespace, dependsOn: release?.spec.dependsOn }).toEqual({ name, namespace: 'monitoring', dependsOn: [{ name: 'cilium' }] });
      }
    }
  });

  it("gives Grafana's platform organization the three stores as data sources, at the services the releases create, Loki as the platform's tenant", () => {
    const grafana = releases(findCluster('dev')!).get('grafana')!;
    const sources = grafana.spec.values.datasources['datasources.yaml'].datasources as { type: string; url: string; orgId?: number; jsonData?: Record<string, unknown>; secureJsonData?: Record<string, string> }[];
    expect(sources.map((source) => `${source.type} ${source.url}`)).toEqual([
      'prometheus http://prometheus-prometheus.monitoring.svc:9090',
      'loki http://loki.monitoring.svc:3100',
      'tempo http://tempo.monitoring.svc:3200',
    ]);
    // Provisioned into organization 1 (no orgId), the only one a file can name before the organization sync runs.
    expect(sources.filter((source) => source.orgId !== undefined)).toEqual([]);
    const loki = sources.find((source) => source.type === 'loki')!;
    expect({ header: loki.jsonData?.httpHeaderName1, tenant: loki.secureJsonData?.httpHeaderValue1 }).toEqual({ header: 'X-Scope-OrgID', tenant: 'mini-atlas.platform' });
    const stack = releases(findCluster('dev')!).get('kube-prometheus-stack')!;
    // The Prometheus Service is named <fullnameOverride>-prometheus.
    expect(stack.spec.values.fullnameOverride).toBe('prometheus');
    expect(stack.spec.values.prometheus.prometheusSpec).toMatchObject({ serviceMonitorSelectorNilUsesHelmValues: false, podMonitorSelectorNilUsesHelmValues: false });
  });

  it('collects every pod log into Loki labelled namespace, app and pod, and forwards OTLP to Tempo', () => {
    const config = alloyConfig();
    for (const [meta, label] of [['__meta_kubernetes_namespace', 'namespace'], ['__meta_kubernetes_pod_name', 'pod']]) {
      expect(config).toMatch(new RegExp(`source_labels = \\["${meta}"\\]\\n\\s+target_label  = "${label}"`));
    }
    expect(config).toMatch(/"__meta_kubernetes_pod_label_app_kubernetes_io_instance", "__meta_kubernetes_pod_label_app_kubernetes_io_name", "__meta_kubernetes_pod_label_app"\]\n\s+separator\s+= ";"\n\s+regex\s+= "\^;\*\(\[\^;\]\+\)\.\*\$"\n\s+target_label\s+= "app"/);
    expect(config).toContain(`url = "${PLATFORM.monitoring.lokiUrl}/loki/api/v1/push"`);
    expect(config).toContain(`endpoint = "0.0.0.0:${PLATFORM.monitoring.collector.otlpHttpPort}"`);
    expect(config).toContain(`endpoint = "${PLATFORM.monitoring.tempoOtlpGrpc}"`);
    // The regex picks the first label a pod has, as RE2 and JavaScript read it alike.
    const app = (values: string[]) => values.join(';').replace(/^;*([^;]+).*$/, '$1');
    expect([app(['', 'name', 'legacy']), app(['instance', 'name', '']), app(['', '', 'legacy'])]).toEqual(['name', 'instance', 'legacy']);
  });

  it("pushes each pod's logs under its namespace as Loki tenant, the platform's own namespaces under one tenant no namespace can be named", () => {
    const config = alloyConfig();
    expect(config).toContain('source_labels = ["__meta_kubernetes_namespace"]\n    target_label  = "tenant"');
    expect(config).toContain(`regex         = "${platformNamespacePattern()}"\n    replacement   = "mini-atlas.platform"\n    target_label  = "tenant"`);
    expect(config).toMatch(/loki\.source\.kubernetes "pods" \{[^}]*forward_to = \[loki\.process\.tenant\.receiver\]/);
    expect(config).toMatch(/loki\.process "tenant" \{\n  forward_to = \[loki\.write\.default\.receiver\]\n  stage\.tenant \{\n    label = "tenant"\n  \}\n  stage\.label_drop \{\n    values = \["tenant"\]/);
    // Relabel regexes match the whole value (RE2, anchored): as JavaScript reads the same pattern anchored.
    const platform = new RegExp(`^(?:${platformNamespacePattern()})$`);
    for (const { name } of RESERVED_NAMESPACES) expect({ name, platform: platform.test(name) }).toEqual({ name, platform: true });
    expect(platform.test('kube-anything')).toBe(true);
    for (const { team } of devTeams) expect({ team, platform: platform.test(team) }).toEqual({ team, platform: false });
    // A namespace name is a DNS label: no dot, so no team can be the platform's tenant.
    expect(PLATFORM.monitoring.logTenants.platformTenant).toMatch(/\./);
    expect(lokiValues(findCluster('dev')!).loki).toMatchObject({ auth_enabled: true });
  });

  it('puts prom-label-proxy in front of Prometheus, enforcing the namespace its header names and refusing a query that names another', () => {
    const proxy = releases(findCluster('dev')!).get('prom-label-proxy')!.spec.values;
    expect(proxy.config).toEqual({
      upstream: PLATFORM.monitoring.prometheusUrl,
      label: 'namespace',
      extraArgs: ['--header-name=X-Namespace', '--enable-label-apis=true', '--error-on-replace=true'],
    });
    // The chart names its Service after fullnameOverride and serves on 8080: the URL the team organizations use.
    expect(`http://${proxy.fullnameOverride}.monitoring.svc:8080`).toBe(PLATFORM.monitoring.labelProxy.url);
  });

  it('runs the organization sync beside Grafana, as its admin, on the Python of the chart\'s sidecar image, with only a Role on its own namespace and the template of the teams\' organizations', () => {
    const values = releases(findCluster('dev')!).get('grafana')!.spec.values;
    expect(values.rbac).toEqual({ namespaced: true });
    const [container] = parse(values.extraContainers) as { name: string; image: string; command: string[]; env: { name: string; value?: string; valueFrom?: unknown }[]; volumeMounts: { name: string; mountPath: string }[]; securityContext: object }[];
    // The chart's own sidecar image, as its templates (_pod.tpl, the dashboards sidecar) name it.
    expect(container).toMatchObject({ name: 'org-sync', image: GRAFANA_SIDECAR_IMAGE, command: ['python', '-u', '/opt/mini-atlas/org-sync.py'] });
    expect(GRAFANA_SIDECAR_IMAGE).toBe('{{ .Values.global.imageRegistry | default .Values.sidecar.image.registry }}/{{ .Values.sidecar.image.repository }}:{{ .Values.sidecar.image.tag }}{{ with .Values.sidecar.image.sha }}@sha256:{{ . }}{{ end }}');
    // Nothing else in the string is a template the chart's tpl would touch.
    expect(values.extraContainers.replace(GRAFANA_SIDECAR_IMAGE, '')).not.toContain('{{');
    const env = Object.fromEntries(container.env.map((variable) => [variable.name, variable.value ?? variable.valueFrom]));
    expect(env).toMatchObject({
      GRAFANA_URL: 'http://localhost:3000',
      GRAFANA_USER: { secretKeyRef: { name: 'grafana', key: 'admin-user' } },
      GRAFANA_PASSWORD: { secretKeyRef: { name: 'grafana', key: 'admin-password' } },
      ORGANIZATION_LABEL: PLATFORM.monitoring.grafana.teamLabel,
      TEAM_KEY: PLATFORM.monitoring.grafana.teamKey,
      ORGANIZATION_TEMPLATE: '/opt/mini-atlas/team-organization.json',
    });
    expect(values.extraConfigmapMounts).toEqual([{ name: 'org-sync', mountPath: '/opt/mini-atlas', configMap: 'grafana-org-sync', readOnly: true }]);
    expect(container.volumeMounts).toEqual([{ name: 'org-sync', mountPath: '/opt/mini-atlas', readOnly: true }]);
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    const layer = synth((app) => new HelmReleasesChart(app, 'helm-releases', { cluster: findCluster('dev')! }));
    const script = layer.find((object) => object.kind === 'ConfigMap' && object.metadata.name === 'grafana-org-sync')!;
    expect(script.metadata.namespace).toBe('monitoring');
    const data = script.data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['org-sync.py', PLATFORM.monitoring.grafana.organizationTemplate]);
    expect(data['org-sync.py']).toBe(fs.readFileSync(path.join(ROOT, 'charts', 'grafana-org-sync.py'), 'utf8'));
    // The file ORGANIZATION_TEMPLATE names, in the mounted ConfigMap: generated from the definitions in charts/grafana-organizations.ts.
    expect(JSON.parse(data[PLATFORM.monitoring.grafana.organizationTemplate])).toEqual(organizationTemplate());
  });

  it('lets nobody in anonymously, nobody sign up, nobody publish a dashboard, and, without GitHub configured, only the admin sign in', () => {
    for (const cluster of CLUSTERS) {
      const ini = releases(cluster, devTeams).get('grafana')!.spec.values['grafana.ini'];
      expect(ini).toMatchObject({ 'auth.anonymous': { enabled: false }, users: { allow_sign_up: false }, public_dashboards: { enabled: false } });
      expect(ini['auth.github']).toBeUndefined();
    }
  });

  it("signs people in with GitHub where configured: each Workspace's GitHub teams into the team's organization as Editor, the platform's owners into organization 1, nobody else", () => {
    const dev = findCluster('dev')!;
    const github: ClusterConfig = { ...dev, observability: { ...dev.observability, grafana: { ...dev.observability.grafana, github: { clientId: 'Iv1.0123456789abcdef', clientSecret: 'grafana-github' } } } };
    const values = releases(github, devTeams).get('grafana')!.spec.values;
    expect(values['grafana.ini']['auth.github']).toEqual({
      enabled: true,
      client_id: 'Iv1.0123456789abcdef',
      scopes: 'user:email,read:org',
      allow_sign_up: true,
      allowed_organizations: 'mini-atlas',
      // team-b's Workspace names @mini-atlas/team-b; team-a's names no owner.
      org_mapping: '@mini-atlas/platform:1:Admin @mini-atlas/team-b:team-b:Editor',
      role_attribute_strict: true,
      skip_org_role_sync: false,
    });
    expect(devTeams.find(({ team }) => team === 'team-b')!.workspace.spec.owners).toEqual(['@mini-atlas/team-b']);
    expect(values.envValueFrom).toEqual({ GF_AUTH_GITHUB_CLIENT_SECRET: { secretKeyRef: { name: 'grafana-github', key: 'client-secret' } } });
  });

  it("allows each GitHub organization the teams' handles name, once, and takes only what is an @org/team handle", () => {
    const dev = findCluster('dev')!;
    const github: ClusterConfig = { ...dev, observability: { ...dev.observability, grafana: { ...dev.observability.grafana, github: { clientId: 'Iv1.0123456789abcdef', clientSecret: 'grafana-github' } } } };
    const teamB = devTeams.find(({ team }) => team === 'team-b')!;
    const owners = ['@zeta-org/zeta', 'someone', 'x@mini-atlas/t', '@mini-atlas/', '@alpha/team-z', '@alpha/ops\nx'];
    const teamZ = { ...teamB, team: 'team-z', workspace: { ...teamB.workspace, metadata: { name: 'team-z' }, spec: { ...teamB.workspace.spec, owners } } };
    const login = releases(github, [...devTeams, teamZ]).get('grafana')!.spec.values['grafana.ini']['auth.github'];
    expect(login.allowed_organizations).toBe('alpha mini-atlas zeta-org');
    expect(login.org_mapping).toBe('@mini-atlas/platform:1:Admin @mini-atlas/team-b:team-b:Editor @zeta-org/zeta:team-z:Editor @alpha/team-z:team-z:Editor');
  });

  it('fits dev on a laptop (the requests the README states) and keeps prd on volumes with longer retention', () => {
    const dev = findCluster('dev')!.observability;
    const containers = [dev.metrics.resources, dev.logs.resources, dev.traces.resources, dev.operator, dev.operator, dev.collector, dev.labelProxy, dev.grafana, dev.grafana.orgSync];
    expect(containers.reduce((sum, size) => sum + millicores(size.requests.cpu), 0)).toBe(410);
    expect(containers.reduce((sum, size) => sum + mebibytes(size.requests.memory), 0)).toBe(1120);
    const prd = findCluster('prd')!.observability;
    for (const store of [prd.metrics, prd.logs, prd.traces]) expect(store.storage).toMatch(/^\d+Gi$/);
    expect(prd.grafana.storage).toBeDefined();
    const prdStack = releases(findCluster('prd')!).get('kube-prometheus-stack')!.spec.values.prometheus.prometheusSpec;
    expect(prdStack.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe(prd.metrics.storage);
    expect(releases(findCluster('dev')!).get('kube-prometheus-stack')!.spec.values.prometheus.prometheusSpec.storageSpec).toBeUndefined();
    expect(releases(findCluster('prd')!).get('loki')!.spec.values.loki.limits_config.retention_period).toBe('720h');
  });

  it('keeps each store on a volume of its configured size, or in an emptyDir when the cluster gives it none', () => {
    const prd = findCluster('prd')!;
    const { metrics, logs, traces, grafana } = prd.observability;
    const withoutVolumes: ClusterConfig = {
      ...prd,
      observability: {
        ...prd.observability,
        metrics: { ...metrics, storage: undefined },
        logs: { ...logs, storage: undefined },
        traces: { ...traces, storage: undefined },
        grafana: { ...grafana, storage: undefined },
      },
    };
    const stored = (cluster: ClusterConfig) => {
      const values = (name: string) => releases(cluster).get(name)!.spec.values;
      return {
        metrics: values('kube-prometheus-stack').prometheus.prometheusSpec.storageSpec?.volumeClaimTemplate.spec.resources.requests.storage,
        logs: values('loki').singleBinary.persistence,
        traces: values('tempo').persistence,
        grafana: values('grafana').persistence,
      };
    };
    expect(stored(prd)).toEqual({ metrics: '50Gi', logs: { enabled: true, size: '50Gi' }, traces: { enabled: true, size: '20Gi' }, grafana: { enabled: true, size: '5Gi' } });
    expect(stored(withoutVolumes)).toEqual({ metrics: undefined, logs: { enabled: false }, traces: { enabled: false }, grafana: { enabled: false } });
  });

  it("reports Flux's and kro's readiness through kube-state-metrics, which may read those kinds and nothing else more", () => {
    const values = releases(findCluster('dev')!).get('kube-prometheus-stack')!.spec.values['kube-state-metrics'];
    const kinds = values.customResourceState.config.spec.resources.map(
      (resource: { groupVersionKind: { kind: string }; metricNamePrefix: string; metrics: { name: string }[] }) => `${resource.groupVersionKind.kind}:${resource.metricNamePrefix}_${resource.metrics[0].name}`,
    );
    expect(kinds).toEqual(expect.arrayContaining(['Kustomization:gotk_resource_info', 'HelmRelease:gotk_resource_info', 'ResourceGraphDefinition:kro_resource_info', 'WebApplication:kro_resource_info', 'Workspace:kro_resource_info']));
    for (const rule of values.rbac.extraRules) expect(rule.verbs).toEqual(['list', 'watch']);
  });
});

describe('observability layer', () => {
  const objects = synth((app) => new ObservabilityChart(app, 'observability'));

  it('scrapes Flux, Cilium and Kafka with PodMonitors in their own namespaces', () => {
    const monitors = objects.filter((object) => object.kind === 'PodMonitor').map((monitor) => `${monitor.metadata.namespace}/${monitor.metadata.name}:${monitor.spec.podMetricsEndpoints[0].port}`);
    expect(monitors.sort()).toEqual(['flux-system/flux:http-prom', 'kafka/kafka:tcp-prometheus', 'kube-system/cilium-agent:prometheus', 'kube-system/cilium-operator:prometheus']);
  });

  it("provisions the platform dashboard with Flux's and kro's readiness, into Grafana's sidecar (organization 1)", () => {
    const dashboards = objects.filter((object) => object.kind === 'ConfigMap');
    expect(dashboards).toHaveLength(1);
    const [configMap] = dashboards;
    expect(configMap.metadata).toMatchObject({ namespace: 'monitoring', labels: { grafana_dashboard: '1' }, annotations: { grafana_folder: 'Platform' } });
    const dashboard = JSON.parse((configMap.data as Record<string, string>)['platform.json']);
    const queries = dashboard.panels.map((panel: { targets: { expr: string }[] }) => panel.targets[0].expr);
    expect(queries).toEqual(expect.arrayContaining(['gotk_resource_info', 'kro_resource_info']));
    const positions = dashboard.panels.map((panel: { gridPos: { x: number; y: number; w: number } }) => panel.gridPos);
    for (const position of positions) expect(position.x + position.w).toBeLessThanOrEqual(24);
    expect(new Set(positions.map((position: { x: number; y: number }) => `${position.x},${position.y}`)).size).toBe(positions.length);
  });
});

describe("Loki's values schema", () => {
  // test/platform/chart-values.test.ts checks every release against its chart's schema; this shows that check can fail.
  it('refuses a value of the wrong type', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(importsDir(ROOT), valuesSchemaFile('loki')), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    const values = lokiValues(findCluster('dev')!);
    expect(validate(values)).toBe(true);
    expect(validate({ ...values, singleBinary: { ...(values.singleBinary as object), replicas: 'one' } })).toBe(false);
  });
});
