import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { ObservabilityChart } from '../../charts/observability';
import { teamOrganization, TeamOrganizationSpec } from '../../charts/grafana-organizations';
import { orgSyncScript } from '../../charts/observability-values';
import { PLATFORM } from '../../config/platform';
import { ROOT } from '../../src/paths';
import { loadUserSpace } from '../../src/user-space';
import { ifAvailable, KubeObject, tempDir, testApp } from '../helpers';

/**
 * charts/grafana-org-sync.py, run with python3: its filling of the template, against the same
 * organizations written out in TypeScript, and the whole sync against two fakes: Grafana's HTTP
 * API (the endpoints the script calls, with Grafana's answers: 404 for a missing organization,
 * 409 for a member added twice, the organization picked by X-Grafana-Org-Id among the user's
 * own) and the Kubernetes API serving the ConfigMaps synth writes, listed and then watched.
 */

const SCRIPT = path.join(ROOT, 'charts', 'grafana-org-sync.py');
const { teamLabel, teamKey, organizationTemplate: TEMPLATE_FILE } = PLATFORM.monitoring.grafana;
/** The template as synth writes it into the sync's ConfigMap. */
const TEMPLATE = orgSyncScript().data[TEMPLATE_FILE];
const python = spawnSync('python3', ['--version']).status === 0 ? undefined : 'python3 is not installed';

interface Organization {
  readonly id: number;
  readonly name: string;
  readonly members: Map<string, string>;
  readonly dataSources: Map<string, Record<string, unknown>>;
  readonly dashboards: Map<string, Record<string, unknown>>;
}

class FakeGrafana {
  readonly organizations = new Map<number, Organization>();
  readonly calls: string[] = [];
  private nextId = 2;

  constructor(
    private readonly user: string,
    private readonly password: string,
  ) {
    this.add(1, 'Main Org.');
  }

  private add(id: number, name: string): Organization {
    const organization = { id, name, members: new Map([[this.user, 'Admin']]), dataSources: new Map(), dashboards: new Map() };
    this.organizations.set(id, organization);
    return organization;
  }

  named(name: string): Organization | undefined {
    return [...this.organizations.values()].find((organization) => organization.name === name);
  }

  handle(method: string, url: string, headers: http.IncomingHttpHeaders, body: Record<string, unknown>): [number, unknown] {
    if (headers.authorization !== `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`) return [401, { message: 'Invalid username or password' }];
    const route = `${method} ${url.split('?')[0]}`;
    const orgHeader = headers['x-grafana-org-id'];
    this.calls.push(orgHeader ? `${route} (org ${orgHeader})` : route);
    const current = this.organizations.get(Number(orgHeader ?? 1));
    if (!current || !current.members.has(this.user)) return [401, { message: 'user is not a member of the organization' }];
    let match: RegExpMatchArray | null;
    if (route === 'GET /api/orgs') return [200, [...this.organizations.values()].map(({ id, name }) => ({ id, name }))];
    if ((match = route.match(/^GET \/api\/orgs\/name\/(.+)$/))) {
      const organization = this.named(decodeURIComponent(match[1]));
      return organization ? [200, { id: organization.id, name: organization.name }] : [404, { message: 'Organization not found' }];
    }
    if (route === 'POST /api/orgs') {
      if (this.named(body.name as string)) return [409, { message: 'Organization name taken' }];
      const organization = this.add(this.nextId++, body.name as string);
      return [200, { orgId: organization.id, message: 'Organization created' }];
    }
    if ((match = route.match(/^POST \/api\/orgs\/(\d+)\/users$/))) {
      const organization = this.organizations.get(Number(match[1]));
      if (!organization) return [404, { message: 'Organization not found' }];
      if (organization.members.has(body.loginOrEmail as string)) return [409, { message: 'User is already member of this organization' }];
      organization.members.set(body.loginOrEmail as string, body.role as string);
      return [200, { message: 'User added to organization' }];
    }
    if ((match = route.match(/^(GET|PUT) \/api\/datasources\/uid\/(.+)$/))) {
      const uid = decodeURIComponent(match[2]);
      if (!current.dataSources.has(uid)) return [404, { message: 'Data source not found' }];
      if (method === 'PUT') current.dataSources.set(uid, body);
      return [200, current.dataSources.get(uid)];
    }
    if (route === 'POST /api/datasources') {
      if ([...current.dataSources.values()].some((source) => source.name === body.name)) return [409, { message: 'data source with the same name already exists' }];
      current.dataSources.set(body.uid as string, body);
      return [200, { message: 'Datasource added' }];
    }
    if (route === 'POST /api/dashboards/db') {
      const dashboard = body.dashboard as Record<string, unknown>;
      if (!body.overwrite && current.dashboards.has(dashboard.uid as string)) return [412, { message: 'version-mismatch' }];
      current.dashboards.set(dashboard.uid as string, dashboard);
      return [200, { status: 'success', uid: dashboard.uid }];
    }
    return [404, { message: 'Not found' }];
  }
}

/** The Kubernetes API of the monitoring namespace's ConfigMaps: a list, then a watch the test feeds. */
class FakeKubernetes {
  configMaps: KubeObject[] = [];
  private watchers: http.ServerResponse[] = [];
  readonly selectors: string[] = [];

  handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url!, 'http://localhost');
    if (request.headers.authorization !== 'Bearer the-token' || url.pathname !== '/api/v1/namespaces/monitoring/configmaps') {
      response.writeHead(403).end(JSON.stringify({ kind: 'Status', code: 403 }));
      return;
    }
    this.selectors.push(url.searchParams.get('labelSelector')!);
    if (url.searchParams.get('watch') === '1') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      this.watchers.push(response);
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ items: this.configMaps, metadata: { resourceVersion: '100' } }));
  }

  /** Sends a watch event to every open watch. */
  send(type: string, object: KubeObject): void {
    for (const watcher of this.watchers) watcher.write(`${JSON.stringify({ type, object })}\n`);
  }

  /** Ends every open watch, as the API server does after timeoutSeconds. */
  endWatches(): void {
    for (const watcher of this.watchers.splice(0)) watcher.end();
  }

  get watching(): number {
    return this.watchers.length;
  }
}

function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/**
 * Each test runs the sync as a Python process and waits for what it does, each step up to 15 s
 * (`until`): Jest's 5 s default fails them on a loaded machine, and the outcome, not the time,
 * is what they check.
 */
const SYNC_TEST_TIMEOUT = 120_000;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 15_000; waited += 50) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A ConfigMap as the API server serves it: with its resource version. */
function served(configMap: KubeObject, resourceVersion: string): KubeObject {
  return { ...configMap, metadata: { ...configMap.metadata, resourceVersion } as KubeObject['metadata'] };
}

/** The ConfigMaps synth writes for the example teams, as the API server would serve them. */
function teamConfigMaps(): KubeObject[] {
  const teams = loadUserSpace({ root: ROOT }).teamsFor('dev');
  const chart = new ObservabilityChart(testApp(), 'observability');
  return teams.flatMap((team) => chart.teamDocuments(team)).map(({ object }, index) => served(object as KubeObject, String(50 + index)));
}

function specIn(configMap: KubeObject): TeamOrganizationSpec {
  return JSON.parse((configMap.data as Record<string, string>)[teamKey]) as TeamOrganizationSpec;
}

/** The organization a team's ConfigMap stands for. */
function organizationIn(configMap: KubeObject) {
  return teamOrganization(specIn(configMap));
}

/** What the sync's `organization` makes of each team with `template`, or why it refuses one: one python3 run. */
function filledBySync(template: unknown, teams: readonly unknown[]): ({ organization: unknown } | { refused: string })[] {
  const program = [
    'import importlib.util, json, sys',
    'spec = importlib.util.spec_from_file_location("org_sync", sys.argv[1])',
    'sync = importlib.util.module_from_spec(spec)',
    'spec.loader.exec_module(sync)',
    'given = json.load(sys.stdin)',
    'def filled(team):',
    '    try:',
    '        return {"organization": sync.organization(given["template"], team)}',
    '    except (ValueError, KeyError, TypeError) as error:',
    '        return {"refused": str(error)}',
    'print(json.dumps([filled(team) for team in given["teams"]]))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', program, SCRIPT], { input: JSON.stringify({ template, teams }), encoding: 'utf8', env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: '1' } });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

ifAvailable(describe, python)("the organization sync's template (charts/grafana-org-sync.py's organization)", () => {
  const template = JSON.parse(TEMPLATE);

  it('fills in exactly the organization that teamOrganization writes out, for the example teams and for any mix of applications', () => {
    const specs: TeamOrganizationSpec[] = [
      ...teamConfigMaps().map(specIn),
      { name: 'team-0001', webApplications: [] },
      // Scraped and unscraped applications in turn: the panels of each start where the last ended.
      { name: 'x', webApplications: ['a', 'b', 'c', 'd', 'e'].map((name, index) => ({ name, metrics: index % 3 === 0 })) },
      { name: 'a'.repeat(63), webApplications: [{ name: `${'b'.repeat(61)}-1`, metrics: true }] },
    ];
    expect(specs.some((spec) => spec.webApplications.some((app) => app.metrics))).toBe(true);
    expect(filledBySync(template, specs)).toEqual(specs.map((spec) => ({ organization: teamOrganization(spec) })));
  });

  it('refuses a team or application name that is not a Kubernetes name (DNS-1123 label), so none reaches into the JSON, a query or a header', () => {
    const names = ['Team-A', 'team_a', 'team.a', '-team', 'team-', '', 'a'.repeat(64), 'team-a\n', '<application>', 'team-a"}, {"x": "', 'team-a", pod=~".+', 'team-a\u0000', 7];
    const asTeam = names.map((name) => ({ name, webApplications: [] }));
    const asApplication = names.map((name) => ({ name: 'team-a', webApplications: [{ name, metrics: false }] }));
    expect(filledBySync(template, [...asTeam, ...asApplication])).toEqual([
      ...names.map(() => ({ refused: expect.stringMatching(/^the team name .+ is not a Kubernetes name \(DNS-1123 label\)$/) })),
      ...names.map(() => ({ refused: expect.stringMatching(/^the application name .+ is not a Kubernetes name \(DNS-1123 label\)$/) })),
    ]);
  });

  it('refuses a ConfigMap that is not a team: metrics not a boolean, a field missing', () => {
    const refused = filledBySync(template, [
      { name: 'team-a', webApplications: [{ name: 'web', metrics: 'true' }] },
      { name: 'team-a' },
      { webApplications: [] },
      { name: 'team-a', webApplications: ['web'] },
    ]);
    expect(refused).toEqual([{ refused: "metrics of web is 'true', not true or false" }, { refused: "'webApplications'" }, { refused: "'name'" }, { refused: expect.stringContaining('string indices must be integers') }]);
  });
});

ifAvailable(describe, python)('the Grafana organization sync (charts/grafana-org-sync.py)', () => {
  let grafana: FakeGrafana;
  let kubernetes: FakeKubernetes;
  const servers: http.Server[] = [];
  const children: ChildProcess[] = [];
  let environment: NodeJS.ProcessEnv;
  let templateFile: string;
  const configMaps = teamConfigMaps();

  beforeEach(async () => {
    grafana = new FakeGrafana('admin', 'the-password');
    kubernetes = new FakeKubernetes();
    kubernetes.configMaps = configMaps;
    const grafanaServer = await listen((request, response) => {
      let raw = '';
      request.on('data', (chunk) => (raw += chunk)).on('end', () => {
        const [status, payload] = grafana.handle(request.method!, request.url!, request.headers, raw ? JSON.parse(raw) : {});
        response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(payload));
      });
    });
    const kubernetesServer = await listen((request, response) => kubernetes.handle(request, response));
    servers.push(grafanaServer.server, kubernetesServer.server);
    const account = tempDir('service-account');
    fs.writeFileSync(path.join(account, 'token'), 'the-token\n');
    templateFile = path.join(tempDir('org-sync'), TEMPLATE_FILE);
    fs.writeFileSync(templateFile, TEMPLATE);
    environment = {
      PATH: process.env.PATH,
      GRAFANA_URL: grafanaServer.url,
      GRAFANA_USER: 'admin',
      GRAFANA_PASSWORD: 'the-password',
      NAMESPACE: 'monitoring',
      ORGANIZATION_LABEL: teamLabel,
      TEAM_KEY: teamKey,
      ORGANIZATION_TEMPLATE: templateFile,
      KUBERNETES_API: kubernetesServer.url,
      SERVICE_ACCOUNT_DIR: account,
      PYTHONDONTWRITEBYTECODE: '1',
    };
  });

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill();
    kubernetes.endWatches();
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** `--once`, run asynchronously: the fakes answer from this same process. */
  const once = () =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('python3', [SCRIPT, '--once'], { env: environment });
      children.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (chunk) => (stdout += chunk));
      child.stderr!.on('data', (chunk) => (stderr += chunk));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it("makes each team's organization with exactly its data sources and dashboard, as the admin's, and leaves organization 1 alone", async () => {
    const result = await once();
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(kubernetes.selectors).toEqual([teamLabel]);
    expect(configMaps.length).toBeGreaterThan(1);
    for (const configMap of configMaps) {
      const wanted = organizationIn(configMap);
      const organization = grafana.named(wanted.name)!;
      expect([...organization.dataSources.values()]).toEqual(wanted.dataSources);
      expect([...organization.dashboards.values()]).toEqual(wanted.dashboards.map((dashboard) => ({ ...dashboard, id: null })));
      expect(result.stdout).toContain(`applied ${configMap.metadata.name}: organization ${wanted.name}`);
    }
    const main = grafana.organizations.get(1)!;
    expect({ dataSources: main.dataSources.size, dashboards: main.dashboards.size }).toEqual({ dataSources: 0, dashboards: 0 });
    // Every data source and dashboard call names the team's organization, never organization 1.
    expect(grafana.calls.filter((call) => /datasources|dashboards/.test(call) && !/\(org [2-9]\)$/.test(call))).toEqual([]);
  }, SYNC_TEST_TIMEOUT);

  it('applies again without making anything twice: organizations kept, data sources updated in place', async () => {
    expect((await once()).status).toBe(0);
    const ids = [...grafana.organizations.values()].map(({ id, name }) => `${id} ${name}`);
    grafana.calls.length = 0;
    expect((await once()).status).toBe(0);
    expect([...grafana.organizations.values()].map(({ id, name }) => `${id} ${name}`)).toEqual(ids);
    expect(grafana.calls.filter((call) => call.startsWith('POST /api/orgs ') || call === 'POST /api/orgs' || call.startsWith('POST /api/datasources'))).toEqual([]);
    expect(grafana.calls.filter((call) => call.startsWith('PUT /api/datasources/uid/'))).toHaveLength(configMaps.length * 2);
  }, SYNC_TEST_TIMEOUT);

  it('fails, naming what Grafana answered, when Grafana refuses its credentials, and makes nothing', async () => {
    environment.GRAFANA_PASSWORD = 'wrong';
    const result = await once();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`cannot apply ${configMaps[0].metadata.name} yet: Grafana answered GET /api/orgs/name/`);
    expect(result.stdout).toContain('with 401: Invalid username or password');
    expect(grafana.organizations.size).toBe(1);
  }, SYNC_TEST_TIMEOUT);

  it('refuses a ConfigMap whose team is not a Kubernetes name, calling Grafana for nothing of it, and applies the others', async () => {
    const evil = served({ ...configMaps[0], metadata: { ...configMaps[0].metadata, name: 'grafana-organization-evil' }, data: { [teamKey]: JSON.stringify({ name: 'evil", "x": "', webApplications: [] }) } }, '60');
    kubernetes.configMaps = [...configMaps, evil];
    const result = await once();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`refused grafana-organization-evil until it changes: the team name 'evil", "x": "' is not a Kubernetes name (DNS-1123 label)`);
    expect(grafana.calls.filter((call) => call.includes('evil'))).toEqual([]);
    expect([...grafana.organizations.values()].map(({ name }) => name)).toEqual(['Main Org.', ...configMaps.map((configMap) => specIn(configMap).name)]);
  }, SYNC_TEST_TIMEOUT);

  it('follows the watch: a new team gets its organization, a removed one keeps it, an organization Grafana lost is made again, and all again when the template changes', async () => {
    kubernetes.configMaps = configMaps.slice(0, 1);
    const [first, second] = configMaps.map(organizationIn);
    const child = spawn('python3', [SCRIPT], { env: environment });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    await until(() => grafana.named(first.name) !== undefined && kubernetes.watching > 0, `organization ${first.name} and a watch`);
    expect(grafana.named(second.name)).toBeUndefined();

    // An event for what is applied as it is (its resource version) changes nothing.
    const callsBefore = grafana.calls.length;
    kubernetes.send('MODIFIED', configMaps[0]);
    kubernetes.send('ADDED', served(configMaps[1], '101'));
    await until(() => grafana.named(second.name)?.dashboards.size === 1, `organization ${second.name}`);
    expect(grafana.calls.slice(callsBefore).filter((call) => call.includes(first.name))).toEqual([]);

    kubernetes.send('DELETED', served(configMaps[0], '102'));
    await until(() => output.includes(`${configMaps[0].metadata.name} is gone: its organization stays`), 'the removal to be noted');
    expect(grafana.named(first.name)).toBeDefined();

    // Grafana without a volume restarted: the organization is gone; the next pass makes it again.
    grafana.organizations.delete(grafana.named(second.name)!.id);
    kubernetes.endWatches();
    await until(() => grafana.named(second.name)?.dataSources.size === 2, `organization ${second.name} made again`);
    // The template is read again when a watch ends: the watch ended above must have been opened
    // again first, or ending watches now ends none, and the sync waits out a whole watch.
    await until(() => kubernetes.watching > 0, 'the watch opened again');

    // A new platform version changes the template; the kubelet updates the mounted file in place.
    expect(TEMPLATE).toContain('"title": "Team <team>"');
    fs.writeFileSync(templateFile, TEMPLATE.replace('"title": "Team <team>"', '"title": "Board of <team>"'));
    kubernetes.endWatches();
    await until(() => grafana.named(second.name)?.dashboards.get(`team-${second.name}`)?.title === `Board of ${second.name}`, `the dashboard of ${second.name} from the new template`);
    expect(output).toContain('the organization template changed: applying every organization again');
  }, SYNC_TEST_TIMEOUT);
});
