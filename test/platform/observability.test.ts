import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { App, Chart, Testing } from 'cdk8s';
import { HelmReleasesChart } from '../../charts/helm-releases';
import { ObservabilityChart } from '../../charts/observability';
import { alloyConfig, lokiValues } from '../../charts/observability-values';
import { importsDir, valuesSchemaFile } from '../../src/import/layout';
import { ROOT } from '../../src/paths';
import { CLUSTERS, ClusterConfig, findCluster } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { KubeObject } from '../helpers';

function synth(make: (app: App) => Chart): KubeObject[] {
  return Testing.synth(make(Testing.app())) as KubeObject[];
}

function releases(cluster: ClusterConfig): Map<string, KubeObject> {
  const objects = synth((app) => new HelmReleasesChart(app, 'helm-releases', { cluster }));
  return new Map(objects.filter((object) => object.kind === 'HelmRelease').map((release) => [release.metadata.name, release]));
}

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
      for (const name of ['kube-prometheus-stack', 'loki', 'tempo', 'alloy', 'grafana']) {
        const release = byName.get(name);
        expect({ name, namespace: release?.spec.targetNamespace, dependsOn: release?.spec.dependsOn }).toEqual({ name, namespace: 'monitoring', dependsOn: [{ name: 'cilium' }] });
      }
    }
  });

  it('gives Grafana the three stores as data sources, at the services the releases create', () => {
    const grafana = releases(findCluster('dev')!).get('grafana')!;
    const sources = grafana.spec.values.datasources['datasources.yaml'].datasources as { type: string; url: string }[];
    expect(sources.map((source) => `${source.type} ${source.url}`)).toEqual([
      'prometheus http://prometheus-prometheus.monitoring.svc:9090',
      'loki http://loki.monitoring.svc:3100',
      'tempo http://tempo.monitoring.svc:3200',
    ]);
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

  it('fits dev on a laptop (the requests the README states) and keeps prd on volumes with longer retention', () => {
    const dev = findCluster('dev')!.observability;
    const containers = [dev.metrics.resources, dev.logs.resources, dev.traces.resources, dev.operator, dev.operator, dev.collector, dev.grafana];
    expect(containers.reduce((sum, size) => sum + millicores(size.requests.cpu), 0)).toBe(390);
    expect(containers.reduce((sum, size) => sum + mebibytes(size.requests.memory), 0)).toBe(1024);
    const prd = findCluster('prd')!.observability;
    for (const store of [prd.metrics, prd.logs, prd.traces]) expect(store.storage).toMatch(/^\d+Gi$/);
    expect(prd.grafana.storage).toBeDefined();
    const prdStack = releases(findCluster('prd')!).get('kube-prometheus-stack')!.spec.values.prometheus.prometheusSpec;
    expect(prdStack.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe(prd.metrics.storage);
    expect(releases(findCluster('dev')!).get('kube-prometheus-stack')!.spec.values.prometheus.prometheusSpec.storageSpec).toBeUndefined();
    expect(releases(findCluster('prd')!).get('loki')!.spec.values.loki.limits_config.retention_period).toBe('720h');
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

  it("provisions the platform dashboard with Flux's and kro's readiness, into Grafana's sidecar", () => {
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
