import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { UsageError } from '../../src/cli/usage-error';
import { PREVIEW_COMMAND, runPreview } from '../../src/preview/command';
import { ifAvailable, NOT_A_CHECKOUT, tempDir } from '../helpers';
import { FIXTURES, ROOT } from './helpers';

/** Runs the command in-process, returning its exit code and what it wrote. */
function preview(...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: runPreview(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

// Both are committed: a test that finds them missing must fail, not skip.
const teamA = path.join(ROOT, 'user-space', 'team-a');

describe('npm run preview -- user-space/team-a', () => {
  const { code, stdout, stderr } = preview(teamA);
  const objects = parseAllDocuments(stdout).map((doc) => doc.toJS() as any);
  const find = (kind: string, name: string) => objects.find((object) => object.kind === kind && object.metadata.name === name);

  it('prints the WebApplication as a Deployment with typed values, a Service and an HTTPRoute', () => {
    const deployment = find('Deployment', 'team-a-instance');
    expect(deployment.metadata.namespace).toBe('team-a');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0].image).toBe('nginx:latest');
    expect(deployment.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'team-a-instance' });
    expect(find('Service', 'team-a-instance').spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(find('HTTPRoute', 'team-a-instance').spec.hostnames).toEqual(['my-app.example.com']);
  });

  it("prints the Infrastructure's database and the Topic in the Kafka namespace", () => {
    const database = objects.find((object) => object.kind === 'Cluster');
    expect(database.metadata).toMatchObject({ name: 'team-a-db', namespace: 'team-a' });
    expect(database.spec.bootstrap.initdb.database).toBe('team-a-01');
    const topic = objects.find((object) => object.kind === 'KafkaTopic');
    expect(topic.metadata.namespace).toBe('kafka');
    expect(topic.metadata.labels['strimzi.io/cluster']).toBe('shared');
    expect(typeof topic.spec.partitions).toBe('number');
  });

  it("gives the team a Kafka user whose ACLs cover its topic's name and nothing outside the team's prefix", () => {
    const user = find('KafkaUser', 'team-a');
    expect(user.metadata.namespace).toBe('kafka');
    const acls: { resource: { type: string; name: string; patternType: string } }[] = user.spec.authorization.acls;
    expect(acls.map(({ resource }) => [resource.type, resource.name, resource.patternType])).toEqual([
      ['topic', 'team-a.', 'prefix'],
      ['group', 'team-a.', 'prefix'],
      ['transactionalId', 'team-a.', 'prefix'],
    ]);
    const topic = objects.find((object) => object.kind === 'KafkaTopic');
    expect(topic.spec.topicName.startsWith(acls[0].resource.name)).toBe(true);
    const env = find('Deployment', 'team-a-instance').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'KAFKA_USERNAME', value: 'team-a' });
  });

  it('succeeds, with at most warnings on stderr', () => {
    expect(stderr.split('\n').filter((line) => line.includes(': error: ') || line.startsWith('preview: '))).toEqual([]);
    expect(code).toBe(0);
  });

  it("prints each instance's resources in kro's creation order", () => {
    const web = stdout.split('---\n').filter((doc) => doc.startsWith('# WebApplication/team-a-instance'));
    expect(web.map((doc) => /^kind: (\w+)$/m.exec(doc)?.[1])).toEqual(['ConfigMap', 'Deployment', 'Service', 'Certificate', 'ListenerSet', 'HTTPRoute', 'HTTPRoute']);
  });

  it('prints only YAML on stdout, every document naming where it comes from', () => {
    expect(stdout.startsWith('---\n# ')).toBe(true);
    expect(parseAllDocuments(stdout).every((doc) => doc.errors.length === 0)).toBe(true);
  });

  ifAvailable(it, NOT_A_CHECKOUT)('diffs against the committed dist/ instances, which match the team files', () => {
    expect(preview(teamA, '--diff')).toEqual({ code: 0, stdout: 'No changes to the created resources.\n', stderr: expect.not.stringContaining(': error: ') });
    // Not the first Workspace of the committed workspaces file: each team's own is compared.
    expect(preview(path.join(ROOT, 'user-space', 'team-b'), '--diff')).toEqual({ code: 0, stdout: 'No changes to the created resources.\n', stderr: expect.not.stringContaining(': error: ') });
  });

  it('uses the cluster given with --cluster', () => {
    const prd = parseAllDocuments(preview(teamA, '--cluster', 'prd').stdout).map((doc) => doc.toJS() as any);
    expect(prd.find((object) => object.kind === 'Cluster').spec.instances).toBe(3);
  });
});

describe('preview command line', () => {
  const fixtures = path.join(FIXTURES, 'user-space');

  ifAvailable(it, NOT_A_CHECKOUT)('--diff shows what a change to the team files changes in the created resources', () => {
    const { code, stdout } = preview(path.join(fixtures, 'team-a'), '--user-space', fixtures, '--diff');
    expect(stdout.split('\n\n').map((block) => block.split('\n').filter((line) => /^(\S|    [-+] )/.test(line)).join('\n'))).toEqual([
      '1 added, 1 changed, 1 removed',
      ['~ changed apps/v1 Deployment team-a/team-a-instance', '    -  replicas: 2', '    +  replicas: 3', '    -          image: nginx:latest', '    +          image: nginx:1.27'].join('\n'),
      expect.stringMatching(/^\+ added kafka\.strimzi\.io\/v1 KafkaTopic kafka\/team-a\.02\n/),
      expect.stringMatching(/^- removed kafka\.strimzi\.io\/v1 KafkaTopic kafka\/team-a\.01\n/),
    ]);
    expect(code).toBe(0);
  });

  it('exits 1 for an instance that breaks its schema, reporting the violation once, at the field', () => {
    const { code, stdout, stderr } = preview(path.join(fixtures, 'team-c'), '--user-space', fixtures);
    expect(code).toBe(1);
    expect(stderr.split('\n').filter((line) => line.includes(': error: '))).toEqual([
      'test/preview/fixtures/user-space/team-c/team-c.yaml:9:45: error: WebApplication team-c-web: spec.replicas is 50 but must be at most 20',
    ]);
    // Without --diff there is no diff to withhold.
    expect(stderr).not.toContain('no diff');
    // The invalid instance creates nothing; the valid Workspace is still shown.
    expect(stdout).not.toContain('# WebApplication/');
    expect(stdout).toContain('# Workspace/team-c:');
  });

  it("previews only the instances of a file, with the team's other files loaded", () => {
    const teams = path.join(ROOT, 'test', 'platform', 'fixtures', 'user-space');
    const headings = (...args: string[]) => [...new Set(preview(...args, '--user-space', teams).stdout.match(/^# [^:]+/gm))];
    expect(headings(path.join(teams, 'team-p', 'workspace.yaml'))).toEqual(['# Workspace/team-p']);
    expect(headings(path.join(teams, 'team-p', 'apps.yaml'))).toEqual(['# WebApplication/team-p-web', '# Infrastructure/team-p-db', '# Topic/team-p-events', '# VirtualCluster/team-p-sandbox']);
    // An override file previews the instances it overrides.
    expect(headings(path.join(teams, 'team-p', 'clusters', 'prd', 'apps.yaml'), '--cluster', 'prd')).toEqual(['# WebApplication/team-p-web']);
    expect(headings(path.join(teams, 'team-p'))).toEqual(['# Workspace/team-p', '# WebApplication/team-p-web', '# Infrastructure/team-p-db', '# Topic/team-p-events', '# VirtualCluster/team-p-sandbox']);
    // A team's name serves as well as its folder.
    expect(headings('team-p')).toEqual(headings(path.join(teams, 'team-p')));
  });

  it("previews a file's instances beside a document the loader refuses for having no metadata", () => {
    const teams = tempDir('preview-no-metadata');
    fs.cpSync(path.join(ROOT, 'test', 'platform', 'fixtures', 'user-space', 'team-p'), path.join(teams, 'team-p'), { recursive: true });
    fs.appendFileSync(path.join(teams, 'team-p', 'apps.yaml'), '---\napiVersion: kro.run/v1alpha1\nkind: Topic\nspec: {}\n');
    const { code, stdout } = preview(path.join(teams, 'team-p', 'apps.yaml'), '--user-space', teams);
    expect(code).toBe(1);
    expect([...new Set(stdout.match(/^# [^:]+/gm))]).toEqual(['# WebApplication/team-p-web', '# Infrastructure/team-p-db', '# Topic/team-p-events', '# VirtualCluster/team-p-sandbox']);
  });

  it("shows a team's Secret, every value <encrypted>, when its file or its team is asked for, and only then", () => {
    const teams = path.join(ROOT, 'test', 'platform', 'fixtures', 'user-space');
    const secret = '---\n# Secret/team-q-keys: SOPS-encrypted in Git, decrypted by Flux when it applies it\napiVersion: v1\nkind: Secret\nmetadata:\n  name: team-q-keys\n  namespace: team-q\ntype: Opaque\nstringData:\n  token: <encrypted>\n';
    const ofFile = preview(path.join(teams, 'team-q', 'keys.yaml'), '--user-space', teams);
    expect(ofFile).toEqual({ code: 0, stdout: secret, stderr: expect.not.stringContaining(': error: ') });
    const ofTeam = preview(path.join(teams, 'team-q'), '--user-space', teams).stdout;
    expect(ofTeam.endsWith(secret)).toBe(true);
    expect(ofTeam).not.toMatch(/ENC\[|age1|AGE ENCRYPTED/);
    expect(preview(path.join(teams, 'team-q', 'team-q.yml'), '--user-space', teams).stdout).not.toContain('Secret/');
  });

  it('shows no diff for an instance with errors, which would create nothing, and says why', () => {
    const { code, stdout, stderr } = preview(path.join(fixtures, 'team-c'), '--user-space', fixtures, '--diff');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/: error: .*replicas[^]*\npreview: no diff until the errors above are fixed\n$/);
  });

  it('exits 1 for a path outside user-space, with the problem in the validator format', () => {
    const { code, stdout, stderr } = preview(path.join(ROOT, 'test'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('test:1:1: error: not inside a team folder of user-space/');
  });

  it('throws usage errors (exit 2) for --base without --diff, an unknown --base, and a --user-space that is no user space', () => {
    expect(() => preview(teamA, '--base', 'HEAD')).toThrow('--base is the commit --diff compares with, so it needs --diff');
    expect(() => preview(teamA, '--diff', '--base', 'no-such-ref')).toThrow('--base "no-such-ref" is not a commit of this repository; give a branch, tag or commit SHA (fetch it first if it is remote)');
    expect(() => preview(teamA, '--user-space', 'no/such/folder')).toThrow('the user space no/such/folder does not exist');
    expect(() => preview(teamA, '--user-space', teamA)).toThrow("holds team files (team-a.yaml), so it is one team's folder, not a user space");
  });

  it('throws usage errors (exit 2) for missing paths, unknown clusters and options', () => {
    expect(() => preview()).toThrow(UsageError);
    expect(() => preview('nowhere/at/all')).toThrow('nowhere/at/all does not exist');
    expect(() => preview(teamA, '--cluster', 'moon')).toThrow('unknown cluster "moon"; one of: dev, prd');
    expect(() => preview(teamA, '--colour')).toThrow(UsageError);
  });

  it('names the clusters --cluster takes in its help', () => {
    expect(PREVIEW_COMMAND.options?.find((option) => option.flag === '--cluster')?.description).toBe('Cluster from config/clusters.ts (dev, prd).');
  });
});
