import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { HelmReleasesChart } from '../../charts/helm-releases';
import { NamespacesChart } from '../../charts/namespaces';
import { findCluster } from '../../config/clusters';
import { RESERVED_NAMESPACES } from '../../config/namespaces';
import { PLATFORM } from '../../config/platform';
import { formatProblem, hasErrors } from '../../src/user-space';
import { githubAnnotation, type JsonReport } from '../../src/user-space/report';
import { KubeObject, tempDir, testApp } from '../helpers';
import { ReportedProblem, removeFixtures, runInProcess, TreeFiles, webApplication, workspace, writeTeams } from './helpers';

afterAll(removeFixtures);

/** The objects of a platform chart, as synth renders it for dev. */
function synthOf(chart: typeof NamespacesChart | typeof HelmReleasesChart): KubeObject[] {
  return Testing.synth(new chart(testApp(), 'chart', { cluster: findCluster('dev')! })) as KubeObject[];
}

/** team-x's Workspace, which every fixture below needs to be otherwise valid. */
const TEAM_X = { 'team-x/workspace.yaml': workspace('team-x') };

/** The problems of team-x's Workspace plus `files`. */
function problemsOf(files: TreeFiles): ReportedProblem[] {
  return writeTeams({ ...TEAM_X, ...files }).problems();
}

function error(at: string, message: string): ReportedProblem {
  return { at, severity: 'error', message };
}

/** A document of `kind` in the seed's flow style: metadata on line 3, spec on line 4. */
function flow(kind: string, metadata: string, spec: string): string {
  return `apiVersion: kro.run/v1alpha1\nkind: ${kind}\nmetadata: {${metadata}}\nspec: {${spec}}\n`;
}

describe('a valid team', () => {
  it('is accepted in flow and block style, every kind, with no problem', () => {
    const fixture = writeTeams({
      ...TEAM_X,
      'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  replicas: 2\n  env: {MODE: fast}'),
      'team-x/data.yaml': [
        flow('Infrastructure', 'name: team-x-db, namespace: team-x', 'name: team-x-db, namespace: team-x, database: shop_01, cache: false'),
        flow('Topic', 'name: team-x-orders', 'partitions: 64, retentionHours: 8760'),
        flow('VirtualCluster', 'name: team-x-sandbox', ''),
      ].join('---\n'),
    });
    const userSpace = fixture.load();
    expect(userSpace.problems).toEqual([]);
    const [team] = userSpace.teamsFor('dev');
    expect(team.workspace.metadata.name).toBe('team-x');
    expect(team.instances.map((instance) => `${instance.kind} ${instance.metadata.namespace}/${instance.metadata.name}`)).toEqual([
      'WebApplication team-x/team-x-web',
      'Infrastructure team-x/team-x-db',
      'Topic team-x/team-x-orders',
      'VirtualCluster team-x/team-x-sandbox',
    ]);
  });

  it('is one object per instance on every cluster that has no override for it, so it is rendered once', () => {
    const userSpace = writeTeams({ ...TEAM_X, 'team-x/topic.yaml': flow('Topic', 'name: team-x-orders', '') }).load();
    expect(userSpace.teamsFor('prd')[0].instances[0]).toBe(userSpace.teamsFor('dev')[0].instances[0]);
  });

  it('may have a one-letter name', () => {
    expect(writeTeams({ 'a/workspace.yaml': workspace('a'), 'a/topic.yaml': flow('Topic', 'name: a-orders', '') }).problems()).toEqual([]);
  });

  it('ignores empty documents, as a trailing `---` leaves them', () => {
    expect(problemsOf({ 'team-x/web.yaml': `---\n${webApplication('team-x', 'web', 'web.example.com')}---\n# end\n--- ~\n` })).toEqual([]);
  });
});

describe('rejected documents', () => {
  it('reports values of the wrong type where they are', () => {
    expect(problemsOf({ 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  replicas: three\n  env: {A: 1}') })).toEqual([
      error('team-x/web.yaml:10:13', 'WebApplication team-x-web: spec.replicas must be an integer, not "three"'),
      error('team-x/web.yaml:11:12', 'WebApplication team-x-web: spec.env.A must be a string, not 1'),
    ]);
    expect(problemsOf({ 'team-x/topic.yaml': flow('Topic', 'name: team-x-orders', 'partitions: 3.5') })).toEqual([
      error('team-x/topic.yaml:4:20', 'Topic team-x-orders: spec.partitions must be an integer, not 3.5'),
    ]);
  });

  it('reports missing required fields with what the field is for', () => {
    expect(problemsOf({ 'team-x/web.yaml': flow('WebApplication', 'name: team-x-web', 'image: nginx, tag: "1"') })).toEqual([
      error('team-x/web.yaml:4:7', 'WebApplication team-x-web: spec.host is required: Hostname the shared Gateway routes to the application, e.g. shop.example.com.'),
    ]);
    expect(problemsOf({ 'team-x/web.yaml': 'apiVersion: kro.run/v1alpha1\nkind: WebApplication\nmetadata: {name: team-x-web}\n' })).toEqual([
      error('team-x/web.yaml:1:1', 'WebApplication team-x-web: spec is required: a WebApplication needs at least image, tag, host under spec'),
    ]);
    expect(problemsOf({ 'team-x/topic.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Topic\nmetadata: {namespace: team-x}\nspec: {}\n' })).toEqual([
      error('team-x/topic.yaml:3:11', 'Topic: metadata.name is required'),
    ]);
  });

  it('reports values out of bounds with the value and the bound', () => {
    expect(problemsOf({ 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  replicas: 0\n  port: 80') })).toEqual([
      error('team-x/web.yaml:10:13', 'WebApplication team-x-web: spec.replicas is 0 but must be at least 1'),
      error('team-x/web.yaml:11:9', 'WebApplication team-x-web: spec.port is 80 but must be at least 1024'),
    ]);
    expect(problemsOf({ 'team-x/topic.yaml': flow('Topic', 'name: team-x-orders', 'partitions: 65, retentionHours: 8761') })).toEqual([
      error('team-x/topic.yaml:4:20', 'Topic team-x-orders: spec.partitions is 65 but must be at most 64'),
      error('team-x/topic.yaml:4:40', 'Topic team-x-orders: spec.retentionHours is 8761 but must be at most 8760'),
    ]);
  });

  it('reports values that do not match their pattern with the hint of the field', () => {
    expect(problemsOf({ 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  cpu: lots\n  memory: 1GB\n  healthPath: healthz') })).toEqual([
      error('team-x/web.yaml:10:8', 'WebApplication team-x-web: spec.cpu "lots" is not valid: a CPU quantity such as 250m or 1'),
      error('team-x/web.yaml:11:11', 'WebApplication team-x-web: spec.memory "1GB" is not valid: a memory quantity such as 128Mi or 1Gi'),
      // healthPath has no hint: the pattern itself is the explanation.
      error('team-x/web.yaml:12:15', 'WebApplication team-x-web: spec.healthPath "healthz" must match ^/[A-Za-z0-9._~%/-]*$'),
    ]);
    const problems = problemsOf({ 'team-x/db.yaml': flow('Infrastructure', 'name: team-x-db', 'database: shop, storage: 1GB'), 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  infrastructure: Team-X-DB') });
    // The reference check also names the misspelt Infrastructure, with "did you mean".
    expect(problems.filter((problem) => problem.message.includes('is not valid'))).toEqual([
      error('team-x/db.yaml:4:33', 'Infrastructure team-x-db: spec.storage "1GB" is not valid: a size such as 1Gi'),
      error('team-x/web.yaml:10:19', "WebApplication team-x-web: spec.infrastructure \"Team-X-DB\" is not valid: the metadata.name of an Infrastructure in the team's files"),
    ]);
  });

  it('reports unknown fields at their key, with "did you mean" for a near miss', () => {
    const topic = 'apiVersion: kro.run/v1alpha1\nkind: Topic\nmetadata: {name: team-x-orders, namespce: team-x}\nspec: {}\nstatus: {}\n';
    expect(problemsOf({ 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  replica: 3\n  frobnicate: true'), 'team-x/topic.yaml': topic })).toEqual([
      error('team-x/topic.yaml:3:33', 'Topic team-x-orders: unknown field metadata.namespce: did you mean "namespace"?'),
      error('team-x/topic.yaml:5:1', 'Topic team-x-orders: unknown field status: known fields: apiVersion, kind, metadata, spec'),
      error('team-x/web.yaml:10:3', 'WebApplication team-x-web: unknown field spec.replica: did you mean "replicas"?'),
      error('team-x/web.yaml:11:3', 'WebApplication team-x-web: unknown field spec.frobnicate: known fields: name, namespace, image, tag, replicas, autoscale, host, port, healthPath, metrics, env, secretEnv, cpu, memory, infrastructure, runAsUser'),
    ]);
  });

  it('reports the fields of a WebApplication on another kind as unknown fields, and only so', () => {
    const spec = 'secretEnv: {A: team-x-none/a}, infrastructure: team-x-none, replicas: 2, autoscale: {minReplicas: 5, maxReplicas: 1000}';
    expect(problemsOf({ 'team-x/topic.yaml': flow('Topic', 'name: team-x-orders', spec) })).toEqual([
      error('team-x/topic.yaml:4:8', 'Topic team-x-orders: unknown field spec.secretEnv: known fields: name, namespace, partitions, retentionHours'),
      error('team-x/topic.yaml:4:39', 'Topic team-x-orders: unknown field spec.infrastructure: known fields: name, namespace, partitions, retentionHours'),
      error('team-x/topic.yaml:4:68', 'Topic team-x-orders: unknown field spec.replicas: known fields: name, namespace, partitions, retentionHours'),
      error('team-x/topic.yaml:4:81', 'Topic team-x-orders: unknown field spec.autoscale: known fields: name, namespace, partitions, retentionHours'),
    ]);
  });

  it('names map keys as written, digits and JSON-pointer characters included, and list items by index', () => {
    expect(problemsOf({ 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  env: {VAR1: 1, 1A: 2, "a/b~c": 3}') })).toEqual([
      error('team-x/web.yaml:10:15', 'WebApplication team-x-web: spec.env.VAR1 must be a string, not 1'),
      error('team-x/web.yaml:10:22', 'WebApplication team-x-web: spec.env.1A must be a string, not 2'),
      error('team-x/web.yaml:10:34', 'WebApplication team-x-web: spec.env.a/b~c must be a string, not 3'),
    ]);
    // The eleventh owner: an index of two digits. A repeated one gets ajv's own words.
    const owners = [...Array.from({ length: 10 }, (_, index) => `"@acme/t${index}"`), '"bad owner"', '"@acme/t1"'].join(', ');
    expect(writeTeams({ 'team-x/workspace.yaml': `apiVersion: kro.run/v1alpha1\nkind: Workspace\nmetadata: {name: team-x}\nspec: {owners: [${owners}]}\n` }).problems()).toEqual([
      error('team-x/workspace.yaml:4:16', 'Workspace team-x: spec.owners must NOT have duplicate items (items ## 11 and 1 are identical)'),
      error('team-x/workspace.yaml:4:137', 'Workspace team-x: spec.owners[10] "bad owner" is not valid: a Git host handle: "@user" or "@org/team", with the "@"'),
    ]);
  });

  it('lists the metadata fields of the kind at an unknown one: no namespace for a cluster-wide kind', () => {
    const labelled = (kind: string, name: string, spec = '{}') => `apiVersion: kro.run/v1alpha1\nkind: ${kind}\nmetadata: {name: ${name}, labels: {a: b}}\nspec: ${spec}\n`;
    expect(writeTeams({ 'team-x/workspace.yaml': labelled('Workspace', 'team-x', '{owners: ["@acme/team-x"]}') }).problems()).toEqual([
      error('team-x/workspace.yaml:3:26', 'Workspace team-x: unknown field metadata.labels: known fields: name'),
    ]);
    expect(problemsOf({ 'team-x/topic.yaml': labelled('Topic', 'team-x-orders') })).toEqual([
      error('team-x/topic.yaml:3:33', 'Topic team-x-orders: unknown field metadata.labels: known fields: name, namespace'),
    ]);
  });

  it('checks the fields inside metrics: a near miss, a missing port, a port out of bounds', () => {
    const web = (name: string, metrics: string) => webApplication('team-x', name, `${name}.example.com`, `  metrics:\n${metrics}`);
    expect(problemsOf({ 'team-x/a.yaml': web('a', '    prot: 9090'), 'team-x/b.yaml': web('b', '    port: 80\n    path: metrics') })).toEqual([
      error('team-x/a.yaml:11:5', 'WebApplication team-x-a: spec.metrics.port is required: Port of the metrics endpoint: the application port or another one the container listens on.'),
      error('team-x/a.yaml:11:5', 'WebApplication team-x-a: unknown field spec.metrics.prot: did you mean "port"?'),
      error('team-x/b.yaml:11:11', 'WebApplication team-x-b: spec.metrics.port is 80 but must be at least 1024'),
      error('team-x/b.yaml:12:11', 'WebApplication team-x-b: spec.metrics.path "metrics" must match ^/[A-Za-z0-9._~%/-]*$'),
    ]);
  });

  it('reports names that are not DNS-1123 labels, once each', () => {
    const dns = 'is not valid: a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit';
    expect(problemsOf({ 'team-x/topic.yaml': flow('Topic', 'name: team-x_Orders', 'name: team-x_Orders') })).toEqual([
      error('team-x/topic.yaml:3:18', `Topic team-x_Orders: metadata.name "team-x_Orders" ${dns}`),
      error('team-x/topic.yaml:4:14', `Topic team-x_Orders: spec.name "team-x_Orders" ${dns}`),
    ]);
    expect(problemsOf({ 'team-x/topic.yaml': flow('Topic', `name: team-x-${'o'.repeat(60)}`, '') })).toEqual([
      error('team-x/topic.yaml:3:18', `Topic team-x-${'o'.repeat(60)}: metadata.name must have at most 63 characters`),
    ]);
    expect(problemsOf({ 'team-x/topic.yaml': flow('Topic', 'name: 2024', '') })).toEqual([
      error('team-x/topic.yaml:3:18', 'Topic: metadata.name must be a string, not 2024'),
    ]);
  });

  it('reports image references that are not a repository', () => {
    const hint = 'is not valid: write the repository only (registry/path/name) and put the version in `tag`';
    const image = (reference: string) => problemsOf({ 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com').replace('ghcr.io/acme/web', reference) });
    expect(image('ghcr.io/acme/web:1.2')).toEqual([error('team-x/web.yaml:7:10', `WebApplication team-x-web: spec.image "ghcr.io/acme/web:1.2" ${hint}`)]);
    expect(image('GHCR.io/Acme/web')).toEqual([error('team-x/web.yaml:7:10', `WebApplication team-x-web: spec.image "GHCR.io/Acme/web" ${hint}`)]);
    expect(image('localhost:5000/acme/web')).toEqual([]);
    expect(problemsOf({ 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com').replace('"1.2.3"', '"1.2 beta"') })).toEqual([
      error('team-x/web.yaml:8:8', 'WebApplication team-x-web: spec.tag "1.2 beta" is not valid: letters, digits, `_`, `.` and `-`, at most 128 characters'),
    ]);
  });

  it('reports invalid hostnames', () => {
    const hint = 'is not valid: a lower-case DNS name with at least one dot, e.g. shop.example.com';
    expect(problemsOf({ 'team-x/web.yaml': webApplication('team-x', 'web', 'Web_App.example.com') })).toEqual([
      error('team-x/web.yaml:9:9', `WebApplication team-x-web: spec.host "Web_App.example.com" ${hint}`),
    ]);
    expect(problemsOf({ 'team-x/web.yaml': webApplication('team-x', 'web', 'localhost') })).toEqual([error('team-x/web.yaml:9:9', `WebApplication team-x-web: spec.host "localhost" ${hint}`)]);
    expect(problemsOf({ 'team-x/web.yaml': webApplication('team-x', 'web', 'https://web.example.com/') })).toEqual([
      error('team-x/web.yaml:9:9', `WebApplication team-x-web: spec.host "https://web.example.com/" ${hint}`),
    ]);
  });

  it('reports database names that would need quoting in SQL', () => {
    const hint = 'is not valid: start with a lower-case letter; then lower-case letters, digits, `_` or `-`; at most 63 characters';
    for (const database of ['shop; DROP TABLE users', '1shop', 'Shop', 'shop"x']) {
      const yaml = `apiVersion: kro.run/v1alpha1\nkind: Infrastructure\nmetadata: {name: team-x-db}\nspec:\n  database: '${database}'\n`;
      expect(problemsOf({ 'team-x/db.yaml': yaml })).toEqual([error('team-x/db.yaml:5:13', `Infrastructure team-x-db: spec.database ${JSON.stringify(database)} ${hint}`)]);
    }
  });

  it('warns, without failing, about the latest tag', () => {
    const fixture = writeTeams({ ...TEAM_X, 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com').replace('"1.2.3"', 'latest') });
    expect(fixture.problems()).toEqual([
      { at: 'team-x/web.yaml:8:8', severity: 'warning', message: 'WebApplication team-x-web: tag "latest" changes under you; pin a version so a rollout is a reviewed change' },
    ]);
    expect(hasErrors(fixture.load().problems)).toBe(false);
  });
});

describe('documents that are not abstractions', () => {
  const refused = (found: string) =>
    `only the platform's abstractions (kro.run/v1alpha1 Workspace, WebApplication, Infrastructure, Topic, VirtualCluster) and SOPS-encrypted v1 Secrets can be declared here, not ${found}: Kubernetes objects are made by the abstractions`;

  it('refuses raw Kubernetes objects, cluster-scoped ones included, at their kind', () => {
    const raw = [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: team-x-web, namespace: team-x}\nspec: {replicas: 1}\n',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-y}\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: team-x-admin}\nrules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]\n',
    ].join('---\n');
    expect(problemsOf({ 'team-x/raw.yaml': raw })).toEqual([
      error('team-x/raw.yaml:2:7', refused('apps/v1 Deployment')),
      error('team-x/raw.yaml:7:7', refused('v1 Namespace')),
      error('team-x/raw.yaml:11:7', refused('rbac.authorization.k8s.io/v1 ClusterRole')),
    ]);
  });

  it('refuses unknown kinds at the kind, and abstractions of another apiVersion at the apiVersion', () => {
    expect(problemsOf({ 'team-x/gadget.yaml': flow('Gadget', 'name: team-x-gadget', '') })).toEqual([error('team-x/gadget.yaml:2:7', refused('kro.run/v1alpha1 Gadget'))]);
    expect(problemsOf({ 'team-x/topic.yaml': flow('Topic', 'name: team-x-orders', '').replace('v1alpha1', 'v1beta1') })).toEqual([
      error('team-x/topic.yaml:1:13', refused('kro.run/v1beta1 Topic')),
    ]);
    expect(problemsOf({ 'team-x/topic.yaml': 'kind: Topic\nmetadata: {name: team-x-orders}\nspec: {}\n' })).toEqual([error('team-x/topic.yaml:1:1', refused('(no apiVersion) Topic'))]);
    expect(problemsOf({ 'team-x/topic.yaml': 'apiVersion: kro.run/v1alpha1\nmetadata: {name: team-x-orders}\nspec: {}\n' })).toEqual([error('team-x/topic.yaml:1:1', refused('kro.run/v1alpha1 (no kind)'))]);
  });

  it('refuses documents that are not a mapping', () => {
    expect(problemsOf({ 'team-x/list.yaml': '- apiVersion: kro.run/v1alpha1\n  kind: Topic\n', 'team-x/text.yaml': 'just some words\n' })).toEqual([
      error('team-x/list.yaml:1:1', 'a team document must be a mapping with apiVersion, kind, metadata and spec'),
      error('team-x/text.yaml:1:1', 'a team document must be a mapping with apiVersion, kind, metadata and spec'),
    ]);
  });
});

describe('rules across files', () => {
  it("refuses a metadata.namespace or spec.namespace other than the team's", () => {
    expect(problemsOf({ 'team-x/topic.yaml': flow('Topic', 'name: team-x-orders, namespace: team-y', 'namespace: kube-system') })).toEqual([
      error('team-x/topic.yaml:3:44', `Topic team-x-orders: metadata.namespace is "team-y" but the file is in team "team-x"'s folder: a team's objects live in its own namespace, "team-x"`),
      error('team-x/topic.yaml:4:19', 'Topic team-x-orders: spec.namespace is "kube-system" but must be the team\'s namespace, "team-x"'),
    ]);
  });

  it('refuses a spec.name that disagrees with metadata.name', () => {
    expect(problemsOf({ 'team-x/topic.yaml': flow('Topic', 'name: team-x-orders', 'name: team-x-order') })).toEqual([
      error('team-x/topic.yaml:4:14', 'Topic team-x-orders: spec.name is "team-x-order" but metadata.name is "team-x-orders": they must agree'),
    ]);
  });

  it('refuses a name declared twice for one kind in a team, naming both places', () => {
    const fixture = writeTeams({
      ...TEAM_X,
      'team-x/a.yaml': flow('Topic', 'name: team-x-orders', ''),
      // The same name for another kind is fine.
      'team-x/b.yaml': `# orders again\n${flow('Infrastructure', 'name: team-x-orders', 'database: orders')}---\napiVersion: kro.run/v1alpha1\nkind: Topic\nmetadata:\n  name: team-x-orders\nspec: {}\n`,
    });
    expect(fixture.problems()).toEqual([error('team-x/b.yaml:10:9', `Topic "team-x-orders" is declared twice in this team (also at ${fixture.rel}/team-x/a.yaml:3:18)`)]);
  });

  it('refuses a hostname used twice across teams, naming both places', () => {
    const fixture = writeTeams({
      ...TEAM_X,
      'team-x/web.yaml': webApplication('team-x', 'web', 'shop.example.com'),
      'team-y/workspace.yaml': workspace('team-y'),
      'team-y/web.yaml': webApplication('team-y', 'shop', 'shop.example.com'),
    });
    expect(fixture.problems()).toEqual([
      error('team-y/web.yaml:9:9', `host "shop.example.com" is already used by team-x WebApplication team-x-web at ${fixture.rel}/team-x/web.yaml:9:9: hostnames are unique across teams and clusters`),
    ]);
  });

  it('refuses a hostname clash that only a prd override introduces, pointing into the override', () => {
    const fixture = writeTeams({
      ...TEAM_X,
      'team-x/web.yaml': webApplication('team-x', 'web', 'shop.example.com'),
      'team-y/workspace.yaml': workspace('team-y'),
      'team-y/web.yaml': webApplication('team-y', 'shop', 'shop.dev.example.com'),
      'team-y/clusters/prd/web.yaml': 'apiVersion: kro.run/v1alpha1\nkind: WebApplication\nmetadata:\n  name: team-y-shop\nspec:\n  host: shop.example.com\n',
    });
    expect(fixture.problems()).toEqual([
      error('team-y/clusters/prd/web.yaml:6:9', `host "shop.example.com" is already used by team-x WebApplication team-x-web at ${fixture.rel}/team-x/web.yaml:9:9: hostnames are unique across teams and clusters`),
    ]);
  });

  it('refuses names without the `<workspace>-` prefix and says the right name', () => {
    expect(problemsOf({ 'team-x/topic.yaml': flow('Topic', 'name: orders', ''), 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com').replace('team-x-web', 'team-x') })).toEqual([
      error('team-x/topic.yaml:3:18', 'Topic orders: names in workspace "team-x" must start with "team-x-" (the same rule the cluster enforces): rename it to "team-x-orders"'),
      error('team-x/web.yaml:4:9', 'WebApplication team-x: names in workspace "team-x" must start with "team-x-" (the same rule the cluster enforces): rename it to "team-x-team-x"'),
    ]);
  });

  it('refuses near misses of the prefix: the workspace name without its dash, or with nothing after it', () => {
    // Kyverno would refuse each of these in the cluster; synth must refuse them first.
    const named = (name: string) => flow('Topic', `name: ${name}`, '');
    expect(problemsOf({ 'team-x/a.yaml': named('team-xweb'), 'team-x/b.yaml': named('xteam-x-web'), 'team-x/c.yaml': named('team-x') })).toEqual([
      error('team-x/a.yaml:3:18', 'Topic team-xweb: names in workspace "team-x" must start with "team-x-" (the same rule the cluster enforces): rename it to "team-x-team-xweb"'),
      error('team-x/b.yaml:3:18', 'Topic xteam-x-web: names in workspace "team-x" must start with "team-x-" (the same rule the cluster enforces): rename it to "team-x-xteam-x-web"'),
      error('team-x/c.yaml:3:18', 'Topic team-x: names in workspace "team-x" must start with "team-x-" (the same rule the cluster enforces): rename it to "team-x-team-x"'),
    ]);
    // A name that is no DNS label gets that error, not a rename into another invalid name.
    expect(problemsOf({ 'team-x/a.yaml': named('team-x-') }).map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^Topic team-x-: metadata\.name "team-x-" is not valid: a DNS-1123 label/),
    ]);
    expect(problemsOf({ 'team-x/a.yaml': named('team-x-w') })).toEqual([]);
  });

  it('requires exactly one Workspace per team, named like its folder', () => {
    const none = writeTeams({ 'team-x/topic.yaml': flow('Topic', 'name: team-x-orders', '') });
    expect(none.problems()).toEqual([error('team-x:1:1', 'team "team-x" has no Workspace: add one with metadata.name: team-x')]);
    // Nothing of a team without its Workspace reaches a cluster: its namespace would not exist.
    expect(none.load().teamsFor('dev')).toEqual([]);

    const two = writeTeams({ ...TEAM_X, 'team-x/x-workspace.yaml': `# another\n${workspace('team-x')}` });
    expect(two.problems()).toEqual([
      error('team-x/x-workspace.yaml:2:1', `a team has exactly one Workspace; this is a second one (the first is at ${two.rel}/team-x/workspace.yaml:1:1)`),
      // Redundant with the first message, but true: it is the same Workspace twice.
      error('team-x/x-workspace.yaml:4:18', `Workspace "team-x" is declared twice in this team (also at ${two.rel}/team-x/workspace.yaml:3:18)`),
    ]);

    expect(writeTeams({ 'team-x/workspace.yaml': workspace('team-y') }).problems()).toEqual([
      error('team-x/workspace.yaml:3:18', 'the Workspace is named "team-y" but its folder is "team-x": a Workspace is named like its team folder'),
    ]);
  });
});

describe('overrides that cannot apply', () => {
  it('refuses an override that matches no document of the team', () => {
    expect(problemsOf({ 'team-x/clusters/prd/topic.yaml': flow('Topic', 'name: team-x-orders', 'partitions: 12') })).toEqual([
      error('team-x/clusters/prd/topic.yaml:3:18', 'this override matches no document: there is no Topic "team-x-orders" in the team\'s files'),
    ]);
    const topics = { 'team-x/a.yaml': flow('Topic', 'name: team-x-audit', ''), 'team-x/b.yaml': flow('Topic', 'name: team-x-billing', '') };
    expect(problemsOf({ ...topics, 'team-x/clusters/prd/topic.yaml': flow('Topic', 'name: team-x-orders', 'partitions: 12') })).toEqual([
      error('team-x/clusters/prd/topic.yaml:3:18', 'this override matches no document: there is no Topic "team-x-orders" in the team\'s files (its topics: team-x-audit, team-x-billing)'),
    ]);
  });

  it('refuses a cluster folder that is not a cluster', () => {
    expect(problemsOf({ 'team-x/clusters/staging/topic.yaml': flow('Topic', 'name: team-x-orders', '') })).toEqual([
      error('team-x/clusters/staging:1:1', '"staging" is not a cluster: overrides go in clusters/<cluster>/ with one of dev, prd'),
    ]);
    // A file is no cluster folder, even when named like one: no "did you mean".
    expect(problemsOf({ 'team-x/clusters/prod': '', 'team-x/clusters/prd': '' })).toEqual([
      error('team-x/clusters/prd:1:1', '"prd" is not a folder: overrides go in clusters/<cluster>/ with one of dev, prd'),
      error('team-x/clusters/prod:1:1', '"prod" is not a folder: overrides go in clusters/<cluster>/ with one of dev, prd'),
    ]);
  });

  it('suggests the name meant by a mistyped override, or lists the names there are', () => {
    const topic = { 'team-x/topic.yaml': flow('Topic', 'name: team-x-orders', '') };
    expect(problemsOf({ ...topic, 'team-x/clusters/prd/topic.yaml': flow('Topic', 'name: team-x-order', 'partitions: 12') })).toEqual([
      error('team-x/clusters/prd/topic.yaml:3:18', 'this override matches no document: there is no Topic "team-x-order" in the team\'s files: did you mean "team-x-orders"?'),
    ]);
    expect(problemsOf({ ...topic, 'team-x/clusters/prd/topic.yaml': flow('Topic', 'name: team-x-payments', 'partitions: 12') })).toEqual([
      error('team-x/clusters/prd/topic.yaml:3:18', 'this override matches no document: there is no Topic "team-x-payments" in the team\'s files (its topics: team-x-orders)'),
    ]);
    expect(problemsOf({ ...topic, 'team-x/clusters/prod/topic.yaml': flow('Topic', 'name: team-x-orders', '') })).toEqual([
      error('team-x/clusters/prod:1:1', '"prod" is not a cluster: overrides go in clusters/<cluster>/ with one of dev, prd (did you mean "prd"?)'),
    ]);
  });
});

describe('hostile or broken files', () => {
  it('reports YAML syntax errors where the parser found them', () => {
    expect(problemsOf({ 'team-x/topic.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Topic\nmetadata: {name: team-x-orders\nspec: {}\n' })).toEqual([
      error('team-x/topic.yaml:4:1', 'YAML: Flow map in block collection must be sufficiently indented and end with a }'),
    ]);
    expect(problemsOf({ 'team-x/tabs.yaml': 'apiVersion: kro.run/v1alpha1\n\tkind: Topic\n' })).toEqual([
      error('team-x/tabs.yaml:2:1', expect.stringMatching(/^YAML: Tabs are not allowed as indentation/) as unknown as string),
    ]);
  });

  it('refuses duplicate keys at the second one, naming the key and where it first appeared', () => {
    expect(problemsOf({ 'team-x/topic.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Topic\nmetadata: {name: team-x-orders}\nspec:\n  partitions: 1\n  partitions: 2\n' })).toEqual([
      error('team-x/topic.yaml:6:3', 'spec.partitions is given twice (first at line 5)'),
    ]);
    const web = webApplication('team-x', 'web', 'web.example.com', '  env:\n    - name: A\n      name: B\n  tag: "1.2.4"\n  tag: "1.2.5"');
    expect(problemsOf({ 'team-x/web.yaml': `---\n${web}kind: Topic\n` })).toEqual([
      error('team-x/web.yaml:13:7', 'spec.env.0.name is given twice (first at line 12)'),
      error('team-x/web.yaml:14:3', 'spec.tag is given twice (first at line 9)'),
      error('team-x/web.yaml:15:3', 'spec.tag is given 3 times (first at line 9)'),
      error('team-x/web.yaml:16:1', 'kind is given twice (first at line 3)'),
    ]);
  });

  it('stops an alias bomb quickly', () => {
    const levels = 'abcdefghijklmnop'.split('');
    const bomb = levels.map((level, index) => `${level}: &${level} [${Array(10).fill(index ? `*${levels[index - 1]}` : 'lol').join(', ')}]`).join('\n');
    const fixture = writeTeams({ ...TEAM_X, 'team-x/bomb.yaml': `${bomb}\n` });
    // Expanded, the bomb is 10^16 nodes: a parser without the guard never returns. The bound is wide
    // on purpose, for a loaded machine; the outcome is the refusal below.
    const started = Date.now();
    const problems = fixture.problems();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(problems).toEqual([error('team-x/bomb.yaml:1:1', 'YAML: Excessive alias count indicates a resource exhaustion attack')]);
  });

  it('reads anchors and aliases, and refuses a document at 50 uses of an anchor (maxAliasCount 50: the anchor counts as one)', () => {
    const env = (count: number) => webApplication('team-x', 'web', 'web.example.com', `  env: {A: &value "x", ${Array.from({ length: count }, (_, index) => `B${index}: *value`).join(', ')}}`);
    const fixture = writeTeams({ ...TEAM_X, 'team-x/web.yaml': env(49) });
    expect(fixture.problems()).toEqual([]);
    const [application] = fixture.load().teamsFor('dev')[0].instances;
    expect(Object.values(application.spec.env as Record<string, string>)).toEqual(Array(50).fill('x'));
    expect(problemsOf({ 'team-x/web.yaml': env(50) })).toEqual([error('team-x/web.yaml:1:1', 'YAML: Excessive alias count indicates a resource exhaustion attack')]);
  });

  it('reads the YAML core schema: a date is text, not a timestamp', () => {
    const fixture = writeTeams({ ...TEAM_X, 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com').replace('"1.2.3"', '2024-05-01') });
    expect(fixture.problems()).toEqual([]);
    expect(fixture.load().teamsFor('dev')[0].instances[0].spec.tag).toBe('2024-05-01');
  });

  it('refuses binary and non-UTF-8 content', () => {
    const message = 'file is not UTF-8 text (binary content?); team files must be YAML';
    expect(
      problemsOf({
        'team-x/image.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
        'team-x/latin1.yaml': Buffer.from('apiVersion: kro.run/v1alpha1\n# caf\xe9\n', 'latin1'),
        // Valid UTF-8, but a NUL byte is no text.
        'team-x/nul.yaml': Buffer.from('apiVersion: kro.run/v1alpha1\n# \0\n'),
      }),
    ).toEqual([error('team-x/image.yaml:1:1', message), error('team-x/latin1.yaml:1:1', message), error('team-x/nul.yaml:1:1', message)]);
  });

  it('refuses files without a document', () => {
    const message = 'file holds no document: add one or delete the file';
    expect(problemsOf({ 'team-x/empty.yaml': '', 'team-x/comments.yaml': '# to do\n', 'team-x/separator.yml': '---\n' })).toEqual([
      error('team-x/comments.yaml:1:1', message),
      error('team-x/empty.yaml:1:1', message),
      error('team-x/separator.yml:1:1', message),
    ]);
  });

  it('refuses oversized files without parsing them', () => {
    const huge = `${flow('Topic', 'name: team-x-orders', '')}# ${'x'.repeat(300 * 1024)}\n`;
    expect(problemsOf({ 'team-x/huge.yaml': huge })).toEqual([error('team-x/huge.yaml:1:1', `file is ${Buffer.byteLength(huge)} bytes, more than the 262144 a team file may have`)]);
  });

  it('accepts a file of exactly the largest size, and refuses one byte more', () => {
    const document = flow('Topic', 'name: team-x-orders', '');
    const ofSize = (bytes: number) => `${document}#${'x'.repeat(bytes - Buffer.byteLength(document) - 2)}\n`;
    expect(problemsOf({ 'team-x/big.yaml': ofSize(256 * 1024) })).toEqual([]);
    expect(problemsOf({ 'team-x/big.yaml': ofSize(256 * 1024 + 1) })).toEqual([error('team-x/big.yaml:1:1', 'file is 262145 bytes, more than the 262144 a team file may have')]);
  });
});

describe('the folder layout', () => {
  it('reads .yaml and .yml files and nothing else, in a team folder and beside the teams', () => {
    const fixture = writeTeams({
      ...TEAM_X,
      'team-x/topic.yml': flow('Topic', 'name: team-x-orders', ''),
      'team-x/README.md': '# not: [yaml\n',
      'team-x/data.yaml.bak': 'kind: Anything\n',
      'NOTES.txt': 'kind: Anything\n',
    });
    expect(fixture.problems().filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(fixture.load().teamsFor('dev')[0].instances.map((instance) => instance.metadata.name)).toEqual(['team-x-orders']);
  });

  it('finds no team and no problem where the user-space folder does not exist', () => {
    const fixture = writeTeams();
    fixture.remove('.');
    expect(fixture.load().teams).toEqual([]);
    expect(fixture.problems()).toEqual([]);
  });

  it('refuses team files outside a team folder', () => {
    expect(problemsOf({ 'app.yaml': flow('Topic', 'name: team-x-orders', '') })).toEqual([error('app.yaml:1:1', 'team files belong in a team folder: user-space/<team>/')]);
  });

  it('refuses folders other than clusters/ inside a team, and team folders that are no namespace name', () => {
    const files = { 'team-x/apps/web.yaml': webApplication('team-x', 'web', 'web.example.com'), 'team-x/clusters/prd/clusters/web.yaml': '', 'Team_Y/workspace.yaml': workspace('team-y') };
    expect(problemsOf(files)).toEqual([
      error('Team_Y:1:1', 'team folder "Team_Y" is not a valid namespace name: lower-case letters, digits and "-", starting and ending with a letter or digit'),
      error('team-x/apps:1:1', 'unexpected folder: team files live directly in the team folder, cluster overrides in clusters/<cluster>/'),
      error('team-x/clusters/prd/clusters:1:1', 'unexpected folder: team files live directly in the team folder, cluster overrides in clusters/<cluster>/'),
    ]);
  });

  it('reads no symbolic link, whatever it points at, and says so', () => {
    const fixture = writeTeams({ ...TEAM_X, 'team-x/topic.yaml': flow('Topic', 'name: team-x-orders', '') });
    fs.symlinkSync(path.join(fixture.dir, 'team-x', 'topic.yaml'), path.join(fixture.dir, 'team-x', 'link.yaml'));
    expect(fixture.problems()).toEqual([
      { at: 'team-x/link.yaml:1:1', severity: 'warning', message: 'not read: a team file must be a regular file, not a symbolic link or a device; put the file itself here' },
    ]);
    expect(fixture.load().teamsFor('dev')[0].instances.map((instance) => instance.metadata.name)).toEqual(['team-x-orders']);
  });
});

describe('a new team', () => {
  it('needs no spec where no field is required: a Workspace can be just its name (without owners, a warning)', () => {
    const fixture = writeTeams({
      'team-n/workspace.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Workspace\nmetadata: {name: team-n}\n',
      'team-n/topic.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Topic\nmetadata: {name: team-n-orders}\n',
    });
    const userSpace = fixture.load();
    expect(fixture.problems()).toEqual([
      { at: 'team-n/workspace.yaml:3:18', severity: 'warning', message: expect.stringContaining('Workspace team-n: no spec.owners') },
    ]);
    expect(userSpace.teamsFor('dev')[0].workspace.spec).toEqual({});
  });

  it('reads every spelling of the YAML extensions, and names any other file it does not read', () => {
    const fixture = writeTeams({
      'team-n/Workspace.YAML': workspace('team-n'),
      'team-n/topic.yml': flow('Topic', 'name: team-n-orders', ''),
      'team-n/clusters/prd/topic.Yml': flow('Topic', 'name: team-n-orders', 'partitions: 6'),
      'team-n/notes.txt': 'not a team file\n',
      'team-n/.gitkeep': '',
    });
    const userSpace = fixture.load();
    expect(userSpace.teamsFor('prd')[0].instances.map((instance) => instance.spec)).toEqual([{ partitions: 6 }]);
    expect(fixture.problems()).toEqual([
      { at: 'team-n/notes.txt:1:1', severity: 'warning', message: 'not read: only files ending in .yaml or .yml are team files; rename it, or move it out of the team folder' },
    ]);
  });
});

describe('validate and synth on the command line', () => {
  const USER_SPACE_HINT = '--user-space takes the folder that holds one folder per team (default user-space)';

  it.each(['validate', 'synth'] as const)('%s: a --user-space that does not exist, is a file or cannot be read is exit 2 with one sentence, and writes nothing', async (command) => {
    expect(await runInProcess(command, '--user-space', 'no/such/folder')).toEqual({ status: 2, stdout: '', stderr: `mini-atlas: the user space no/such/folder does not exist: ${USER_SPACE_HINT}\n` });
    expect(await runInProcess(command, '--user-space', 'package.json')).toEqual({ status: 2, stdout: '', stderr: `mini-atlas: the user space package.json is a file, not a folder: ${USER_SPACE_HINT}\n` });
    const loop = path.join(tempDir('user-space-loop'), 'loop');
    fs.symlinkSync('loop', loop);
    expect(await runInProcess(command, '--user-space', loop)).toEqual({ status: 2, stdout: '', stderr: `mini-atlas: the user space ${loop} cannot be read: ELOOP: too many symbolic links encountered, scandir '${loop}'\n` });
  });

  it.each(['validate', 'synth', 'preview'] as const)("%s: a team's folder given as --user-space is named as such", async (command) => {
    const fixture = writeTeams({ ...TEAM_X, 'team-x/topic.yaml': flow('Topic', 'name: team-x-orders', '') });
    const args = command === 'preview' ? [`${fixture.rel}/team-x`] : [];
    const result = await runInProcess(command, ...args, '--user-space', `${fixture.rel}/team-x`);
    expect(result.stderr).toBe(
      `mini-atlas: ${fixture.rel}/team-x holds team files (topic.yaml, workspace.yaml), so it is one team's folder, not a user space: pass the folder of team folders (--user-space ${fixture.rel}), or name the team folder as an argument to check only that team\n`,
    );
    expect(result.status).toBe(2);
  });

  it('still reports a stray team file among team folders on that file', async () => {
    const fixture = writeTeams({ ...TEAM_X, 'stray.yaml': flow('Topic', 'name: team-x-orders', '') });
    const result = await runInProcess('validate', '--user-space', fixture.rel);
    expect(result.stderr).toBe(`${fixture.rel}/stray.yaml:1:1: error: team files belong in a team folder: user-space/<team>/\nvalidate: 1 team, 1 error, 0 warnings\n`);
    expect(result.status).toBe(1);
  });

  it('validate checks only the teams of the files and folders given, like preview', async () => {
    const fixture = writeTeams({
      ...TEAM_X,
      'team-x/topic.yaml': flow('Topic', 'name: team-x-orders', ''),
      'team-y/workspace.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Workspace\nmetadata: {name: team-y\n',
    });
    expect(await runInProcess('validate', `${fixture.rel}/team-x/topic.yaml`, '--user-space', fixture.rel)).toEqual({ status: 0, stdout: '', stderr: 'validate: 1 team, 0 errors, 0 warnings\n' });
    // A team's name serves as well as its folder.
    expect(await runInProcess('validate', 'team-x', '--user-space', fixture.rel)).toEqual({ status: 0, stdout: '', stderr: 'validate: 1 team, 0 errors, 0 warnings\n' });
    const broken = await runInProcess('validate', `${fixture.rel}/team-y`, `${fixture.rel}/team-x`, '--user-space', fixture.rel);
    expect(broken.stderr).toMatch(/validate: 2 teams, 2 errors, 0 warnings\n$/);
    expect(broken.status).toBe(1);
    expect(await runInProcess('validate', `${fixture.rel}/team-z`, '--user-space', fixture.rel)).toEqual({
      status: 2,
      stdout: '',
      stderr: `mini-atlas: ${fixture.rel}/team-z does not exist; usage: mini-atlas validate [<team-or-file>...] [--user-space <dir>] [--format <text|github|json>]\n`,
    });
  });
});

describe('team names', () => {
  const taken = [...RESERVED_NAMESPACES.map((namespace) => namespace.name), 'kube-flannel'];

  it('include every namespace the platform charts create, Flux, and the ones Kubernetes makes', () => {
    expect(taken).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'flux-system', PLATFORM.kafka.namespace, PLATFORM.gateway.namespace]));
    const platform = synthOf(NamespacesChart).map((namespace) => namespace.metadata.name);
    const releases = synthOf(HelmReleasesChart).map((object) => (object.kind === 'HelmRelease' ? (object.spec.targetNamespace as string) : object.metadata.namespace!));
    expect(platform.length).toBeGreaterThan(0);
    for (const name of [...platform, ...releases]) expect(taken).toContain(name);
  });

  it.each(taken)('refuse "%s" at the Workspace\'s name, with what owns the namespace', (name) => {
    const problems = writeTeams({ [`${name}/workspace.yaml`]: workspace(name) }).problems();
    expect(problems).toEqual([error(`${name}/workspace.yaml:3:18`, expect.stringMatching(new RegExp(`^Workspace ${name}: metadata.name "${name}" cannot be a team's namespace: .+; choose another name for the team folder and its Workspace$`)))]);
  });

  it('name the owner, and refuse a team without a Workspace at its folder', () => {
    expect(writeTeams({ 'kafka/workspace.yaml': workspace('kafka') }).problems()[0].message).toContain('the namespace "kafka" belongs to the shared Kafka cluster');
    expect(writeTeams({ 'kube-x/topic.yaml': flow('Topic', 'name: kube-x-orders', '') }).problems()).toEqual([
      error('kube-x:1:1', 'team "kube-x" has no Workspace: add one with metadata.name: kube-x'),
      error('kube-x:1:1', expect.stringContaining('Kubernetes reserves namespaces starting with "kube-" for itself')),
    ]);
  });

  it('are refused at the Workspace named like the team, whatever else the team declares first', () => {
    const problems = writeTeams({
      'kube-system/a.yaml': flow('Topic', 'name: kube-system', ''),
      'kube-system/b.yaml': workspace('kube-systems'),
      'kube-system/workspace.yaml': workspace('kube-system'),
    }).problems();
    expect(problems.filter((problem) => problem.message.includes("cannot be a team's namespace"))).toEqual([error('kube-system/workspace.yaml:3:18', expect.stringContaining('Workspace kube-system: metadata.name "kube-system"'))]);
  });

  it('accept names that only contain a reserved one', () => {
    expect(writeTeams({ 'kafka-team/workspace.yaml': workspace('kafka-team'), 'team-kube/workspace.yaml': workspace('team-kube') }).problems()).toEqual([]);
  });
});

describe('the report', () => {
  /** Three teams, each wrong in another way, plus a warning. */
  const BROKEN: TreeFiles = {
    ...TEAM_X,
    'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  replica: 3').replace('"1.2.3"', 'latest'),
    'team-x/raw.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: team-x-config}\n',
    'team-y/topic.yaml': flow('Topic', 'name: team-y-orders', 'partitions: 0'),
    'team-z/workspace.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Workspace\nmetadata: {name: team-z\n',
  };

  it('has every problem of every team at once, in file order, as <file>:<line>:<col>: <severity>: <message>', () => {
    const fixture = writeTeams(BROKEN);
    expect(fixture.load().problems.map(formatProblem)).toEqual([
      `${fixture.rel}/team-x/raw.yaml:2:7: error: only the platform's abstractions (kro.run/v1alpha1 Workspace, WebApplication, Infrastructure, Topic, VirtualCluster) and SOPS-encrypted v1 Secrets can be declared here, not v1 ConfigMap: Kubernetes objects are made by the abstractions`,
      `${fixture.rel}/team-x/web.yaml:8:8: warning: WebApplication team-x-web: tag "latest" changes under you; pin a version so a rollout is a reviewed change`,
      `${fixture.rel}/team-x/web.yaml:10:3: error: WebApplication team-x-web: unknown field spec.replica: did you mean "replicas"?`,
      `${fixture.rel}/team-y:1:1: error: team "team-y" has no Workspace: add one with metadata.name: team-y`,
      `${fixture.rel}/team-y/topic.yaml:4:20: error: Topic team-y-orders: spec.partitions is 0 but must be at least 1`,
      `${fixture.rel}/team-z:1:1: error: team "team-z" has no Workspace: add one with metadata.name: team-z`,
      `${fixture.rel}/team-z/workspace.yaml:4:1: error: YAML: Flow map in block collection must be sufficiently indented and end with a }`,
    ]);
  });

  it('is what `validate` prints, with exit 1 when there are errors, 0 with only warnings, 2 on a usage error', async () => {
    const broken = writeTeams(BROKEN);
    const invalid = await runInProcess('validate', '--user-space', broken.rel);
    expect(invalid.stderr).toBe(`${broken.load().problems.map(formatProblem).join('\n')}\nvalidate: 3 teams, 6 errors, 1 warning\n`);
    expect(invalid.stdout).toBe('');
    expect(invalid.status).toBe(1);

    const warned = writeTeams({ ...TEAM_X, 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com').replace('"1.2.3"', 'latest') });
    const valid = await runInProcess('validate', '--user-space', warned.dir);
    expect(valid.stderr).toBe(`${warned.rel}/team-x/web.yaml:8:8: warning: WebApplication team-x-web: tag "latest" changes under you; pin a version so a rollout is a reviewed change\nvalidate: 1 team, 0 errors, 1 warning\n`);
    expect(valid.status).toBe(0);

    const usage = await runInProcess('validate', '--user-spaec', warned.dir);
    expect(usage.stderr).toBe('mini-atlas: unknown argument "--user-spaec"; usage: mini-atlas validate [<team-or-file>...] [--user-space <dir>] [--format <text|github|json>]\n');
    expect(usage.status).toBe(2);
    for (const result of [invalid, valid, usage]) expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('is a GitHub annotation per problem with --format github, on the file and line the problem is at', async () => {
    const broken = writeTeams(BROKEN);
    const github = await runInProcess('validate', '--user-space', broken.rel, '--format', 'github');
    expect(github.stdout.split('\n')).toEqual([
      `::error file=${broken.rel}/team-x/raw.yaml,line=2,col=7::only the platform's abstractions (kro.run/v1alpha1 Workspace, WebApplication, Infrastructure, Topic, VirtualCluster) and SOPS-encrypted v1 Secrets can be declared here, not v1 ConfigMap: Kubernetes objects are made by the abstractions`,
      `::warning file=${broken.rel}/team-x/web.yaml,line=8,col=8::WebApplication team-x-web: tag "latest" changes under you; pin a version so a rollout is a reviewed change`,
      `::error file=${broken.rel}/team-x/web.yaml,line=10,col=3::WebApplication team-x-web: unknown field spec.replica: did you mean "replicas"?`,
      `::error file=${broken.rel}/team-y,line=1,col=1::team "team-y" has no Workspace: add one with metadata.name: team-y`,
      `::error file=${broken.rel}/team-y/topic.yaml,line=4,col=20::Topic team-y-orders: spec.partitions is 0 but must be at least 1`,
      `::error file=${broken.rel}/team-z,line=1,col=1::team "team-z" has no Workspace: add one with metadata.name: team-z`,
      `::error file=${broken.rel}/team-z/workspace.yaml,line=4,col=1::YAML: Flow map in block collection must be sufficiently indented and end with a }`,
      '',
    ]);
    expect(github.stderr).toBe('validate: 3 teams, 6 errors, 1 warning\n');
    expect(github.status).toBe(1);
  });

  it('escapes what would end an annotation early', () => {
    const problem = { severity: 'error' as const, location: { file: 'user-space/a,b:c.yaml', line: 3, col: 4 }, message: '100% wrong\r\nsecond line' };
    expect(githubAnnotation(problem)).toBe('::error file=user-space/a%2Cb%3Ac.yaml,line=3,col=4::100%25 wrong%0D%0Asecond line');
  });

  it('is one JSON document with --format json, and refuses a format it does not know', async () => {
    const broken = writeTeams(BROKEN);
    const json = await runInProcess('validate', '--user-space', broken.rel, '--format=json');
    const report = JSON.parse(json.stdout) as JsonReport;
    expect({ teams: report.teams, errors: report.errors, warnings: report.warnings }).toEqual({ teams: 3, errors: 6, warnings: 1 });
    expect(report.problems.map(({ file, line, col, severity, message }) => `${file}:${line}:${col}: ${severity}: ${message}`)).toEqual(broken.load().problems.map(formatProblem));
    expect(json.status).toBe(1);

    const unknown = await runInProcess('validate', '--format', 'xml');
    expect(unknown.stderr).toBe('mini-atlas: --format must be one of text, github, json, not "xml"; usage: mini-atlas validate [<team-or-file>...] [--user-space <dir>] [--format <text|github|json>]\n');
    expect(unknown.status).toBe(2);
  });
});

describe('references between a team\'s documents', () => {
  const database = (name: string) => flow('Infrastructure', `name: ${name}`, 'database: shop');

  it('accepts an infrastructure the team declares, in another file', () => {
    expect(problemsOf({ 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  infrastructure: team-x-db'), 'team-x/db.yaml': database('team-x-db') })).toEqual([]);
  });

  it('refuses an infrastructure the team does not have at the field, naming the ones it has and where', () => {
    const fixture = writeTeams({
      ...TEAM_X,
      'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  infrastructure: team-x-bd'),
      'team-x/db.yaml': [database('team-x-db'), database('team-x-cache')].join('---\n'),
    });
    expect(fixture.problems()).toEqual([
      error(
        'team-x/web.yaml:10:19',
        `WebApplication team-x-web: spec.infrastructure "team-x-bd" is no Infrastructure of team "team-x": the team's Infrastructures are team-x-cache (${fixture.rel}/team-x/db.yaml:8:18), team-x-db (${fixture.rel}/team-x/db.yaml:3:18); did you mean "team-x-db"?`,
      ),
    ]);
    expect(problemsOf({ 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  infrastructure: team-x-db') })).toEqual([
      error('team-x/web.yaml:10:19', 'WebApplication team-x-web: spec.infrastructure "team-x-db" is no Infrastructure of team "team-x": team "team-x" declares no Infrastructure'),
    ]);
  });

  it('checks a cluster override\'s infrastructure at the override', () => {
    const fixture = writeTeams({
      ...TEAM_X,
      'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', '  infrastructure: team-x-db'),
      'team-x/db.yaml': database('team-x-db'),
      'team-x/clusters/prd/web.yaml': 'apiVersion: kro.run/v1alpha1\nkind: WebApplication\nmetadata:\n  name: team-x-web\nspec:\n  infrastructure: team-x-prd-db\n',
    });
    expect(fixture.problems()).toEqual([
      error('team-x/clusters/prd/web.yaml:6:19', `WebApplication team-x-web: spec.infrastructure "team-x-prd-db" is no Infrastructure of team "team-x": the team's Infrastructures are team-x-db (${fixture.rel}/team-x/db.yaml:3:18)`),
    ]);
  });
});

describe('scaling', () => {
  const web = (spec: string) => ({ 'team-x/web.yaml': webApplication('team-x', 'web', 'web.example.com', spec) });

  it('accepts an autoscale range within the quota', () => {
    expect(problemsOf(web('  autoscale: {minReplicas: 2, maxReplicas: 5, cpuPercent: 70}'))).toEqual([]);
  });

  /** The problems of team-x with `spec`, and the fixture's folder (messages naming a second place include it). */
  function check(spec: string): { rel: string; problems: ReportedProblem[] } {
    const fixture = writeTeams({ ...TEAM_X, ...web(spec) });
    return { rel: fixture.rel, problems: fixture.problems() };
  }

  it('refuses replicas with autoscale, naming both places', () => {
    const { rel, problems } = check('  replicas: 2\n  autoscale: {minReplicas: 2, maxReplicas: 5}');
    expect(problems).toEqual([
      error('team-x/web.yaml:11:14', `WebApplication team-x-web: spec.replicas (set at ${rel}/team-x/web.yaml:10:13) and spec.autoscale exclude each other: keep autoscale and remove replicas, or the reverse`),
    ]);
  });

  it('refuses a minimum above the maximum, and bounds out of range at the nested field', () => {
    const { rel, problems } = check('  autoscale:\n    minReplicas: 6\n    maxReplicas: 5\n    cpuPercent: 5');
    expect(problems).toEqual([
      error('team-x/web.yaml:11:18', `WebApplication team-x-web: spec.autoscale.minReplicas is 6, more than spec.autoscale.maxReplicas, 5 (at ${rel}/team-x/web.yaml:12:18)`),
      error('team-x/web.yaml:13:17', 'WebApplication team-x-web: spec.autoscale.cpuPercent is 5 but must be at least 10'),
    ]);
    expect(problemsOf(web('  autoscale: {minReplicas: 0, maxReplicas: 21}'))).toEqual([
      error('team-x/web.yaml:10:28', 'WebApplication team-x-web: spec.autoscale.minReplicas is 0 but must be at least 1'),
      error('team-x/web.yaml:10:44', 'WebApplication team-x-web: spec.autoscale.maxReplicas is 21 but must be at most 20'),
    ]);
  });

  it('names the missing and misspelt fields of autoscale, with their description', () => {
    expect(problemsOf(web('  autoscale: {minReplicas: 1, maxReplica: 3}'))).toEqual([
      error('team-x/web.yaml:10:14', 'WebApplication team-x-web: spec.autoscale.maxReplicas is required: Most pods; the namespace quota must hold this many.'),
      error('team-x/web.yaml:10:31', 'WebApplication team-x-web: unknown field spec.autoscale.maxReplica: did you mean "maxReplicas"?'),
    ]);
  });

  it('refuses a maximum the namespace quota cannot hold, per cluster', () => {
    // dev's quota: 4 CPU, 8Gi, 50 pods; prd's: 16 CPU, 32Gi, 200 pods.
    expect(problemsOf(web('  cpu: "1"\n  autoscale: {minReplicas: 1, maxReplicas: 10}'))).toEqual([
      error('team-x/web.yaml:11:44', 'WebApplication team-x-web: on cluster dev, autoscale.maxReplicas 10 needs 10 × 1 CPU, more than the quota\'s 4 (the namespace quota of config/clusters.ts): lower it or the pods\' cpu and memory'),
    ]);
    expect(problemsOf(web('  memory: 4Gi\n  replicas: 3'))).toEqual([
      error('team-x/web.yaml:11:13', 'WebApplication team-x-web: on cluster dev, replicas 3 needs 3 × 4Gi memory, more than the quota\'s 8Gi (the namespace quota of config/clusters.ts): lower it or the pods\' cpu and memory'),
    ]);
  });
});
