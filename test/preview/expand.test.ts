import { expandInstance } from '../../src/preview/expand';
import { indexRgds, type Rgd } from '../../src/preview/rgd';
import { fixtureRgds, instance, rgdOf, SOURCE } from './helpers';

const rgds = fixtureRgds();
const web = (spec: Record<string, unknown>) => expandInstance(instance('WebApplication', 'team-a-web', { image: 'nginx', ...spec }), rgds, SOURCE);
const byId = (expansion: ReturnType<typeof web>, id: string) => expansion.resources.filter((resource) => resource.resourceId === id).map((resource) => resource.object);

describe('expandInstance', () => {
  it('reads the fixture RGDs without problems', () => {
    expect(rgds.problems).toEqual([]);
  });

  it('applies SimpleSchema defaults and keeps standalone expressions typed', () => {
    const expansion = web({});
    expect(expansion.problems).toEqual([]);
    const [deployment] = byId(expansion, 'deployment') as any[];
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0].image).toBe('nginx:latest');
    expect(deployment.metadata).toEqual({ name: 'team-a-web', namespace: 'team-a', labels: { app: 'team-a-web', 'app.kubernetes.io/version': 'latest' } });
  });

  it('turns CEL maps into objects and lists into arrays', () => {
    const [deployment] = byId(web({ env: { A: '1', B: 'two' } }), 'deployment') as any[];
    expect(deployment.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: 'two' }]);
    const [service] = byId(web({}), 'service') as any[];
    expect(service.metadata.labels).toEqual({ app: 'team-a-web', 'app.kubernetes.io/version': 'latest' });
  });

  it('drops a resource whose includeWhen is false', () => {
    expect(byId(web({}), 'route')).toEqual([]);
    const [route] = byId(web({ host: 'my-app.example.com' }), 'route') as any[];
    expect(route.spec.hostnames).toEqual(['my-app.example.com']);
    expect(byId(web({ host: 'my-app.example.com', ingress: { enabled: false } }), 'route')).toEqual([]);
  });

  it('creates one resource per forEach element, with the iterator in scope', () => {
    const ports = byId(web({ extraPorts: [81, 82, 83] }), 'ports') as any[];
    expect(ports.map((service) => service.metadata.name)).toEqual(['team-a-web-81', 'team-a-web-82', 'team-a-web-83']);
    expect(ports[0].spec.ports).toEqual([{ port: 81 }]);
    expect(ports[0].spec.selector).toEqual({ app: 'team-a-web' });
  });

  it('shows references to status and cluster-filled fields as unresolved placeholders', () => {
    const [config] = byId(web({}), 'config') as any[];
    expect(config.data).toEqual({
      ready: '<unresolved: deployment.status.availableReplicas> replicas',
      clusterIP: '<unresolved: service.spec.clusterIP>',
      image: 'NGINX:LATEST',
    });
  });

  it("orders resources as kro does: after their dependencies, otherwise in declaration order", () => {
    const expansion = web({ host: 'h.example.com', extraPorts: [81] });
    expect(expansion.resources.map((resource) => resource.resourceId)).toEqual(['deployment', 'ports', 'service', 'route', 'config']);
  });

  it('reports values that break the schema at the instance', () => {
    const expansion = web({ replicas: 50, unknown: true });
    expect(expansion.resources).toEqual([]);
    expect(expansion.problems.map((problem) => [problem.location, problem.message])).toEqual([
      [SOURCE, 'WebApplication/team-a-web: spec.replicas must be <= 20 (schema of test/preview/fixtures/abstractions/webapplication.yaml)'],
      [SOURCE, 'WebApplication/team-a-web: spec.unknown is not a declared field (schema of test/preview/fixtures/abstractions/webapplication.yaml)'],
    ]);
  });

  it('reports a missing required field', () => {
    const expansion = expandInstance(instance('WebApplication', 'team-a-web', {}), rgds, SOURCE);
    expect(expansion.problems.map((problem) => problem.message)).toEqual([expect.stringMatching(/^WebApplication\/team-a-web: spec\.image is required \(schema of /)]);
  });

  it('computes integers and keeps a namespace the template sets', () => {
    const expansion = expandInstance(instance('Topic', 'team-a-01', {}), rgds, SOURCE);
    expect(expansion.resources.map((resource) => resource.object)).toEqual([
      {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'KafkaTopic',
        metadata: { name: 'team-a-01', namespace: 'kafka', labels: { 'strimzi.io/cluster': 'shared' } },
        spec: { partitions: 3, replicas: 1, config: { 'retention.ms': 604800000 } },
      },
    ]);
  });

  it('reports an instance of a kind no RGD defines', () => {
    const expansion = expandInstance(instance('Nothing', 'team-a-x', {}), rgds, SOURCE);
    expect(expansion.problems[0].message).toBe('Nothing/team-a-x: no ResourceGraphDefinition defines kro.run/v1alpha1 Nothing');
  });
});

/** An RGD read from `resources` (YAML), of kind `Thing` with the given SimpleSchema spec. */
function thingRgd(spec: string, resources: string): Rgd {
  return rgdOf(`kind: ResourceGraphDefinition
metadata: {name: thing}
spec:
  schema: {apiVersion: v1alpha1, kind: Thing, spec: ${spec}}
  resources:
${resources}`, 'thing.yaml');
}

const thing = (rgd: Rgd, spec: Record<string, unknown>) => expandInstance(instance('Thing', 'team-a-x', spec), indexRgds([rgd], []), SOURCE);
const problemsOf = (expansion: ReturnType<typeof thing>) => expansion.problems.map(({ severity, location, message }) => ({ severity, line: location.line, message }));

describe('expandInstance: what it refuses, and where it says so', () => {
  it('refuses resources that depend on one another in a cycle, at the resources', () => {
    const rgd = thingRgd('{}', `    - id: a
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${b.metadata.name}"}}
    - id: b
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${a.metadata.name}"}}`);
    const expansion = thing(rgd, {});
    expect(expansion.resources).toEqual([]);
    // At the list of resources, which starts on the line of its first item.
    expect(problemsOf(expansion)).toEqual([{ severity: 'error', line: 6, message: 'resources form a cycle: a -> b -> a' }]);
  });

  it('leaves out a resource whose expression fails, and what depends on it, reporting the expression where it is written', () => {
    const rgd = thingRgd('{count: integer}', `    - id: broken
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: {n: "\${string(10 / schema.spec.count)}"}}
    - id: after
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${broken.metadata.name}-after"}}
    - id: fine
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: fine}}
    - id: unparsed
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${schema.spec.count +}"}}`);
    const expansion = thing(rgd, { count: 0 });
    // An expression CEL cannot parse is one of the RGD's own problems (readRgd), not reported again per instance.
    expect(expansion.resources.map((resource) => resource.resourceId)).toEqual(['fine']);
    expect(problemsOf(expansion)).toEqual([{ severity: 'error', line: 7, message: expect.stringMatching(/^resource "broken" for Thing\/team-a-x: \$\{string\(10 \/ schema\.spec\.count\)\}: .*divi/i) }]);
    expect(thing(rgd, { count: 2 }).resources.map((resource) => resource.resourceId)).toEqual(['broken', 'after', 'fine']);
    expect(thing(rgd, { count: 2 }).problems).toEqual([]);
  });

  it('refuses a forEach that is not a list, naming what it got', () => {
    const rgd = thingRgd('{name: string}', `    - id: each
      forEach: [{item: "\${schema.spec.name}"}]
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${item}"}}
    - id: pending
      forEach: [{item: "\${each.status.items}"}]
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}`);
    const expansion = thing(rgd, { name: 'one' });
    expect(expansion.resources).toEqual([]);
    expect(problemsOf(expansion)).toEqual([{ severity: 'error', line: 7, message: 'resource "each" for Thing/team-a-x: forEach item must be a list, got "one"' }]);
  });

  it("refuses in a string template a value that is not a string, and omit(), which kro allows only as a whole field's value", () => {
    const rgd = thingRgd('{count: integer, flag: boolean}', `    - id: count
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "n-\${schema.spec.count}"}}
    - id: flag
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "f-\${schema.spec.flag}"}}
    - id: list
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "l-\${[1]}"}}
    - id: map
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "m-\${{'a': 1}}"}}
    - id: nothing
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "z-\${null}"}}
    - id: omitted
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "o-\${omit()}"}}
    - id: dropped
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: dropped, labels: {gone: "\${omit()}"}}}`);
    const expansion = thing(rgd, { count: 3, flag: true });
    expect(expansion.resources.map((resource) => resource.object)).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dropped', namespace: 'team-a', labels: {} } }]);
    expect(problemsOf(expansion)).toEqual([
      { severity: 'error', line: 7, message: 'resource "count" for Thing/team-a-x: ${schema.spec.count} is in a string template but returns an int, not a string (use string(...))' },
      { severity: 'error', line: 9, message: 'resource "flag" for Thing/team-a-x: ${schema.spec.flag} is in a string template but returns a boolean, not a string (use string(...))' },
      { severity: 'error', line: 11, message: 'resource "list" for Thing/team-a-x: ${[1]} is in a string template but returns a list, not a string (use string(...))' },
      { severity: 'error', line: 13, message: "resource \"map\" for Thing/team-a-x: ${{'a': 1}} is in a string template but returns a map, not a string (use string(...))" },
      { severity: 'error', line: 15, message: 'resource "nothing" for Thing/team-a-x: ${null} is in a string template but returns null, not a string (use string(...))' },
      { severity: 'error', line: 17, message: "resource \"omitted\" for Thing/team-a-x: ${omit()} returns omit(), which kro allows only as a whole field's value, not inside a string" },
    ]);
  });

  it('reports a field the instance does not set where an expression needs its value, and not where CEL only asks whether it is there', () => {
    const rgd = thingRgd('{note: string}', `    - id: needs
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: {note: "\${schema.spec.note + '!'}"}}
    - id: asks
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: y}, data: {note: "\${has(schema.spec.note) ? schema.spec.note : 'none'}"}}`);
    const expansion = thing(rgd, {});
    expect(expansion.resources.map((resource) => resource.object.data)).toEqual([{ note: 'none' }]);
    expect(problemsOf(expansion)).toEqual([{ severity: 'error', line: SOURCE.line, message: 'Thing/team-a-x: schema.spec.note has no value (not set and no default), needed by resource "needs" of thing.yaml' }]);
    // Of a deeper path, the first part that is not set.
    const deeper = thingRgd('{web: {port: integer}}', `    - id: port
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: {port: "\${string(schema.spec.web.port + 1)}"}}`);
    expect(problemsOf(thing(deeper, {})).map((problem) => problem.message)).toEqual(['Thing/team-a-x: schema.spec.web has no value (not set and no default), needed by resource "port" of thing.yaml']);
  });

  it('keeps a resource whose includeWhen only the cluster can decide, with a warning; refuses one that is not a boolean', () => {
    const rgd = thingRgd('{name: string}', `    - id: base
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: base}}
    - id: later
      includeWhen: ["\${base.status.ready}"]
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: later}}
    - id: named
      includeWhen: ["\${schema.spec.name}"]
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: named}}
    - id: failing
      includeWhen: ["\${int(schema.spec.name) > 0}"]
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: failing}}`);
    const expansion = thing(rgd, { name: 'yes' });
    expect(expansion.resources.map((resource) => resource.resourceId)).toEqual(['base', 'later']);
    expect(problemsOf(expansion)).toEqual([
      { severity: 'warning', line: 9, message: 'resource "later" for Thing/team-a-x: includeWhen depends on base.status.ready; shown as included' },
      { severity: 'error', line: 12, message: 'resource "named" for Thing/team-a-x: includeWhen must be a boolean, got "yes"' },
      // A condition that fails is reported as it failed, once.
      { severity: 'error', line: 15, message: expect.stringMatching(/^resource "failing" for Thing\/team-a-x: \$\{int\(schema\.spec\.name\) > 0\}: /) },
    ]);
  });
});

describe('expandInstance: what each expression sees', () => {
  it('binds a forEach resource as the list of its objects, and CEL names such as int as CEL has them', () => {
    const rgd = thingRgd('{names: "[]string"}', `    - id: each
      forEach: [{n: "\${schema.spec.names}"}]
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${n}"}}
    - id: summary
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: summary}, data: {count: "\${string(size(each))}", last: "\${each[1].metadata.name}", typed: "\${string(type(1) == int)}"}}`);
    const expansion = thing(rgd, { names: ['a', 'b'] });
    expect(expansion.problems).toEqual([]);
    expect(expansion.resources.map((resource) => resource.object.data ?? resource.object.metadata)).toEqual([
      { name: 'a', namespace: 'team-a' },
      { name: 'b', namespace: 'team-a' },
      { count: '2', last: 'b', typed: 'true' },
    ]);
  });

  it("shows what a resource reads of itself as the cluster's, and fails on a name that is neither schema, a resource nor an iterator", () => {
    const rgd = thingRgd('{}', `    - id: a
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {uid: "\${a.metadata.uid}"}}
    - id: b
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${nope.name}"}}`);
    const expansion = thing(rgd, {});
    expect(expansion.resources.map((resource) => resource.object.data)).toEqual([{ uid: '<unresolved: a.metadata.uid>' }]);
    expect(problemsOf(expansion)).toEqual([{ severity: 'error', line: 9, message: expect.stringMatching(/^resource "b" for Thing\/team-a-x: \$\{nope\.name\}: /) }]);
  });

  it("gives a cluster-scoped instance's expressions no namespace, and shows a value holding one only the cluster knows as unresolved", () => {
    const tenant = rgdOf(`kind: ResourceGraphDefinition
spec:
  schema: {apiVersion: v1alpha1, kind: Tenant, scope: Cluster, spec: {}}
  resources:
    - id: space
      template: {apiVersion: v1, kind: Namespace, metadata: {name: "\${schema.metadata.name}", labels: {scoped: "\${has(schema.metadata.namespace) ? 'yes' : 'no'}"}}}
    - id: first
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: first, namespace: x}, data: {phase: "\${space.status.phase}", name: "\${space.metadata.name}"}}
    - id: second
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: second, namespace: x}, data: "\${first.data}"}
`);
    const expansion = expandInstance(instance('Tenant', 'team-a', {}), indexRgds([tenant], []), SOURCE);
    expect(expansion.problems).toEqual([]);
    const [space, first, second] = expansion.resources.map((resource) => resource.object);
    expect(space.metadata).toEqual({ name: 'team-a', labels: { scoped: 'no' } });
    expect(first.data).toEqual({ phase: '<unresolved: space.status.phase>', name: 'team-a' });
    // A map that holds a value only the cluster knows is itself known only to the cluster.
    expect(second.data).toBe('<unresolved: space.status.phase>');
  });
});

describe('expandInstance: omit(), failures and placeholders inside values', () => {
  it('drops what omit() returns from a list and from a map an expression returns', () => {
    const rgd = thingRgd('{}', `    - id: a
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, list: ["\${omit()}", x], data: "\${{'gone': omit(), 'kept': 'y'}}"}`);
    const [object] = thing(rgd, {}).resources.map((resource) => resource.object);
    expect([object.list, object.data]).toEqual([['x'], { kept: 'y' }]);
  });

  it('reports a failing expression once, in a forEach or inside a string template, and names the first value only the cluster knows', () => {
    const rgd = thingRgd('{name: string}', `    - id: each
      forEach: [{i: "\${int(schema.spec.name)}"}]
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}
    - id: named
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "n-\${string(int(schema.spec.name))}"}}
    - id: base
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: base}}
    - id: pending
      forEach: [{i: "\${base.status.x}-\${base.status.y}"}]
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}`);
    expect(problemsOf(thing(rgd, { name: 'not a number' }))).toEqual([
      { severity: 'error', line: 7, message: expect.stringMatching(/^resource "each" for Thing\/team-a-x: \$\{int\(schema\.spec\.name\)\}: /) },
      { severity: 'error', line: 10, message: expect.stringMatching(/^resource "named" for Thing\/team-a-x: \$\{string\(int\(schema\.spec\.name\)\)\}: /) },
      { severity: 'error', line: 14, message: 'resource "pending" for Thing/team-a-x: forEach i must be a list, got a value only the cluster knows (base.status.x)' },
    ]);
  });

  it("reads has() of a rendered resource's field from what it renders, and a value that holds one only the cluster knows as the cluster's", () => {
    const rgd = thingRgd('{name: string}', `    - id: first
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: first}, list: [a, "\${second.status.x}"], data: {known: k}}
    - id: second
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: second}}
    - id: third
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: third}, data: {has: "\${has(first.data.missing) ? 'yes' : 'no'}", list: "\${first.list}", first: "\${string(schema.spec.name[0])}"}}`);
    const expansion = thing(rgd, { name: 'abc' });
    expect(expansion.resources.find((resource) => resource.resourceId === 'third')).toBeUndefined();
    expect(problemsOf(expansion)).toEqual([{ severity: 'error', line: SOURCE.line, message: expect.stringMatching(/^Thing\/team-a-x: /) }]);
    const fine = thingRgd('{name: string}', `    - id: first
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: first}, list: [a, "\${second.status.x}"], info: {known: k, pending: "\${second.status.y}"}, data: {known: k}}
    - id: second
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: second}}
    - id: third
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: third}, data: {has: "\${has(first.data.missing) ? 'yes' : 'no'}", list: "\${first.list}", info: "\${first.info}", deep: "\${has(first.data.absent.deeper) ? 'yes' : 'no'}"}}`);
    const third = thing(fine, { name: 'abc' }).resources.find((resource) => resource.resourceId === 'third');
    // A list or map holding a value only the cluster knows is known no better than that value.
    expect(third?.object.data).toEqual({ has: 'no', list: '<unresolved: second.status.x>', info: '<unresolved: second.status.y>', deep: '<unresolved: first.data.absent.deeper>' });
  });
});

describe('expandInstance: nested abstractions', () => {
  it("expands an instance an RGD creates with that instance's RGD, five levels deep at most", () => {
    const rgd = thingRgd('{level: integer | default=0}', `    - id: inner
      template: {apiVersion: kro.run/v1alpha1, kind: Thing, metadata: {name: "\${schema.metadata.name}-i"}, spec: {level: "\${schema.spec.level + 1}"}}`);
    const expansion = thing(rgd, {});
    expect(expansion.problems).toEqual([]);
    expect(expansion.resources.map((resource) => [resource.instance.metadata.name, resource.object.metadata, (resource.object.spec as { level: number }).level])).toEqual(
      [1, 2, 3, 4, 5, 6].map((level) => ['team-a-x', { name: `team-a-x${'-i'.repeat(level)}`, namespace: 'team-a' }, level]),
    );
  });
});

describe('expandInstance: namespaces', () => {
  it.each([
    'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'PriorityClass', 'CustomResourceDefinition', 'IngressClass', 'RuntimeClass',
    'GatewayClass', 'ClusterPolicy', 'CiliumClusterwideNetworkPolicy', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingPolicy', 'ResourceGraphDefinition',
  ])('gives a %s no namespace, as kro does not', (kind) => {
    const rgd = thingRgd('{}', `    - id: made
      template: {apiVersion: v1, kind: ${kind}, metadata: {name: made}}`);
    expect(thing(rgd, {}).resources.map((resource) => resource.object.metadata)).toEqual([{ name: 'made' }]);
  });

  it("gives other kinds the instance's namespace, and an instance of a cluster-scoped RGD none", () => {
    const scoped = rgdOf(`kind: ResourceGraphDefinition
spec:
  schema: {apiVersion: v1alpha1, kind: Tenant, scope: Cluster, spec: {}}
  resources: [{id: space, template: {apiVersion: v1, kind: Namespace, metadata: {name: "\${schema.metadata.name}"}}}]
`);
    const rgd = thingRgd('{}', `    - {id: config, template: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}}
    - {id: tenant, template: {apiVersion: kro.run/v1alpha1, kind: Tenant, metadata: {name: t}}}`);
    const expansion = expandInstance(instance('Thing', 'team-a-x', {}), indexRgds([rgd, scoped], []), SOURCE);
    expect(expansion.resources.map((resource) => [resource.resourceId, resource.object.metadata])).toEqual([
      ['config', { name: 'c', namespace: 'team-a' }],
      ['tenant', { name: 't' }],
      ['space', { name: 't' }],
    ]);
  });
});
