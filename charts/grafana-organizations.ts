/**
 * Grafana's organizations: the platform's (organization 1, provisioned by the Grafana chart) with
 * the unrestricted data sources, and one per team, whose data sources can return only the team's
 * own data. Grafana OSS cannot restrict a data source to some users of an organization (data
 * source permissions are an Enterprise feature), so the organization is the boundary.
 */
import { k8s } from 'cdk8s-plus-30';
import { PLATFORM } from '../config/platform';
import { TeamInstances } from '../src/user-space/model';
import { applicationPanels, dashboardAround, layOut, panelJson, PanelJson, TeamApplication, teamDashboardPanels, teamPanels } from './grafana-dashboards';

const { monitoring } = PLATFORM;

/** A data source as Grafana's provisioning files and its HTTP API take it. */
export interface GrafanaDataSource {
  readonly name: string;
  /** What dashboards refer to it by: the same in every organization, so one dashboard fits all. */
  readonly uid: 'prometheus' | 'loki' | 'tempo';
  readonly type: 'prometheus' | 'loki' | 'tempo';
  readonly url: string;
  readonly access: 'proxy';
  /** Whether panels without a data source use it. @default false */
  readonly isDefault?: boolean;
  /** Settings, such as the name of a header sent with every request. @default none */
  readonly jsonData?: Readonly<Record<string, unknown>>;
  /** Settings Grafana keeps encrypted and never shows, such as that header's value. @default none */
  readonly secureJsonData?: Readonly<Record<string, string>>;
}

/**
 * A header Grafana sends with every request of a data source. Grafana's HTTP client sets it,
 * replacing any header of that name a user's request carried (grafana-plugin-sdk-go's
 * CustomHeadersMiddleware), so a user cannot name another team.
 */
function fixedHeader(name: string, value: string) {
  return { jsonData: { httpHeaderName1: name }, secureJsonData: { httpHeaderValue1: value } };
}

/** Organization 1's: every metric, the logs of the platform's own namespaces, and every trace. */
export function platformDataSources(): GrafanaDataSource[] {
  const logs = fixedHeader(monitoring.logTenants.header, monitoring.logTenants.platformTenant);
  return [
    { name: 'Prometheus', uid: 'prometheus', type: 'prometheus', url: monitoring.prometheusUrl, access: 'proxy', isDefault: true },
    {
      name: 'Loki',
      uid: 'loki',
      type: 'loki',
      url: monitoring.lokiUrl,
      access: 'proxy',
      jsonData: { ...logs.jsonData, derivedFields: [{ name: 'trace', matcherRegex: 'trace_?id[=:"]+(\\w+)', url: '${__value.raw}', datasourceUid: 'tempo' }] },
      secureJsonData: logs.secureJsonData,
    },
    { name: 'Tempo', uid: 'tempo', type: 'tempo', url: monitoring.tempoUrl, access: 'proxy', jsonData: { tracesToLogsV2: { datasourceUid: 'loki' }, serviceMap: { datasourceUid: 'prometheus' } } },
  ];
}

/**
 * A team organization's: Prometheus through prom-label-proxy, which adds `namespace="<team>"`
 * to every selector, and Loki with the team as tenant. No Tempo: traces are not kept apart by
 * team (README, Observability).
 */
export function teamDataSources(team: string): GrafanaDataSource[] {
  return [
    { name: 'Prometheus', uid: 'prometheus', type: 'prometheus', url: monitoring.labelProxy.url, access: 'proxy', isDefault: true, ...fixedHeader(monitoring.labelProxy.header, team) },
    { name: 'Loki', uid: 'loki', type: 'loki', url: monitoring.lokiUrl, access: 'proxy', ...fixedHeader(monitoring.logTenants.header, team) },
  ];
}

/** What the organization sync applies for a team: the organization, named like the team, its data sources and its dashboard. */
export interface TeamOrganization {
  readonly name: string;
  readonly dataSources: readonly GrafanaDataSource[];
  readonly dashboards: readonly Record<string, unknown>[];
}

/** All that differs between two teams' organizations: what synth writes per team. */
export interface TeamOrganizationSpec {
  /** The team, which names its organization, namespace and Loki tenant. */
  readonly name: string;
  readonly webApplications: readonly TeamApplication[];
}

/**
 * What every team's organization is made of, with placeholders for the team and for each of its
 * WebApplications: one file in the organization sync's ConfigMap, which the sync fills with each
 * team's spec (charts/grafana-org-sync.py) instead of synth writing every team's data sources
 * and dashboard (tens of megabytes at 10,000 teams).
 */
export interface OrganizationTemplate {
  /** What stands for the team's name and an application's name in the strings below. */
  readonly placeholders: typeof PLACEHOLDERS;
  readonly dataSources: readonly GrafanaDataSource[];
  /** The team's dashboard with the panels of the team as a whole, not yet placed. */
  readonly dashboard: Record<string, unknown>;
  /** The panels each WebApplication adds, in order; `scrapedOnly` ones only where it declares `metrics`. */
  readonly applicationPanels: readonly { readonly scrapedOnly: boolean; readonly panel: PanelJson }[];
}

/** No Kubernetes name (a DNS-1123 label) can hold a `<`, so none can hold or make a placeholder. */
const PLACEHOLDERS = { team: '<team>', application: '<application>' } as const;

/** `team`'s part of the observability layer: its name and its WebApplications, whether each is scraped. */
export function teamOrganizationSpec({ team, instances }: TeamInstances): TeamOrganizationSpec {
  return { name: team, webApplications: instances.filter((instance) => instance.kind === 'WebApplication').map((instance) => ({ name: instance.metadata.name, metrics: instance.spec.metrics !== undefined })) };
}

/** The template of every team's organization, from the same definitions as `teamOrganization`. */
export function organizationTemplate(): OrganizationTemplate {
  const { team, application } = PLACEHOLDERS;
  return {
    placeholders: PLACEHOLDERS,
    dataSources: teamDataSources(team),
    dashboard: teamDashboard(team, teamPanels(team).map(panelJson)),
    applicationPanels: applicationPanels(team, application).map(({ scrapedOnly, ...panel }) => ({ scrapedOnly: scrapedOnly ?? false, panel: panelJson(panel) })),
  };
}

/**
 * The organization the sync makes of `spec` and the template, written out directly: what the
 * tests hold the sync's filled template to, and check the teams' isolation on.
 */
export function teamOrganization({ name, webApplications }: TeamOrganizationSpec): TeamOrganization {
  return { name, dataSources: teamDataSources(name), dashboards: [teamDashboard(name, layOut(teamDashboardPanels(name, webApplications).map(panelJson)))] };
}

/** `team`'s dashboard, named after it, holding `panels`. */
function teamDashboard(team: string, panels: readonly Record<string, unknown>[]): Record<string, unknown> {
  return dashboardAround(`team-${team}`, `Team ${team}`, panels);
}

/** The ConfigMap in the monitoring namespace that names `team` and its WebApplications to the organization sync. */
export function teamOrganizationConfigMap(team: TeamInstances): object {
  const { grafana } = monitoring;
  return k8s.KubeConfigMap.manifest({
    metadata: { name: `grafana-organization-${team.team}`, namespace: monitoring.namespace, labels: { [grafana.teamLabel]: team.team, 'app.kubernetes.io/part-of': 'mini-atlas' } },
    data: { [grafana.teamKey]: JSON.stringify(teamOrganizationSpec(team)) },
  });
}
