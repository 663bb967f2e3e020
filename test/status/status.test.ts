import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from '../../src/cli/usage-error';
import { CLUSTERS } from '../../config/clusters';
import { formatDuration, parseDuration, parseStatusArgs, STATUS_COMMAND } from '../../src/status/args';
import { StatusReport, evaluate, exitCodeOf } from '../../src/status/evaluate';
import { buildSnapshot } from '../../src/status/records';
import { renderJson, renderTable } from '../../src/status/render';
import {
  ClusterState,
  TestServer,
  closedPort,
  fixture,
  rawObjects,
  readyCluster,
  runCli,
  runStatusCli,
  startCli,
  startFakeApiServer,
  startSilentServer,
  startStatusServer,
  withFailingHelmRelease,
  writeKubeconfig,
} from './fake-cluster';

const SERVER = 'https://127.0.0.1:6443';

function reportOf(state: ClusterState, team?: string): StatusReport {
  return evaluate(buildSnapshot(SERVER, 'kind-dev', rawObjects(state), team));
}

/** The table line that mentions `name` in the section titled `title`. */
function tableLine(table: string, title: string, name: string): string {
  const section = table.split('\n\n').find((block) => block.startsWith(title)) ?? '';
  return section.split('\n').find((line) => line.includes(` ${name} `)) ?? '';
}

describe('evaluate and render recorded objects', () => {
  it('judges a fully reconciled platform ready, exit code 0', () => {
    const report = reportOf(readyCluster());
    expect(exitCodeOf(report)).toBe(0);
    const table = renderTable(report, { color: false });
    expect(tableLine(table, 'Flux', 'cilium')).toMatch(
      /^ {2}HelmRelease +flux-system +cilium +yes +True +UpgradeSucceeded +Helm upgrade succeeded for release kube-system\/cilium\.v2 with chart cilium@1\.19\.4$/,
    );
    expect(tableLine(table, 'Flux', 'platform')).toMatch(/Kustomization +flux-system +platform +yes +True +ReconciliationSucceeded +Applied revision: main@sha1:5b1e0f3a/);
    expect(tableLine(table, 'Abstractions', 'webapplication')).toMatch(/ResourceGraphDefinition \(WebApplication\) +webapplication +yes +Active +Ready/);
    expect(tableLine(table, 'Team team-a', 'shop')).toMatch(/WebApplication +team-a +shop +yes +ACTIVE +Ready/);
    expect(tableLine(table, 'Team team-a', 'Workspace')).toMatch(/Workspace +- +team-a +yes +ACTIVE/);
    expect(table.trimEnd().split('\n').pop()).toBe('all 15 ready');
    expect(table).not.toContain('\x1b[');
  });

  it('reads objects just created, with no status yet, as not reconciled: Flux objects, graph definitions and instances', () => {
    const withoutStatus = (items: readonly unknown[]) => items.map((item, index) => (index === 0 ? { ...(item as object), status: undefined } : item));
    const ready = readyCluster();
    const state: ClusterState = {
      ...ready,
      kustomizations: withoutStatus(ready.kustomizations),
      graphDefinitions: withoutStatus(ready.graphDefinitions),
      instances: { ...ready.instances, webapplications: withoutStatus(ready.instances.webapplications) },
    };
    const name = (items: readonly unknown[]) => (items[0] as { metadata: { name: string } }).metadata.name;
    const report = reportOf(state);
    expect(report.flux.find((row) => row.kind === 'Kustomization' && row.name === name(state.kustomizations))).toEqual({
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: name(state.kustomizations),
      ready: false,
      state: 'Unknown',
      message: 'not reconciled yet',
    });
    expect(report.abstractions.find((row) => row.name === name(state.graphDefinitions))).toMatchObject({ ready: false, state: 'Unknown', reason: undefined, message: undefined });
    const instances = report.teams.flatMap((team) => team.instances);
    expect(instances.find((row) => row.kind === 'WebApplication' && row.name === name(state.instances.webapplications))).toMatchObject({ ready: false, state: 'PENDING', message: 'kro has not reconciled it yet' });
    expect(exitCodeOf(report)).not.toBe(0);
  });

  it('draws every section: titles, the header, columns padded to the widest cell, one-line messages, empty sections', () => {
    const report: StatusReport = {
      server: SERVER,
      context: 'kind-dev',
      ready: false,
      flux: [
        { kind: 'HelmRelease', namespace: 'flux-system', name: 'kyverno', ready: false, state: 'False', reason: 'InstallFailed', message: '\n install failed:\n   context deadline exceeded  ' },
        { kind: 'Kustomization', namespace: 'flux-system', name: 'platform', ready: true, state: 'True' },
      ],
      abstractions: [],
      teams: [
        { name: 'team-a', namespaces: ['team-a'], ready: true, instances: [{ kind: 'Workspace', name: 'team-a', ready: true, state: 'ACTIVE' }] },
        { name: 'team-b', namespaces: ['team-b', 'team-b-vc'], ready: true, instances: [] },
        { name: 'team-c', namespaces: [], ready: true, instances: [] },
      ],
    };
    expect(renderTable(report, { color: false })).toBe(
      [
        `Cluster ${SERVER} (context kind-dev)`,
        '',
        'Flux',
        '  KIND           NAMESPACE    NAME      READY  STATE  REASON         MESSAGE',
        '  HelmRelease    flux-system  kyverno   no     False  InstallFailed  install failed: context deadline exceeded',
        '  Kustomization  flux-system  platform  yes    True',
        '',
        'Abstractions (kro ResourceGraphDefinitions)',
        '  no ResourceGraphDefinitions',
        '',
        'Team team-a (namespace team-a)',
        '  KIND       NAMESPACE  NAME    READY  STATE   REASON  MESSAGE',
        '  Workspace  -          team-a  yes    ACTIVE',
        '',
        'Team team-b (namespaces team-b, team-b-vc)',
        '  no instances',
        '',
        'Team team-c',
        '  no instances',
        '',
        '2/3 ready; not ready: HelmRelease flux-system/kyverno',
        '',
      ].join('\n'),
    );
    // Colour goes on after padding, so the columns stay aligned on screen.
    const coloured = renderTable(report, { color: true }).split('\n');
    expect(coloured[2]).toBe('\x1b[1mFlux\x1b[0m');
    expect(coloured[4]).toBe('  HelmRelease    flux-system  kyverno   \x1b[31mno   \x1b[0m  False  InstallFailed  install failed: context deadline exceeded');
    expect(coloured[5]).toBe('  Kustomization  flux-system  platform  \x1b[32myes  \x1b[0m  True');
    expect(coloured.at(-2)).toBe('\x1b[31m2/3 ready; not ready: HelmRelease flux-system/kyverno\x1b[0m');
  });

  it('says when there is no Flux object, and names every object not ready in the summary', () => {
    const report: StatusReport = {
      server: SERVER,
      context: 'kind-dev',
      ready: false,
      flux: [],
      abstractions: [
        { kind: 'ResourceGraphDefinition', name: 'webapplication', ready: false, state: 'Inactive' },
        { kind: 'ResourceGraphDefinition', name: 'topic', ready: false, state: 'Inactive' },
      ],
      teams: [],
    };
    const table = renderTable(report, { color: false }).split('\n');
    expect(table.slice(2, 4)).toEqual(['Flux', '  no Kustomizations or HelmReleases']);
    expect(table.at(-2)).toBe('0/2 ready; not ready: ResourceGraphDefinition webapplication, ResourceGraphDefinition topic');
  });

  it('shows a failing HelmRelease with its message, exit code 1', () => {
    const report = reportOf(withFailingHelmRelease(readyCluster()));
    expect(exitCodeOf(report)).toBe(1);
    const table = renderTable(report, { color: false });
    expect(tableLine(table, 'Flux', 'kyverno')).toMatch(
      /HelmRelease +flux-system +kyverno +no +False +InstallFailed +Helm install failed for release kyverno\/kyverno with chart kyverno@3\.9\.0: context deadline exceeded$/,
    );
    expect(table.trimEnd().split('\n').pop()).toBe('14/15 ready; not ready: HelmRelease flux-system/kyverno');
  });

  it('prints one JSON document with the same verdicts', () => {
    const json = JSON.parse(renderJson(reportOf(withFailingHelmRelease(readyCluster())))) as StatusReport;
    expect(json.ready).toBe(false);
    expect(json.server).toBe(SERVER);
    expect(json.flux.find((row) => row.name === 'kyverno')).toEqual({
      kind: 'HelmRelease',
      namespace: 'flux-system',
      name: 'kyverno',
      ready: false,
      state: 'False',
      reason: 'InstallFailed',
      message: 'Helm install failed for release kyverno/kyverno with chart kyverno@3.9.0: context deadline exceeded',
    });
    const teamA = json.teams.find((team) => team.name === 'team-a');
    expect(teamA?.ready).toBe(true);
    expect(teamA?.instances.map((row) => `${row.kind}/${row.name}:${row.state}`).sort()).toEqual([
      'Infrastructure/shop-db:ACTIVE',
      'Topic/orders:ACTIVE',
      'WebApplication/shop:ACTIVE',
      'Workspace/team-a:ACTIVE',
    ]);
  });

  it('reports an instance kro is still rolling out with the condition that holds it back', () => {
    const state = readyCluster();
    state.instances.webapplications = [fixture('webapplication-in-progress.yaml'), ...state.instances.webapplications.slice(1)];
    const report = reportOf(state, 'team-a');
    expect(exitCodeOf(report)).toBe(1);
    expect(report.teams.map((team) => team.name)).toEqual(['team-a']);
    expect(report.teams[0].instances.find((row) => row.name === 'shop')).toMatchObject({
      ready: false,
      state: 'IN_PROGRESS',
      reason: 'NotReady',
      message: 'waiting for resource deployment to become ready',
    });
  });

  it('counts an abstraction kro does not serve yet as not ready, not as an error', () => {
    const state = readyCluster();
    state.kroDiscovery = { resources: state.kroDiscovery!.resources.filter((resource) => !resource.name.startsWith('virtualclusters')) };
    state.graphDefinitions = state.graphDefinitions.filter((rgd) => (rgd as { metadata: { name: string } }).metadata.name !== 'virtualcluster');
    const report = reportOf(state);
    expect(exitCodeOf(report)).toBe(1);
    expect(report.abstractions.find((row) => row.kind === 'VirtualCluster')).toMatchObject({ ready: false, state: 'NOT SERVED' });
  });

  it('gives each team its own namespaces and instances, and only the team asked for', () => {
    const byTeam = (report: StatusReport) => report.teams.map((team) => ({ name: team.name, namespaces: team.namespaces, instances: team.instances.map((instance) => `${instance.kind} ${instance.name}`) }));
    const all = byTeam(reportOf(readyCluster()));
    expect(all.map(({ name, namespaces }) => [name, namespaces])).toEqual([
      ['team-a', ['team-a']],
      ['team-b', ['team-b']],
    ]);
    expect(all.map(({ instances }) => instances)).toEqual([
      ['Workspace team-a', 'WebApplication shop', 'Infrastructure shop-db', 'Topic orders'],
      ['Workspace team-b', 'WebApplication blog'],
    ]);
    expect(byTeam(reportOf(readyCluster(), 'team-a'))).toEqual(all.filter((team) => team.name === 'team-a'));
  });

  it('reads a suspended Flux object as suspended, not ready', () => {
    const state = readyCluster();
    const [first, ...rest] = state.kustomizations as { spec: Record<string, unknown> }[];
    state.kustomizations = [{ ...first, spec: { ...first.spec, suspend: true } }, ...rest];
    expect(reportOf(state).flux[0]).toMatchObject({ ready: false, state: 'Suspended' });
    state.kustomizations = [{ ...first, spec: { ...first.spec, suspend: false } }, ...rest];
    expect(reportOf(state).flux[0]).toMatchObject({ ready: true });
  });

  it('flags a team asked for by name that has no namespace', () => {
    const report = reportOf(readyCluster(), 'team-z');
    expect(exitCodeOf(report)).toBe(1);
    expect(report.teams).toEqual([
      {
        name: 'team-z',
        namespaces: [],
        ready: false,
        instances: [expect.objectContaining({ kind: 'Namespace', state: 'MISSING', message: 'no namespace is labelled mini-atlas.io/tenant=team-z' })],
      },
    ]);
  });

  it('colours the READY column and the summary only when asked', () => {
    const table = renderTable(reportOf(readyCluster()), { color: true });
    expect(table).toContain('\x1b[32myes  \x1b[0m');
    expect(table.trimEnd().split('\n').pop()).toBe('\x1b[32mall 15 ready\x1b[0m');
  });
});

describe('status arguments', () => {
  it('parses durations like 30s, 15m, 1h and 1m30s', () => {
    expect([parseDuration('30s'), parseDuration('15m'), parseDuration('1h'), parseDuration('1m30s'), parseDuration('500ms')]).toEqual([30_000, 900_000, 3_600_000, 90_000, 500]);
    for (const text of ['15', 'soon', 'x1s', '1sx', '1m30']) expect(() => parseDuration(text)).toThrow(new UsageError(`"${text}" is not a duration; write it like 30s, 15m, 1h or 1m30s`));
    expect(() => parseDuration('0s')).toThrow(new UsageError('the duration "0s" must be longer than zero'));
  });

  it('writes a duration as the flags take it, in whole seconds rounded up', () => {
    expect([4_000, 900_000, 90_000, 3_661_000, 7_200_000, 1].map(formatDuration)).toEqual(['4s', '15m', '1m30s', '1h1m1s', '2h', '1s']);
    for (const ms of [1_000, 61_000, 3_599_000, 3_601_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    expect(parseStatusArgs(['--cluster', 'dev', '--context=kind-dev', '--team', 'team-a', '--wait', '15m', '--json', '--request-timeout=1s'])).toEqual({
      cluster: 'dev',
      context: 'kind-dev',
      team: 'team-a',
      watch: false,
      waitMs: 900_000,
      json: true,
      requestTimeoutMs: 1_000,
    });
  });

  it('documents the default it uses, and names the clusters --cluster knows', () => {
    const option = (flag: string) => STATUS_COMMAND.options.find((candidate) => candidate.flag === flag)!;
    expect(parseDuration(option('--request-timeout').default!)).toBe(parseStatusArgs([]).requestTimeoutMs);
    expect(option('--cluster').description).toContain(`(${CLUSTERS.map((cluster) => cluster.name).join(', ')})`);
    expect(CLUSTERS.length).toBeGreaterThan(1);
  });

  it('takes --watch, or --wait, alone', () => {
    expect(parseStatusArgs(['--watch'])).toMatchObject({ watch: true, waitMs: undefined });
    expect(parseStatusArgs(['--wait', '1m'])).toMatchObject({ watch: false, waitMs: 60_000 });
  });

  it.each([
    [['--frobnicate'], /^unknown argument "--frobnicate"; usage: mini-atlas status /],
    [['extra'], /^unexpected argument "extra"; usage: mini-atlas status /],
    [['--cluster', 'nowhere'], /^unknown cluster "nowhere"; one of: dev, prd$/],
    [['--team'], /^--team needs a value; usage: mini-atlas status /],
    [['--watch', '--wait', '1m'], /^--watch and --wait exclude each other: --watch never stops, --wait stops once all is ready$/],
    [['--watch', '--json'], /^--watch redraws a table; for JSON, run without --watch \(as often as you like\)$/],
  ])('rejects %j, saying why', (args, message) => {
    expect(() => parseStatusArgs(args)).toThrow(UsageError);
    expect(() => parseStatusArgs(args)).toThrow(message);
  });
});

describe('mini-atlas status against real sockets', () => {
  const servers: TestServer[] = [];
  const kubeconfigs: string[] = [];

  beforeAll(async () => {
    // Loads the command and @kubernetes/client-node once (the first time on a machine,
    // test/client-node.js bundles it: seconds on a busy 2-core machine): wait for it generously.
    await runStatusCli(['--help'], {});
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    for (const file of kubeconfigs) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  async function serve(server: Promise<TestServer>): Promise<TestServer> {
    servers.push(await server);
    return servers[servers.length - 1];
  }

  /** Registers a written kubeconfig for removal after the tests. */
  function kubeconfigFile(file: string): string {
    kubeconfigs.push(file);
    return file;
  }

  function kubeconfig(contexts: Record<string, string>, user?: Record<string, string>): string {
    return kubeconfigFile(writeKubeconfig(contexts, user));
  }

  it('exits 0 and prints the table when the fake cluster is all ready', async () => {
    const server = await serve(startFakeApiServer(readyCluster()));
    const result = await runStatusCli([], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Cluster ${server.url} (context kind-dev)`);
    expect(result.stdout.trimEnd().split('\n').pop()).toBe('all 15 ready');
  });

  it('exits 1 with the failing HelmRelease in JSON', async () => {
    const server = await serve(startFakeApiServer(withFailingHelmRelease(readyCluster())));
    const result = await runStatusCli(['--json', '--team', 'team-a'], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout) as StatusReport;
    expect(json.flux.find((row) => !row.ready)?.message).toBe('Helm install failed for release kyverno/kyverno with chart kyverno@3.9.0: context deadline exceeded');
    expect(json.teams.map((team) => [team.name, team.ready, team.instances.length])).toEqual([['team-a', true, 4]]);
  });

  it('reports what it reads through the API as the same objects recorded: all ready, a failing release, an abstraction not served yet', async () => {
    const notServed = readyCluster();
    notServed.kroDiscovery = { resources: notServed.kroDiscovery!.resources.filter((resource) => !resource.name.startsWith('virtualclusters')) };
    // Without a namespace API (which no real cluster lacks), there are no namespaces, not an error.
    const noNamespaces = { ...readyCluster(), missingApis: ['/api/v1'] };
    const cases: [ClusterState, string | undefined, ClusterState][] = [
      [readyCluster(), undefined, readyCluster()],
      [withFailingHelmRelease(readyCluster()), 'team-b', withFailingHelmRelease(readyCluster())],
      [notServed, undefined, notServed],
      [noNamespaces, undefined, { ...noNamespaces, namespaces: [] }],
    ];
    for (const [state, team, recordedState] of cases) {
      const server = await serve(startFakeApiServer(state));
      const result = await runStatusCli(['--json', ...(team ? ['--team', team] : [])], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
      const recorded = evaluate(buildSnapshot(server.url, 'kind-dev', rawObjects(recordedState), team));
      expect(result).toMatchObject({ code: exitCodeOf(recorded), stdout: renderJson(recorded), stderr: '' });
    }
  });

  it('names the request the API server refused', async () => {
    const server = await serve(startFakeApiServer({ ...readyCluster(), refused: { '/api/v1/namespaces': { code: 403, message: 'namespaces is forbidden' } } }));
    expect(await runStatusCli([], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) })).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `mini-atlas status: the API server ${server.url} does not allow context "kind-dev" to read /api/v1/namespaces (403 Forbidden): namespaces is forbidden\n`,
    });
  });

  it("asks only for the namespaces of the team it is given, by the tenant label", async () => {
    const requests: string[] = [];
    const server = await serve(startFakeApiServer({ ...readyCluster(), onRequest: (request) => requests.push(request) }));
    const env = { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) };
    await runStatusCli(['--team', 'team-a'], env);
    await runStatusCli([], env);
    expect(requests.filter((request) => request.startsWith('/api/v1/namespaces')).map(decodeURIComponent)).toEqual([
      '/api/v1/namespaces?labelSelector=mini-atlas.io/tenant=team-a',
      '/api/v1/namespaces?labelSelector=mini-atlas.io/tenant',
    ]);
  });

  it('says Flux is not installed yet while its APIs are not served, exit 2, and --wait waits for it', async () => {
    for (const api of ['/apis/kustomize.toolkit.fluxcd.io/v1', '/apis/helm.toolkit.fluxcd.io/v2']) {
      const server = await serve(startFakeApiServer({ ...readyCluster(), missingApis: [api] }));
      const env = { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) };
      const notInstalled = `Flux is not installed yet: the API ${api.slice('/apis/'.length)} is not served by ${server.url}`;
      expect(await runStatusCli([], env)).toMatchObject({ code: 2, stdout: '', stderr: `mini-atlas status: ${notInstalled}\n` });
      const waited = await runStatusCli(['--wait', '3s'], env);
      expect(waited).toMatchObject({ code: 1, stdout: '' });
      expect(waited.stderr.split('\n')).toEqual([expect.stringMatching(/^\[[1-3]s left\] /), `mini-atlas status: not ready after 3s: ${notInstalled}`, '']);
      expect(waited.stderr).toContain(` left] ${notInstalled}\n`);
    }
  }, 30_000);

  it('picks the kind-<cluster> context for --cluster over the current one', async () => {
    const server = await serve(startFakeApiServer(readyCluster()));
    const port = await closedPort();
    const result = await runStatusCli(['--cluster', 'dev'], { KUBECONFIG: kubeconfig({ elsewhere: `http://127.0.0.1:${port}`, 'kind-dev': server.url }) });
    expect(result.code).toBe(0);
  });

  it('names the server when the connection is refused, exit 2', async () => {
    const port = await closedPort();
    const result = await runStatusCli([], { KUBECONFIG: kubeconfig({ 'kind-dev': `http://127.0.0.1:${port}` }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`mini-atlas status: cannot reach the API server http://127.0.0.1:${port} of context "kind-dev": the connection was refused (is the cluster running?)\n`);
  });

  it('gives up on a server that accepts and never answers within the request timeout, exit 2', async () => {
    const server = await serve(startSilentServer());
    const result = await runStatusCli(['--request-timeout', '1s'], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`mini-atlas status: the API server ${server.url} did not answer within 1s\n`);
    // It gave up by itself: runStatusCli calls a run still going after 20 s hung. The margin is
    // wide on purpose; how fast a loaded machine runs is not what this test is about.
    expect(result.ms).toBeLessThan(15_000);
  });

  it('--watch draws the table and a footer, again every 5 s, until Ctrl-C, then exits 0', async () => {
    const server = await serve(startFakeApiServer(readyCluster()));
    const running = startCli('status', ['--watch'], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
    const first = await running.waitFor('stdout', /Ctrl-C to stop\n$/);
    // Not a terminal: each screen follows the last after an empty line, without clearing it.
    expect(first).toMatch(new RegExp(`^\\nCluster ${server.url} \\(context kind-dev\\)\\n[\\s\\S]*\\nall 15 ready\\n\\nrefreshed [^,]+, every 5s; Ctrl-C to stop\\n$`));
    const result = await running.interrupt();
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });

  it('--watch shows a cluster it cannot reach yet and keeps going, and ends at credentials it refuses, exit 2', async () => {
    const port = await closedPort();
    const unreachable = startCli('status', ['--watch'], { KUBECONFIG: kubeconfig({ 'kind-dev': `http://127.0.0.1:${port}` }) });
    expect(await unreachable.waitFor('stdout', /Ctrl-C to stop\n$/)).toMatch(
      new RegExp(`^\\nmini-atlas status: cannot reach the API server http://127\\.0\\.0\\.1:${port} of context "kind-dev": the connection was refused \\(is the cluster running\\?\\)\\n\\nrefreshed `),
    );
    expect((await unreachable.interrupt()).code).toBe(0);
    const server = await serve(startStatusServer(401, 'Unauthorized'));
    const refused = await runStatusCli(['--watch'], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
    expect(refused).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('rejected the credentials of context "kind-dev" (401 Unauthorized)') });
  });

  it('says the credentials were rejected on 401, exit 2', async () => {
    const server = await serve(startStatusServer(401, 'Unauthorized'));
    const result = await runStatusCli([], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`mini-atlas status: the API server ${server.url} rejected the credentials of context "kind-dev" (401 Unauthorized): they are missing, invalid or expired\n`);
  });

  it('says kro is not installed when kro.run/v1alpha1 answers 404, exit 2', async () => {
    const server = await serve(startFakeApiServer({ ...readyCluster(), kroDiscovery: undefined }));
    const result = await runStatusCli([], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`mini-atlas status: kro is not installed yet: the API kro.run/v1alpha1 is not served by ${server.url}\n`);
  });

  it('waits with progress on stderr and exits 1 when the time runs out', async () => {
    const server = await serve(startFakeApiServer(withFailingHelmRelease(readyCluster())));
    const result = await runStatusCli(['--wait', '1s'], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('14/15 ready; not ready: HelmRelease flux-system/kyverno');
    expect(result.stderr).toContain('mini-atlas status: not ready after 1s');
    expect(result.stdout).toContain('InstallFailed');
  });

  it('--wait on a ready cluster prints the table at once, exit 0, nothing on stderr', async () => {
    const server = await serve(startFakeApiServer(readyCluster()));
    const result = await runStatusCli(['--wait', '3s'], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/\nall 15 ready\n$/);
  });

  it('--wait ends at once at credentials it refuses, exit 2: waiting would not cure them', async () => {
    const server = await serve(startStatusServer(401, 'Unauthorized'));
    const result = await runStatusCli(['--wait', '1m'], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `mini-atlas status: the API server ${server.url} rejected the credentials of context "kind-dev" (401 Unauthorized): they are missing, invalid or expired\n`,
    });
  });

  it('--wait says what is not ready once, and again only when it changes', async () => {
    const server = await serve(startFakeApiServer(withFailingHelmRelease(readyCluster())));
    // Two checks 5 s apart find the same HelmRelease failing: one line of progress.
    const result = await runStatusCli(['--wait', '6s'], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([expect.stringMatching(/^\[[56]s left\] 14\/15 ready; not ready: HelmRelease flux-system\/kyverno$/), 'mini-atlas status: not ready after 6s', '']);
  }, 30_000);

  it('colours the table only when its output is a terminal and NO_COLOR is unset', async () => {
    const server = await serve(startFakeApiServer(readyCluster()));
    const env = { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }), NO_COLOR: undefined };
    const plain = await runStatusCli([], { ...env, NO_COLOR: '1' });
    const coloured = await runCli('status', [], env, true);
    expect(coloured.stdout).toContain('\x1b[1mFlux\x1b[0m');
    expect(coloured.stdout.replace(/\x1b\[\d+m/g, '')).toBe(plain.stdout);
    for (const [run, terminal] of [[{ ...env, NO_COLOR: '1' }, true], [env, false]] as const) {
      const result = await runCli('status', [], run, terminal);
      expect(result).toMatchObject({ code: 0, stdout: plain.stdout });
    }
  });

  it('--watch on a terminal clears the screen for each table', async () => {
    const server = await serve(startFakeApiServer(readyCluster()));
    const running = startCli('status', ['--watch'], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) }, true);
    const first = await running.waitFor('stdout', /Ctrl-C to stop\n$/);
    expect(first).toMatch(new RegExp(`^\\x1b\\[H\\x1b\\[2JCluster ${server.url} \\(context kind-dev\\)\\n`));
    expect((await running.interrupt()).code).toBe(0);
  });

  it("merges the files in KUBECONFIG: the first one's current context, --context from any of them", async () => {
    const server = await serve(startFakeApiServer(readyCluster()));
    const port = await closedPort();
    const first = kubeconfig({ 'kind-dev': server.url });
    const second = kubeconfig({ 'kind-prd': `http://127.0.0.1:${port}` });
    const current = await runStatusCli([], { KUBECONFIG: [first, second].join(path.delimiter) });
    expect(current.code).toBe(0);
    expect(current.stdout).toContain(`Cluster ${server.url} (context kind-dev)`);
    const chosen = await runStatusCli(['--context', 'kind-prd'], { KUBECONFIG: [first, second].join(path.delimiter) });
    expect(chosen.code).toBe(2);
    expect(chosen.stderr).toContain(`cannot reach the API server http://127.0.0.1:${port} of context "kind-prd"`);
  });

  it("sends the kubeconfig user's token: a wrong one is rejected, exit 2", async () => {
    const server = await serve(startFakeApiServer(readyCluster()));
    const result = await runStatusCli([], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }, { token: 'expired' }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`mini-atlas status: the API server ${server.url} rejected the credentials of context "kind-dev" (401 Unauthorized): they are missing, invalid or expired\n`);
  });

  it("quotes the API server's reason on 403, exit 2", async () => {
    const server = await serve(startStatusServer(403, 'kustomizations.kustomize.toolkit.fluxcd.io is forbidden'));
    const result = await runStatusCli([], { KUBECONFIG: kubeconfig({ 'kind-dev': server.url }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `mini-atlas status: the API server ${server.url} does not allow context "kind-dev" to read /apis/kustomize.toolkit.fluxcd.io/v1/kustomizations (403 Forbidden): kustomizations.kustomize.toolkit.fluxcd.io is forbidden\n`,
    );
  });

  it('says why a plain-HTTP server without insecure-skip-tls-verify is refused, exit 2', async () => {
    const result = await runStatusCli([], { KUBECONFIG: kubeconfigFile(writeKubeconfig({ 'kind-dev': 'http://127.0.0.1:1' }, undefined, 'as-is')) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'mini-atlas status: the context "kind-dev" points at the plain-HTTP server http://127.0.0.1:1, which @kubernetes/client-node only accepts with insecure-skip-tls-verify: true\n',
    );
  });

  it('merges like kubectl: a missing file is skipped, and of a name defined twice the first definition wins', async () => {
    const server = await serve(startFakeApiServer(readyCluster()));
    const port = await closedPort();
    const file = kubeconfig({ 'kind-dev': server.url });
    const missing = path.join(os.tmpdir(), 'mini-atlas-no-such-kubeconfig');
    const gap = await runStatusCli([], { KUBECONFIG: [file, missing].join(path.delimiter) });
    expect(gap.code).toBe(0);
    // The second file defines the same cluster, user and context names, pointing elsewhere with another token.
    const twice = await runStatusCli([], { KUBECONFIG: [file, kubeconfig({ 'kind-dev': `http://127.0.0.1:${port}` }, { token: 'expired' })].join(path.delimiter) });
    expect(twice.stderr).toBe('');
    expect(twice.stdout).toContain(`Cluster ${server.url} (context kind-dev)`);
    expect(twice.code).toBe(0);
    const reversed = await runStatusCli([], { KUBECONFIG: [kubeconfig({ 'kind-dev': `http://127.0.0.1:${port}` }), file].join(path.delimiter) });
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain(`cannot reach the API server http://127.0.0.1:${port} of context "kind-dev"`);
  });

  it('exits 1 when --wait runs out while the cluster stays unreachable, saying why', async () => {
    const port = await closedPort();
    const result = await runStatusCli(['--wait', '1s'], { KUBECONFIG: kubeconfig({ 'kind-dev': `http://127.0.0.1:${port}` }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`mini-atlas status: not ready after 1s: cannot reach the API server http://127\\.0\\.0\\.1:${port} of context "kind-dev": .*\\n$`));
  });

  it('exits 2 without a kubeconfig, and for an unknown context', async () => {
    const missing = path.join(os.tmpdir(), 'mini-atlas-no-such-kubeconfig');
    const none = await runStatusCli([], { KUBECONFIG: missing });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(`mini-atlas status: no kubeconfig found at ${missing}; create a cluster (cluster/bootstrap.sh) or set KUBECONFIG\n`);
    const unknown = await runStatusCli(['--context', 'kind-prd'], { KUBECONFIG: kubeconfig({ 'kind-dev': 'http://127.0.0.1:1' }) });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^mini-atlas status: the context "kind-prd" is not in the kubeconfig \(.*\); known contexts: kind-dev\n$/);
  });

  it('rejects an unknown flag with exit 2', async () => {
    const result = await runStatusCli(['--frobnicate'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^mini-atlas: unknown argument "--frobnicate"; usage: mini-atlas status/);
  });
});
