/**
 * Grafana dashboards as data: the platform's, provisioned from Git as a ConfigMap that Grafana's
 * sidecar loads into the platform's organization (label and folder annotation from
 * config/platform.ts), and each team's, which the organization sync puts in the team's own
 * organization (charts/grafana-organizations.ts).
 */
import { PLATFORM } from '../config/platform';

/** One panel: what it shows and the query behind it. */
export interface PanelSpec {
  readonly title: string;
  readonly type: 'timeseries' | 'table' | 'stat' | 'logs';
  /** A PromQL query (Prometheus) or a LogQL query (Loki). */
  readonly query: string;
  /** The data source, by its uid. @default `loki` for a logs panel, else `prometheus` */
  readonly source?: 'prometheus' | 'loki';
  /** Legend of each series, e.g. `{{pod}}`. @default the series labels */
  readonly legend?: string;
  /** Unit of the values, e.g. `reqps`, `s`, `percentunit`. @default none */
  readonly unit?: string;
  /** Width in grid columns (24 is the full width). @default 12 */
  readonly width?: number;
}

const HEIGHT = 8;
/** Grafana's grid is 24 columns wide. */
const COLUMNS = 24;

/** A panel's JSON before it is placed: its size (`gridPos.w`, `gridPos.h`), not yet its id and position. */
export type PanelJson = Record<string, unknown> & { readonly gridPos: { readonly w: number; readonly h: number } };

/** The dashboard JSON Grafana imports: panels laid out left to right, top to bottom. */
export function dashboardJson(uid: string, title: string, panels: readonly PanelSpec[]): Record<string, unknown> {
  return dashboardAround(uid, title, layOut(panels.map(panelJson)));
}

/** A read-only dashboard holding `panels` as they are. */
export function dashboardAround(uid: string, title: string, panels: readonly Record<string, unknown>[]): Record<string, unknown> {
  return { uid, title, schemaVersion: 39, editable: false, time: { from: 'now-1h', to: 'now' }, refresh: '30s', tags: ['mini-atlas'], panels };
}

/**
 * Panels numbered from 1 and placed left to right: one that does not fit in what is left of the
 * row starts the next. The organization sync places a team's panels the same way (`lay_out` in
 * charts/grafana-org-sync.py; test/platform/grafana-org-sync.test.ts holds them together).
 */
export function layOut(panels: readonly PanelJson[]): Record<string, unknown>[] {
  let x = 0;
  let y = 0;
  return panels.map((panel, index) => {
    const { w, h } = panel.gridPos;
    if (x + w > COLUMNS) {
      x = 0;
      y += h;
    }
    const placed = { id: index + 1, ...panel, gridPos: { x, y, w, h } };
    x += w;
    return placed;
  });
}

/** A panel's JSON, sized but not placed. */
export function panelJson(panel: PanelSpec): PanelJson {
  const logs = panel.type === 'logs';
  const source = panel.source ?? (logs ? 'loki' : 'prometheus');
  const datasource = { type: source, uid: source };
  const target = logs ? { refId: 'A', datasource, expr: panel.query } : { refId: 'A', datasource, expr: panel.query, legendFormat: panel.legend ?? '__auto', ...(panel.type === 'table' ? { format: 'table', instant: true } : {}) };
  return {
    title: panel.title,
    type: panel.type,
    datasource,
    gridPos: { w: panel.width ?? 12, h: HEIGHT },
    targets: [target],
    ...(panel.unit ? { fieldConfig: { defaults: { unit: panel.unit }, overrides: [] } } : {}),
  };
}

/** Metadata of the ConfigMap holding a dashboard, in the monitoring namespace, filed under `folder`. */
export function dashboardConfigMapMetadata(name: string, folder: string) {
  const { namespace, grafana } = PLATFORM.monitoring;
  return { name, namespace, labels: { [grafana.dashboardLabel]: '1', 'app.kubernetes.io/part-of': 'mini-atlas' }, annotations: { [grafana.folderAnnotation]: folder } };
}

/**
 * A team's own dashboard: its pods (ready, restarts, CPU, memory) and logs, and per
 * WebApplication its pods and logs and, where Prometheus scrapes it, its requests, every query
 * limited to the team's namespace.
 */
export function teamDashboardPanels(team: string, webApplications: readonly TeamApplication[]): PanelSpec[] {
  return [...teamPanels(team), ...webApplications.flatMap(({ name, metrics }) => applicationPanels(team, name).filter((panel) => metrics || !panel.scrapedOnly))];
}

/** The top of a team's dashboard: the pods and logs of its whole namespace. */
export function teamPanels(team: string): PanelSpec[] {
  const inTeam = `namespace="${team}"`;
  return [
    { title: 'Pods ready', type: 'stat', query: `sum(kube_pod_status_ready{${inTeam}, condition="true"}) or vector(0)`, width: 6 },
    { title: 'Container restarts in the last hour', type: 'stat', query: `sum(increase(kube_pod_container_status_restarts_total{${inTeam}}[1h])) or vector(0)`, width: 6 },
    { title: 'Pods not ready', type: 'stat', query: `sum(kube_pod_status_ready{${inTeam}, condition="false"}) or vector(0)`, width: 6 },
    { title: 'Log lines per second', type: 'stat', query: `sum(rate({${inTeam}}[5m]))`, source: 'loki', width: 6 },
    { title: 'CPU by pod', type: 'timeseries', query: `sum by (pod) (rate(container_cpu_usage_seconds_total{${inTeam}, container!=""}[5m]))`, legend: '{{pod}}', unit: 'cores' },
    { title: 'Memory by pod', type: 'timeseries', query: `sum by (pod) (container_memory_working_set_bytes{${inTeam}, container!=""})`, legend: '{{pod}}', unit: 'bytes' },
    { title: 'Restarts by pod', type: 'timeseries', query: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${inTeam}}[15m]))`, legend: '{{pod}}' },
    { title: `Logs of ${team}`, type: 'logs', query: `{${inTeam}}`, width: 24 },
  ];
}

/** A panel of a WebApplication's part of its team's dashboard. */
export interface ApplicationPanelSpec extends PanelSpec {
  /** Shown only for an application that declares `metrics`, which Prometheus scrapes. @default false */
  readonly scrapedOnly?: boolean;
}

/** WebApplication `name`'s part of its team's dashboard: its pods and logs, and its requests when scraped. */
export function applicationPanels(team: string, name: string): ApplicationPanelSpec[] {
  const inTeam = `namespace="${team}"`;
  const pods = `${inTeam}, pod=~"${name}-[a-z0-9]+-[a-z0-9]+"`;
  return [
    { title: `${name}: pods ready`, type: 'timeseries', query: `sum(kube_pod_status_ready{${pods}, condition="true"})`, legend: 'ready' },
    ...requestPanels(name, pods).map((panel) => ({ ...panel, scrapedOnly: true })),
    { title: `${name}: logs`, type: 'logs', query: `{${inTeam}, app="${name}"}` },
  ];
}

/** A WebApplication as its team's dashboard shows it. */
export interface TeamApplication {
  readonly name: string;
  /** Whether it declares `metrics`, so Prometheus scrapes it. */
  readonly metrics: boolean;
}

/**
 * Request rate, errors and latency of an application Prometheus scrapes, from the
 * `http_request_duration_seconds` histogram with a `status` label (the name the Prometheus client
 * libraries' HTTP middleware and podinfo use), and whether its scrapes succeed.
 */
function requestPanels(name: string, pods: string): PanelSpec[] {
  const requests = `http_request_duration_seconds_count{${pods}}`;
  return [
    { title: `${name}: scraped`, type: 'stat', query: `sum(up{${pods}}) or vector(0)`, width: 6 },
    { title: `${name}: requests per second`, type: 'timeseries', query: `sum(rate(${requests}[5m]))`, unit: 'reqps', width: 6 },
    { title: `${name}: errors (5xx share)`, type: 'timeseries', query: `sum(rate(http_request_duration_seconds_count{${pods}, status=~"5.."}[5m])) / sum(rate(${requests}[5m]))`, unit: 'percentunit', width: 6 },
    { title: `${name}: latency p95`, type: 'timeseries', query: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${pods}}[5m])))`, unit: 's', width: 6 },
  ];
}

/** Flux and kro readiness, and the shared services' health. */
export const PLATFORM_DASHBOARD_PANELS: readonly PanelSpec[] = [
  { title: 'Flux objects not ready', type: 'stat', query: 'count(gotk_resource_info{ready!="True"}) or vector(0)', width: 6 },
  { title: 'kro objects not ready', type: 'stat', query: 'count(kro_resource_info{ready!="True"}) or vector(0)', width: 6 },
  { title: 'Kafka brokers up', type: 'stat', query: 'sum(up{namespace="kafka"}) or vector(0)', width: 6 },
  { title: 'Cilium agents up', type: 'stat', query: 'sum(up{namespace="kube-system", pod=~"cilium-.*"}) or vector(0)', width: 6 },
  { title: 'Flux: Kustomizations, HelmReleases and sources', type: 'table', query: 'gotk_resource_info', width: 24 },
  { title: 'kro: ResourceGraphDefinitions and instances', type: 'table', query: 'kro_resource_info', width: 24 },
  { title: 'Flux reconciliations per second', type: 'timeseries', query: 'sum by (kind) (rate(gotk_reconcile_duration_seconds_count[5m]))', legend: '{{kind}}', unit: 'ops' },
  { title: 'Kafka messages in per second, by topic', type: 'timeseries', query: 'sum by (topic) (rate(kafka_server_brokertopicmetrics_messagesin_total{topic!=""}[5m]))', legend: '{{topic}}', unit: 'ops' },
  { title: 'PostgreSQL backends, by database cluster', type: 'timeseries', query: 'sum by (namespace, cluster) (cnpg_backends_total)', legend: '{{namespace}}/{{cluster}}' },
  { title: 'Cilium dropped packets per second, by reason', type: 'timeseries', query: 'sum by (reason) (rate(cilium_drop_count_total[5m]))', legend: '{{reason}}', unit: 'pps' },
];
