/**
 * previewTeam: what a team's preview expands and checks, and where each problem points; the
 * identity of a resource in messages; a Secret as a reviewer sees it.
 */
import type { CheckResult, SchemaChecker } from '../../src/preview/check';
import { describeResource, previewTeam, secretPreview } from '../../src/preview/preview';
import { indexRgds } from '../../src/preview/rgd';
import type { Instance, TeamInstances } from '../../src/user-space/model';
import { instance, rgdOf } from './helpers';

const SPACE = rgdOf(`kind: ResourceGraphDefinition
spec:
  schema: {apiVersion: v1alpha1, kind: Space, scope: Cluster, spec: {}}
  resources:
    - id: namespace
      template: {apiVersion: v1, kind: Namespace, metadata: {name: "\${schema.metadata.name}"}}
    - id: quota
      template: {apiVersion: v1, kind: ResourceQuota, metadata: {name: quota, namespace: "\${schema.metadata.name}"}}
`);

const APP = rgdOf(`kind: ResourceGraphDefinition
spec:
  schema: {apiVersion: v1alpha1, kind: App, spec: {port: integer}}
  resources:
    - id: service
      template: {apiVersion: v1, kind: Service, metadata: {name: "\${schema.metadata.name}"}, spec: {ports: [{port: "\${schema.spec.port}"}]}}
    - id: config
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}}
    - id: topic
      template: {apiVersion: kafka.strimzi.io/v1, kind: KafkaTopic, metadata: {name: shared, namespace: kafka}}
`);

const rgds = indexRgds([SPACE, APP], []);
const workspace: Instance = { apiVersion: 'kro.run/v1alpha1', kind: 'Space', metadata: { name: 'team-a' }, spec: {} };
const team = (...instances: Instance[]): TeamInstances => ({ team: 'team-a', workspace, instances, secrets: [] });
const located = new Map<Instance, { file: string; line: number; col: number }>();
const sourceOf = (of: Instance) => located.get(of);

/** A checker that finds `errors` in Services, cannot check KafkaTopics and passes the rest. */
const checker = {
  check: (object: Record<string, unknown>): CheckResult =>
    object.kind === 'KafkaTopic' ? { unchecked: 'no CRD for KafkaTopic' } : { errors: object.kind === 'Service' ? [{ pointer: '/spec/ports/0/port', message: 'must be integer' }] : [] },
} as unknown as SchemaChecker;

describe('previewTeam', () => {
  const web = instance('App', 'team-a-web', { port: 0 });
  located.set(web, { file: 'user-space/team-a/web.yaml', line: 4, col: 1 });

  it("expands the Workspace first, then each instance, and checks each object: schema, the API server's rules, the naming convention", () => {
    const preview = previewTeam(team(web), { rgds, checker, sourceOf });
    expect(preview.resources.map((resource) => `${resource.instance.metadata.name} ${describeResource(resource.object)}`)).toEqual([
      'team-a v1 Namespace team-a',
      'team-a v1 ResourceQuota team-a/quota',
      'team-a-web v1 Service team-a/team-a-web',
      'team-a-web v1 ConfigMap team-a/settings',
      'team-a-web kafka.strimzi.io/v1 KafkaTopic kafka/shared',
    ]);
    const at = 'user-space/team-a/web.yaml';
    expect(preview.problems.map(({ severity, location, message }) => `${location.file}:${location.line}:${location.col} ${severity} ${message}`)).toEqual([
      `${at}:4:1 error v1 Service team-a/team-a-web (resource "service" of App, template at rgds.yaml:6:17): /spec/ports/0/port must be integer`,
      `${at}:4:1 error App team-a-web: spec.port becomes spec.ports.0.port 0 of Service team-a/team-a-web, which the API server refuses: must be between 1 and 65535, inclusive`,
      // The Workspace's own objects (its quota) are the platform's, and so is what lives outside the team's namespace.
      `${at}:4:1 warning v1 ConfigMap team-a/settings (resource "config" of App): names in workspace "team-a" must start with "team-a-"`,
      `${at}:4:1 warning kafka.strimzi.io/v1 KafkaTopic kafka/shared (resource "topic" of App, template at rgds.yaml:10:17) not checked: no CRD for KafkaTopic`,
    ]);
  });

  it('points at the field the API server would refuse when it can be located, and at the team folder when nothing can', () => {
    const field = { file: 'user-space/team-a/web.yaml', line: 6, col: 9 };
    const other = instance('App', 'team-a-api', { port: 0 });
    const preview = previewTeam(team(other), { rgds, checker, sourceOf, locateField: (_, at) => (at.join('.') === 'spec.port' ? field : undefined) }, (candidate) => candidate === other);
    expect(preview.resources.map((resource) => resource.instance)).toEqual([other, other, other]);
    expect(preview.problems.map(({ location, message }) => [location, message.slice(0, 20)])).toEqual([
      [{ file: 'user-space/team-a', line: 1, col: 1 }, 'v1 Service team-a/te'],
      [field, 'App team-a-api: spec'],
      [{ file: 'user-space/team-a', line: 1, col: 1 }, 'v1 ConfigMap team-a/'],
      [{ file: 'user-space/team-a', line: 1, col: 1 }, 'kafka.strimzi.io/v1 '],
    ]);
  });

  it('passes a name that follows the convention, and leaves a name that is not a string to the schema check', () => {
    const named = rgdOf(`kind: ResourceGraphDefinition
spec:
  schema: {apiVersion: v1alpha1, kind: Named, spec: {}}
  resources:
    - {id: good, template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${schema.metadata.name}-config"}}}
    - {id: number, template: {apiVersion: v1, kind: ConfigMap, metadata: {name: 7}}}
    - {id: bare, template: {apiVersion: v1, kind: ConfigMap, metadata: {name: team-a-}}}
`);
    const preview = previewTeam(team(instance('Named', 'team-a-x', {})), { rgds: indexRgds([SPACE, named], []), checker, sourceOf }, (candidate) => candidate.kind === 'Named');
    // "team-a-" alone is no name of the team's (the API server refuses it too, an error of its own).
    expect(preview.problems.filter((problem) => problem.severity === 'warning').map((problem) => problem.message)).toEqual([
      'v1 ConfigMap team-a/team-a- (resource "bare" of Named): names in workspace "team-a" must start with "team-a-"',
    ]);
  });
});

describe('describeResource', () => {
  it('names a resource by API, kind, and namespace/name or name', () => {
    expect(describeResource({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team-a' } })).toBe('apps/v1 Deployment team-a/web');
    expect(describeResource({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } })).toBe('v1 Namespace team-a');
    expect(describeResource({ apiVersion: 'v1', kind: 'Namespace' })).toBe('v1 Namespace undefined');
  });
});

describe('secretPreview', () => {
  it('shows every key of data and stringData with its value as <encrypted>, in the namespace, without the SOPS metadata', () => {
    const document = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'team-a-keys' },
      type: 'Opaque',
      data: { token: 'ENC[AES256_GCM,data:abc]' },
      stringData: { password: 'ENC[AES256_GCM,data:def]' },
      sops: { age: [{ recipient: 'age1xyz', enc: '-----BEGIN AGE ENCRYPTED FILE-----' }] },
    };
    const preview = secretPreview({ name: 'team-a-keys', document, keys: ['token', 'password'] }, 'team-a');
    expect(preview).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'team-a-keys', namespace: 'team-a' }, type: 'Opaque', data: { token: '<encrypted>' }, stringData: { password: '<encrypted>' } });
    expect(JSON.stringify(preview)).not.toMatch(/ENC\[|age1|AGE ENCRYPTED/);
    expect(document.metadata).toEqual({ name: 'team-a-keys' });
    expect(secretPreview({ name: 'x', document: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }, keys: [] }, 'team-a')).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'team-a' } });
  });
});
