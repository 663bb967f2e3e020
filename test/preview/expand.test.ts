import { expandInstance } from '../../src/preview/expand';
import { fixtureRgds, instance, SOURCE } from './helpers';

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
