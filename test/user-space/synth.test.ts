import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ABSTRACTIONS } from '../../abstractions';
import { LAYERS } from '../../charts/layers';
import { CHARTS, supplyChainExceptions } from '../../config/versions';
import { formatProblem } from '../../src/user-space';
import { cacheFile } from '../../src/synth/cache';
import { PRUNED_LISTED, removalLines, SYNTH_CACHE_DIR, synthesize } from '../../src/synth/command';
import { OWNER_MARKER, OWNER_MARKER_TEXT } from '../../src/synth/dist-folder';
import { Spool } from '../../src/synth/spool';
import { tempDir } from '../helpers';
import { CliResult, makeTempDir, removeFixtures, ROOT, runCli, runInProcess, UserSpaceFixture, webApplication, workspace, writeTeams } from './helpers';

/** A Kubernetes object as read back from the out folder. */
interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** The example teams: team-x with a web app (overridden on prd) and a database, team-y with a topic. */
const TEAMS = {
  'team-x/workspace.yaml': workspace('team-x'),
  // No metadata.namespace: synth sets the team's.
  'team-x/web.yaml': 'apiVersion: kro.run/v1alpha1\nkind: WebApplication\nmetadata:\n  name: team-x-web\nspec:\n  image: ghcr.io/acme/web\n  tag: "1.2.3"\n  host: web.dev.example.com\n',
  'team-x/db.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Infrastructure\nmetadata: {name: team-x-db, namespace: team-x}\nspec: {database: shop}\n',
  'team-x/clusters/prd/web.yaml': 'apiVersion: kro.run/v1alpha1\nkind: WebApplication\nmetadata: {name: team-x-web}\nspec: {replicas: 3, host: web.example.com}\n',
  'team-y/workspace.yaml': workspace('team-y'),
  'team-y/topic.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Topic\nmetadata: {name: team-y-orders}\nspec: {}\n',
};

/** The example teams and an out folder synthesized from them, for a test to change as it likes. */
async function synthesized(): Promise<{ fixture: UserSpaceFixture; out: string; synth: () => Promise<CliResult>; first: CliResult }> {
  const fixture = writeTeams(TEAMS);
  const out = makeTempDir();
  const synth = () => runInProcess('synth', '--user-space', fixture.rel, '--out', out);
  return { fixture, out, synth, first: await synth() };
}

// The tests that only read share one synth.
let fixture: UserSpaceFixture;
let out: string;
let first: CliResult;

beforeAll(async () => {
  ({ fixture, out, first } = await synthesized());
});

afterAll(removeFixtures);

/** The objects of `file` of an out folder (the shared one unless `folder` is given). */
function read(file: string, folder = out): KubeObject[] {
  return parseAllDocuments(fs.readFileSync(path.join(ROOT, folder, file), 'utf8')).map((document) => document.toJS() as KubeObject);
}

/** The one object of `kind` (named `name`, where given) in `file`. */
function one(file: string, kind: string, name?: string): KubeObject {
  const objects = read(file).filter((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
  expect(objects).toHaveLength(1);
  return objects[0];
}

/** Every file under `dir` (relative to the repository root), by path, with its SHA-256. */
function treeHashes(dir: string): Map<string, string> {
  const hashes = new Map<string, string>();
  const absolute = path.join(ROOT, dir);
  for (const file of fs.readdirSync(absolute, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(absolute, file);
    if (fs.statSync(full).isFile()) hashes.set(file, createHash('sha256').update(fs.readFileSync(full)).digest('hex'));
  }
  return hashes;
}

/** Every object in the out folder, nested ones (kro templates) included. */
function allObjects(): KubeObject[] {
  const found: KubeObject[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      if (typeof (value as { kind?: unknown }).kind === 'string') found.push(value as KubeObject);
      Object.values(value).forEach(walk);
    }
  };
  for (const file of treeHashes(out).keys()) if (file.endsWith('.yaml')) read(file).forEach(walk);
  return found;
}

describe('synth --user-space --out', () => {
  it('writes every team into the out folder', () => {
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    for (const cluster of ['dev', 'prd']) {
      for (const file of ['tenants/tenants.yaml', 'tenants/team-x/instances.yaml', 'workspaces/workspaces.yaml', 'tenants/team-y/instances.yaml']) {
        expect(fs.existsSync(path.join(ROOT, out, cluster, file))).toBe(true);
      }
      // The folder the team's Kustomization applies holds nothing but the team's instances.
      expect(fs.readdirSync(path.join(ROOT, out, cluster, 'tenants', 'team-x'))).toEqual(['instances.yaml']);
    }
    expect(one('dev/workspaces/workspaces.yaml', 'Workspace', 'team-x')).toEqual({
      apiVersion: 'kro.run/v1alpha1',
      kind: 'Workspace',
      metadata: { name: 'team-x', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } },
      spec: { name: 'team-x', owners: ['@acme/team-x'] },
    });
  });

  it("forces the team's namespace and applies overrides per cluster", () => {
    const web = (cluster: string) => one(`${cluster}/tenants/team-x/instances.yaml`, 'WebApplication');
    expect(web('dev').metadata).toEqual({ name: 'team-x-web', namespace: 'team-x' });
    expect(web('dev').spec).toEqual({ image: 'ghcr.io/acme/web', tag: '1.2.3', host: 'web.dev.example.com' });
    expect(web('prd').spec).toEqual({ image: 'ghcr.io/acme/web', tag: '1.2.3', host: 'web.example.com', replicas: 3 });
  });

  it("never lets Flux prune a Workspace, whose namespace holds the team's databases", () => {
    for (const team of ['team-x', 'team-y']) expect(one('prd/workspaces/workspaces.yaml', 'Workspace', team).metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(one('dev/tenants/team-x/instances.yaml', 'WebApplication').metadata.annotations).toBeUndefined();
  });

  it("waits in each team's Kustomization for the kinds of that team's own instances", () => {
    const kindsOf = (team: string) => (one('dev/tenants/tenants.yaml', 'Kustomization', `tenant-${team}`).spec as { healthCheckExprs: { kind: string }[] }).healthCheckExprs.map(({ kind }) => kind);
    expect(kindsOf('team-x')).toEqual(['Infrastructure', 'WebApplication']);
    expect(kindsOf('team-y')).toEqual(['Topic']);
  });

  it('never lets Flux prune an Infrastructure', () => {
    expect(one('dev/tenants/team-x/instances.yaml', 'Infrastructure').metadata).toEqual({
      name: 'team-x-db',
      namespace: 'team-x',
      annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
    });
  });

  it("applies the team's instances as the team, into its namespace, waiting for no other team", () => {
    const kustomization = one('dev/tenants/tenants.yaml', 'Kustomization', 'tenant-team-x');
    expect(kustomization.metadata).toMatchObject({ name: 'tenant-team-x', namespace: 'flux-system' });
    expect(kustomization.spec).toMatchObject({
      path: './dist/dev/tenants/team-x',
      serviceAccountName: 'tenant-team-x',
      targetNamespace: 'team-x',
    });
    expect(kustomization.spec).not.toHaveProperty('dependsOn');
  });

  it('grants the tenants nothing cluster-wide', () => {
    const objects = allObjects();
    expect(objects.filter((object) => object.kind === 'ClusterRoleBinding')).toEqual([]);

    // The one binding of a tenant's ServiceAccount comes with the team's namespace, from its
    // Workspace (which the platform applies and kro expands), bound in that namespace only.
    const bindsTenant = (object: KubeObject) => /Binding$/.test(object.kind) && JSON.stringify(object.subjects ?? []).includes('"tenant-');
    const workspaceGraph = one('dev/abstractions/resourcegraphdefinition-workspaces.yaml', 'ResourceGraphDefinition');
    const { resources } = workspaceGraph.spec as { resources: { template: KubeObject }[] };
    const bindings = resources.map((resource) => resource.template).filter(bindsTenant);
    // One per cluster, the Workspace graph's, and no other.
    expect(objects.filter(bindsTenant)).toEqual([...bindings, ...bindings]);
    expect(bindings).toEqual([{
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'flux-tenant', namespace: '${tenantNamespace.metadata.name}' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'mini-atlas-tenant' },
      subjects: [{ kind: 'ServiceAccount', name: 'tenant-${schema.metadata.name}', namespace: 'flux-system' }],
    }]);

    const role = one('dev/tenants/clusterrole-mini-atlas-tenant.yaml', 'ClusterRole');
    const namespaced = ABSTRACTIONS.filter((abstraction) => abstraction.scope === 'Namespaced').map((abstraction) => abstraction.plural);
    const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    expect(role.rules).toEqual([{ apiGroups: ['kro.run'], resources: namespaced, verbs }, { apiGroups: [''], resources: ['secrets'], verbs }]);
    expect(namespaced).not.toContain('workspaces');
    expect(JSON.stringify(role)).not.toContain('*');
  });

  it('refuses invalid input with exit 1, every problem and no stack trace, and leaves the out folder byte for byte', async () => {
    const { fixture, out, synth } = await synthesized();
    const before = treeHashes(out);
    expect(before.size).toBeGreaterThan(50);
    fixture.write({
      'team-x/broken.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Topic\nmetadata: {name: team-x-orders\n',
      'team-y/web.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: team-y-web}\n',
    });
    const problems = fixture.load().problems.map(formatProblem);
    expect(problems.map((line) => line.slice(0, line.indexOf(': error: ')))).toEqual([`${fixture.rel}/team-x/broken.yaml:4:1`, `${fixture.rel}/team-y/web.yaml:2:7`]);
    const refused = await synth();

    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`${problems.join('\n')}\nsynth: refused (2 errors, 0 warnings); ${out}/ was not changed\n`);
    expect(refused.stderr).not.toMatch(/^\s+at /m);
    expect(treeHashes(out)).toEqual(before);
    expect(fs.readdirSync(ROOT).filter((entry) => entry.startsWith(`${out}.`))).toEqual([]);
  });

  it('lists the objects a change removes', async () => {
    const { fixture, out, synth } = await synthesized();
    fixture.remove('team-x/web.yaml');
    fixture.remove('team-x/clusters/prd/web.yaml');
    const result = await synth();
    expect(result.status).toBe(0);
    expect(removalSection(result.stdout)).toEqual([
      'this change removes 2 objects from the clusters:',
      '  pruned by Flux (2 objects):',
      '  - dev: WebApplication team-x/team-x-web',
      '  - prd: WebApplication team-x/team-x-web',
    ]);
    expect(read('dev/tenants/team-x/instances.yaml', out).map((object) => object.kind)).toEqual(['Infrastructure']);
  });

  it("lists every kept object of a removed team, however many objects go, and counts the pruned ones by kind", async () => {
    const { fixture, out, synth } = await synthesized();
    const topics = Array.from({ length: 12 }, (_, index) => `apiVersion: kro.run/v1alpha1\nkind: Topic\nmetadata: {name: team-y-t${index}}\nspec: {}\n`);
    fixture.write({ 'team-y/topics.yaml': topics.join('---\n') });
    expect((await synth()).status).toBe(0);
    fixture.remove('team-y');
    const result = await synth();
    expect(result.status).toBe(0);
    expect(removalSection(result.stdout)).toEqual([
      'this change removes 34 objects from the clusters:',
      '  kept: Flux never prunes them; delete each by hand once their data may go (2 objects):',
      '  - dev: Workspace team-y',
      '  - prd: Workspace team-y',
      '  pruned by Flux (32 objects):',
      '  - dev: 1 ConfigMap, 1 Kustomization, 1 ServiceAccount, 13 Topic',
      '  - prd: 1 ConfigMap, 1 Kustomization, 1 ServiceAccount, 13 Topic',
    ]);
    expect(fs.existsSync(path.join(ROOT, out, 'dev/tenants/team-y'))).toBe(false);
  });
});

describe("synth's summary", () => {
  /** A row of the summary's table: the widest layer name (helm-repositories) sets the first column's width, six characters each cluster's. */
  const row = (name: string, values: readonly (string | number)[]) => `${name.padEnd('helm-repositories'.length)}  ${values.map((value) => String(value).padStart(6)).join('  ')}`;

  it('counts objects per cluster and layer, and says how long it took, how the teams were rendered, what changed and which supply-chain checks are gone without', async () => {
    const { counts } = synthesize({ userSpaceDir: path.join(ROOT, fixture.rel), out: path.join(ROOT, makeTempDir()) });
    const clusters = [...counts.keys()];
    const target = makeTempDir();
    const started = process.hrtime.bigint();
    const result = await runInProcess('synth', '--user-space', fixture.rel, '--out', target);
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const seconds = Number(/^synth: .* in (\d+\.\d\d) s$/m.exec(result.stdout)?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(wall + 0.005);
    const exceptions = supplyChainExceptions(CHARTS);
    expect(exceptions.length).toBeGreaterThan(0);
    expect(result).toEqual({
      status: 0,
      stderr: '',
      stdout: [
        row('layer', clusters),
        ...LAYERS.map(({ name }) => row(name, clusters.map((cluster) => counts.get(cluster)!.get(name)!))),
        row('objects', clusters.map((cluster) => [...counts.get(cluster)!.values()].reduce((sum, count) => sum + count))),
        '',
        `synth: 2 clusters, 10 layers, 2 teams in ${seconds.toFixed(2)} s`,
        'teams: every one rendered (cache: not used)',
        `${target}/: ${treeHashes(target).size} files added, 0 changed, 0 removed`,
        ...exceptions.map(({ name, chart, check, reason }) => `supply chain: the ${chart.chart} chart ${chart.version} ${check === 'digest' ? 'is pulled by its tag, not by a digest' : 'is used without a signature check'} (CHARTS.${name}.exceptions.${check}): ${reason}`),
        '',
      ].join('\n'),
    });
    // Every layer has objects on every cluster but the tenants' and workspaces' of a cluster without teams: the table is no row of zeros.
    for (const cluster of clusters) expect([...counts.get(cluster)!.values()].every((count) => count > 0)).toBe(true);
  });

  it('says "1 team"; the one team owns its own folders only, not the files made for it that the platform would hold beside other teams\'', async () => {
    const one = writeTeams({ 'team-z/workspace.yaml': workspace('team-z'), 'team-z/topic.yaml': TEAMS['team-y/topic.yaml'].replace('team-y', 'team-z') });
    expect((await runInProcess('synth', '--user-space', one.rel, '--out', makeTempDir())).stdout).toMatch(/^synth: 2 clusters, 10 layers, 1 team in \d+\.\d\d s$/m);
    const { codeOwners } = synthesize({ userSpaceDir: one.dir, out: path.join(ROOT, makeTempDir()) });
    expect(codeOwners?.split('\n').filter((line) => line.includes('@acme/team-z'))).toEqual([`/${one.rel}/team-z/ @acme/team-z`, '/dist/dev/tenants/team-z/ @acme/team-z', '/dist/prd/tenants/team-z/ @acme/team-z']);
  });

  const object = (cluster: string, kind: string, name: string, kept = false) => ({ id: `${cluster}: ${kind} ${name}`, cluster, kind, kept });

  it('names one kept object as one, and lists every pruned one up to PRUNED_LISTED', () => {
    const pruned = Array.from({ length: PRUNED_LISTED }, (_, index) => object(index % 2 ? 'prd' : 'dev', 'Topic', `team-y/t${index}`));
    expect(removalLines([object('prd', 'Infrastructure', 'team-x/db', true), ...pruned])).toEqual([
      `this change removes ${PRUNED_LISTED + 1} objects from the clusters:`,
      '  kept: Flux never prunes it; delete it by hand once its data may go (1 object):',
      '  - prd: Infrastructure team-x/db',
      `  pruned by Flux (${PRUNED_LISTED} objects):`,
      ...pruned.map(({ id }) => `  - ${id}`),
    ]);
  });

  it('counts pruned objects by cluster and kind beyond PRUNED_LISTED, and names one pruned object as one', () => {
    const pruned = Array.from({ length: PRUNED_LISTED + 1 }, (_, index) => object(index % 3 ? 'dev' : 'prd', index % 2 ? 'Topic' : 'ConfigMap', `team-y/o${index}`));
    const byClusterAndKind = (cluster: string, kind: string) => pruned.filter((candidate) => candidate.cluster === cluster && candidate.kind === kind).length;
    expect(removalLines(pruned).slice(1)).toEqual([
      `  pruned by Flux (${PRUNED_LISTED + 1} objects):`,
      `  - prd: ${byClusterAndKind('prd', 'ConfigMap')} ConfigMap, ${byClusterAndKind('prd', 'Topic')} Topic`,
      `  - dev: ${byClusterAndKind('dev', 'Topic')} Topic, ${byClusterAndKind('dev', 'ConfigMap')} ConfigMap`,
    ]);
    expect(removalLines([object('dev', 'Topic', 'team-y/t')])).toEqual(['this change removes 1 object from the clusters:', '  pruned by Flux (1 object):', '  - dev: Topic team-y/t']);
    expect(removalLines([object('dev', 'Workspace', 'team-y', true), object('prd', 'Workspace', 'team-y', true)])).toEqual([
      'this change removes 2 objects from the clusters:',
      '  kept: Flux never prunes them; delete each by hand once their data may go (2 objects):',
      '  - dev: Workspace team-y',
      '  - prd: Workspace team-y',
    ]);
    expect(removalLines([])).toEqual([]);
  });
});

describe('synth, before any team', () => {
  it('does not read a team folder whose name cannot be a namespace, and refuses', async () => {
    const misnamed = writeTeams({ 'team-ok/workspace.yaml': workspace('team-ok'), 'Team_Z/web.yaml': 'not: [valid' });
    const result = await runInProcess('synth', '--user-space', misnamed.rel, '--out', makeTempDir());
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n').filter((line) => line.includes(': error: '))).toEqual([expect.stringMatching(new RegExp(`^${misnamed.rel}/Team_Z:`))]);
  });

  it('removes its spool of rendered parts, also when it stops with an error', () => {
    const close = jest.spyOn(Spool.prototype, 'close');
    try {
      expect(() => synthesize({ userSpaceDir: fixture.dir, out: fixture.dir })).toThrow(/holds files synth did not write/);
      expect(close).toHaveBeenCalledTimes(1);
    } finally {
      close.mockRestore();
    }
  });

  it("names the team folders in CODEOWNERS where they are, relative to the repository", () => {
    const nested = path.join(makeTempDir(), 'teams');
    fs.cpSync(fixture.dir, path.join(ROOT, nested), { recursive: true });
    const { codeOwners } = synthesize({ userSpaceDir: path.join(ROOT, nested), out: path.join(ROOT, makeTempDir()) });
    expect(codeOwners).toContain(`\n/${nested}/team-x/ @acme/team-x\n`);
  });

  it('says which files a change to one team changes', async () => {
    const { fixture, out, synth } = await synthesized();
    fixture.write({ 'team-y/topic.yaml': TEAMS['team-y/topic.yaml'].replace('spec: {}', 'spec: {partitions: 6}') });
    expect((await synth()).stdout).toContain(`\n${out}/: 0 files added, 2 changed, 0 removed\n`);
  });
});

describe('synth from the bundle (npm run synth)', () => {
  it('takes the teams whose files did not change from the output, through its cache in .build/synth-cache/', () => {
    const teams = writeTeams(TEAMS);
    const target = makeTempDir();
    const synth = (...flags: string[]) => runCli('synth', '--user-space', teams.rel, '--out', target, ...flags);
    expect(synth().stdout).toContain('\nteams: every one rendered (cache: none yet)\n');
    expect(fs.existsSync(cacheFile(SYNTH_CACHE_DIR, path.join(ROOT, target)))).toBe(true);
    teams.write({ 'team-y/topic.yaml': TEAMS['team-y/topic.yaml'].replace('spec: {}', 'spec: {partitions: 6}') });
    const incremental = synth();
    expect(incremental.stdout).toContain('\nteams: 1 rendered, 1 unchanged (taken from the output as it is)\n');
    expect(incremental.stdout).toContain(`\n${target}/: 0 files added, 2 changed, 0 removed\n`);
    expect(synth('--full').stdout).toContain('\nteams: every one rendered (cache: not read (--full))\n');
  });
  it('renders the teams on worker threads (--threads) into the same files, and refuses the same problems', () => {
    const target = makeTempDir();
    const threaded = runCli('synth', '--user-space', fixture.rel, '--out', target, '--threads', '3');
    expect(threaded.stdout).toContain('\nteams: every one rendered (cache: none yet); 3 threads\n');
    expect(treeHashes(target)).toEqual(treeHashes(out));
    // Loading errors in two teams; then what the API server would refuse, in two teams.
    const loading = { 'team-x/db.yaml': 'kind: Infrastructure\n', 'team-y/topic.yaml': TEAMS['team-y/topic.yaml'].replace('spec: {}', 'spec: {colour: blue}') };
    const refusedByApi = { 'team-x/web.yaml': `${TEAMS['team-x/web.yaml']}  env: {A=B: "1"}\n`, 'team-y/web.yaml': webApplication('team-y', 'web', 'y.example.com', '  env: {C=D: "1"}') };
    for (const changes of [loading, refusedByApi]) {
      const broken = writeTeams({ ...TEAMS, ...changes });
      const refused = (threads: string) => runCli('synth', '--user-space', broken.rel, '--out', target, '--threads', threads);
      const one = refused('1');
      expect(one.status).toBe(1);
      expect(one.stderr.split('\n').filter((line) => line.includes(': error: ')).map((line) => line.split('/')[1])).toEqual(['team-x', 'team-y']);
      expect(refused('3')).toEqual(one);
    }
    expect(treeHashes(target)).toEqual(treeHashes(out));
  });

  it('exits, with the error, when it fails after starting its worker threads, before they render', () => {
    const target = makeTempDir();
    fs.writeFileSync(path.join(ROOT, target, OWNER_MARKER), OWNER_MARKER_TEXT);
    // A file of the output that cannot be read: reading it fails after the worker threads were started (test/synth/threads.test.ts checks they are told to stop).
    fs.symlinkSync(path.join(ROOT, target, 'gone'), path.join(ROOT, target, 'dangling.yaml'));
    const failed = runCli('synth', '--user-space', fixture.rel, '--out', target, '--threads', '2');
    expect(failed.status).toBe(2);
    expect(failed.stderr).toMatch(/^mini-atlas: internal error: ENOENT[^\n]*dangling\.yaml/);
  });

  it('takes a whole number of threads, 1 or more', async () => {
    const result = await runInProcess('synth', '--threads', '0');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^mini-atlas: --threads takes positive whole numbers, not "0"; usage: mini-atlas synth /);
  });
});

/** The summary's lines about removed objects. */
function removalSection(stdout: string): string[] {
  const lines = stdout.trimEnd().split('\n');
  return lines.slice(lines.findIndex((line) => line.startsWith('this change removes')));
}

describe('synth --out', () => {
  /** A folder of someone's own files, relative to the repository root. */
  let scratch: string;
  beforeAll(() => {
    scratch = makeTempDir();
    fs.writeFileSync(path.join(ROOT, scratch, 'notes.txt'), 'my notes\n');
  });

  it('refuses a folder holding files synth did not write, with exit 2 naming it, and touches nothing', async () => {
    const result = await runInProcess('synth', '--user-space', fixture.rel, '--out', scratch);
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: `mini-atlas: ${scratch}/ holds files synth did not write (it has no .mini-atlas-synth): synth replaces only its own output, an empty folder or a new one, so nothing was touched; choose another folder\n`,
    });
    expect(fs.readdirSync(path.join(ROOT, scratch))).toEqual(['notes.txt']);
  });

  it('refuses the user space itself, leaving every team file as it was', async () => {
    const before = treeHashes(fixture.rel);
    const result = await runInProcess('synth', '--user-space', fixture.rel, '--out', fixture.rel);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^mini-atlas: ${fixture.rel}/ holds files synth did not write`));
    expect(treeHashes(fixture.rel)).toEqual(before);
  });

  it('names an output folder outside the repository in full', async () => {
    const outside = path.join(tempDir('synth-out'), 'dist');
    const result = await runInProcess('synth', '--user-space', fixture.rel, '--out', outside);
    expect(result.stdout).toContain(`\n${outside}/: `);
  });

  it("names the repository's own parent folder in full, and leaves it alone", async () => {
    const parent = path.dirname(ROOT);
    const result = await runInProcess('synth', '--out', parent);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^mini-atlas: ${parent.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/ holds files synth did not write`));
  });

  it('refuses a file', async () => {
    const result = await runInProcess('synth', '--user-space', fixture.rel, '--out', `${scratch}/notes.txt`);
    expect(result.stderr).toBe(`mini-atlas: ${scratch}/notes.txt is a file, not a folder: synth writes a folder of YAML files; choose a folder\n`);
    expect(result.status).toBe(2);
    expect(fs.readFileSync(path.join(ROOT, scratch, 'notes.txt'), 'utf8')).toBe('my notes\n');
  });

  it('writes into an absent or empty folder and marks it as its own, then replaces its own output', async () => {
    const absent = path.join(scratch, 'new-dist');
    expect((await runInProcess('synth', '--user-space', fixture.rel, '--out', absent)).status).toBe(0);
    expect(fs.readFileSync(path.join(ROOT, absent, '.mini-atlas-synth'), 'utf8')).toContain('npm run synth');
    const again = await runInProcess('synth', '--user-space', fixture.rel, '--out', absent);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`${absent}/: up to date`);
  });

  it('marks the committed dist/ as its own', () => {
    expect(fs.existsSync(path.join(ROOT, 'dist', '.mini-atlas-synth'))).toBe(true);
  });
});
