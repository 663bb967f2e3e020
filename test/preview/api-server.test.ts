/**
 * What validate and synth expand of the RGDs to check team values against the API server's rules
 * (teamValueGraphs), and how a refusal is reported (apiServerProblems).
 */
import { apiServerProblems, apiServerProblemsOf, teamValueGraphs } from '../../src/preview/api-server';
import { expandInstance } from '../../src/preview/expand';
import { indexRgds, type Rgd } from '../../src/preview/rgd';
import { instance, rgdOf, SOURCE } from './helpers';

const APP = rgdOf(`
kind: ResourceGraphDefinition
metadata: {name: app}
spec:
  schema:
    apiVersion: v1alpha1
    kind: App
    spec: {image: string, envName: string, env: "map[string]string", replicas: integer, public: boolean, dbSize: integer, hosts: "[]string"}
  resources:
    - id: deployment
      template:
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: "\${schema.metadata.name}", annotations: {owner: platform}}
        spec:
          replicas: \${schema.spec.replicas}
          template:
            metadata: {labels: {app: "\${schema.metadata.name}"}}
            spec:
              containers:
                - name: app
                  image: \${schema.spec.image}
                  ports: [{name: http, containerPort: 8080}]
                  env: [{name: STATIC, value: x}, {name: "\${schema.spec.envName}", value: "\${deployment.metadata.uid}"}]
    - id: config
      includeWhen: ["\${schema.spec.public}", "\${deployment.status.readyReplicas > 0}"]
      template:
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: "\${schema.metadata.name}-env"
          labels: {mixed: "\${schema.metadata.name + deployment.metadata.name}", joined: "\${schema.metadata.name}-\${deployment.metadata.name}"}
        data: \${schema.spec.env}
    - id: status
      template:
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: app-status}
        data: {ready: "\${string(deployment.status.readyReplicas)}"}
    - id: routes
      forEach: [{host: "\${deployment.spec.template.spec.containers}"}]
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${schema.metadata.name}-\${host.name}", labels: {app: "\${schema.metadata.name}"}}}
    - id: aliases
      forEach: [{host: "\${schema.spec.hosts}"}]
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${schema.metadata.name}-\${host}", labels: {app: "\${schema.metadata.name}"}}}
    - id: db
      template:
        apiVersion: kro.run/v1alpha1
        kind: Db
        metadata: {name: "\${schema.metadata.name}"}
        spec: {size: "\${schema.spec.dbSize}", engine: postgres, backup: "\${deployment.metadata.name}"}
`);

const DB = rgdOf(`
kind: ResourceGraphDefinition
metadata: {name: db}
spec:
  schema: {apiVersion: v1alpha1, kind: Db, spec: {size: integer}}
  resources:
    - id: secret
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${schema.metadata.name}-db"}}
`);

describe('teamValueGraphs: what validate and synth expand', () => {
  const pruned = teamValueGraphs(indexRgds([APP, DB], []));
  const resources = pruned.find('kro.run/v1alpha1', 'App')!.resources;

  it("keeps of each template apiVersion, kind and the values the API server's rules read that come from the instance alone", () => {
    expect(resources.find((resource) => resource.id === 'deployment')).toEqual({
      id: 'deployment',
      template: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: '${schema.metadata.name}' },
        // A list keeps its length, null for what is cut, so paths match the whole template's.
        spec: { template: { metadata: { labels: { app: '${schema.metadata.name}' } }, spec: { containers: [{ image: '${schema.spec.image}', env: [null, { name: '${schema.spec.envName}' }] }] } } },
      },
      includeWhen: [],
      readyWhen: [],
      forEach: [],
    });
    expect(resources.find((resource) => resource.id === 'config')).toEqual({
      id: 'config',
      template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${schema.metadata.name}-env' }, data: '${schema.spec.env}' },
      includeWhen: ['${schema.spec.public}'],
      readyWhen: [],
      forEach: [],
    });
  });

  it('keeps every instance-derived value of an instance of another of the RGDs, which its own expansion reads', () => {
    expect(resources.find((resource) => resource.id === 'db')?.template).toEqual({ apiVersion: 'kro.run/v1alpha1', kind: 'Db', metadata: { name: '${schema.metadata.name}' }, spec: { size: '${schema.spec.dbSize}' } });
  });

  it('drops a resource with no value from the instance, and one repeated over what another resource holds', () => {
    expect(resources.map((resource) => resource.id)).toEqual(['deployment', 'config', 'aliases', 'db']);
    // What reads an iterator is cut, as is what reads another resource: only the instance's own values stay.
    const aliases = resources.find((resource) => resource.id === 'aliases');
    expect(aliases?.forEach).toEqual([{ name: 'host', expression: '${schema.spec.hosts}' }]);
    expect(aliases?.template).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: { app: '${schema.metadata.name}' } } });
    expect(pruned.find('kro.run/v1alpha1', 'Db')?.resources.map((resource) => resource.id)).toEqual(['secret']);
  });

  it("keeps only the paths the rules read, not their neighbours, and of a nested map no literal named like apiVersion or kind", () => {
    const site = rgdOf(`
kind: ResourceGraphDefinition
metadata: {name: site}
spec:
  schema: {apiVersion: v1alpha1, kind: Site, spec: {type: string, port: integer}}
  resources:
    - id: service
      template:
        apiVersion: v1
        kind: Service
        metadata: {name: "\${schema.metadata.name}", labels: {kind: site, app: "\${schema.metadata.name}"}}
        spec: {type: "\${schema.spec.type}", kind: "\${schema.spec.type}", ports: [{port: "\${schema.spec.port}"}]}
`);
    expect(teamValueGraphs(indexRgds([site], [])).find('kro.run/v1alpha1', 'Site')?.resources[0].template).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: '${schema.metadata.name}', labels: { app: '${schema.metadata.name}' } },
      spec: { ports: [{ port: '${schema.spec.port}' }] },
    });
  });

  it('finds the same refusals on a team value as the whole graph', () => {
    const app = instance('App', 'web', { image: 'nginx', envName: 'A=B', env: { GOOD: '1', 'B=C': '2' }, replicas: 1, public: true, dbSize: 1, hosts: ['Www'] });
    const problemsWith = (rgds: Rgd[]) => {
      const expansion = expandInstance(app, indexRgds(rgds, []), SOURCE);
      return expansion.resources.flatMap((resource) => apiServerProblems(resource, () => undefined, SOURCE).map((problem) => problem.message));
    };
    const found = problemsWith([...teamValueGraphs(indexRgds([APP, DB], [])).rgds]);
    expect(found).toEqual([
      'App web: spec.envName becomes spec.template.spec.containers.0.env.1.name "A=B" of Deployment team-a/web, which the API server refuses: a valid environment variable name must consist only of printable ASCII characters other than \'=\'',
      expect.stringMatching(/^App web: spec\.env key "B=C" becomes data key "B=C" of ConfigMap team-a\/web-env, which the API server refuses: a valid config key/),
    ]);
    expect(problemsWith([APP, DB])).toEqual(expect.arrayContaining(found));
  });
});

describe('apiServerProblems: where a refusal is reported', () => {
  const PLATFORM = rgdOf(`
kind: ResourceGraphDefinition
metadata: {name: site}
spec:
  schema: {apiVersion: v1alpha1, kind: Site, spec: {port: integer, labels: "map[string]string", suffix: string}}
  resources:
    - id: service
      template:
        apiVersion: v1
        kind: Service
        metadata: {name: "\${schema.metadata.name}", labels: "\${schema.spec.labels}"}
        spec: {ports: [{name: WEB, port: "\${schema.spec.port}"}]}
    - id: config
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${service.metadata.name}-\${schema.spec.suffix}"}}
`);

  it("on the team's field, naming the value, when a team value is refused; on the instance, naming the platform's template, when the template's own text is", () => {
    const site = instance('Site', 'shop', { port: 0, labels: { app: 'not valid!', 'bad key!': 'web' }, suffix: 'X' });
    const location = { file: 'user-space/team-a/site.yaml', line: 7, col: 9 };
    const expansion = expandInstance(site, indexRgds([PLATFORM], []), SOURCE);
    const keyLocation = { file: 'user-space/team-a/site.yaml', line: 5, col: 7 };
    const locate = (_: unknown, at: readonly (string | number)[], key: boolean) => (at.join('.') === 'spec.port' ? location : key ? keyLocation : undefined);
    const problems = expansion.resources.flatMap((resource) => apiServerProblems(resource, locate, SOURCE));
    const label = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    expect(problems.slice(2, 4)).toEqual([
      {
        severity: 'error',
        location: SOURCE,
        message: expect.stringMatching(/^Site shop: spec\.ports\.0\.name "WEB" of Service team-a\/shop \(resource "service" of Site, the platform's template\), which the API server refuses: a lowercase RFC 1123 label/),
      },
      { severity: 'error', location, message: 'Site shop: spec.port becomes spec.ports.0.port 0 of Service team-a/shop, which the API server refuses: must be between 1 and 65535, inclusive' },
    ]);
    // A refused key is located at the key the team wrote, not at its value.
    expect(problems.map((problem) => problem.location)).toEqual([SOURCE, keyLocation, SOURCE, location, SOURCE]);
    expect([...problems.slice(0, 2), ...problems.slice(4)].map((problem) => problem.message)).toEqual([
      expect.stringContaining(`Site shop: spec.labels.app becomes metadata.labels.app "not valid!" of Service team-a/shop, which the API server refuses: a valid label must be an empty string or ${label.replace('must consist', 'consist')}`),
      expect.stringContaining(`Site shop: spec.labels key "bad key!" becomes metadata.labels key "bad key!" of Service team-a/shop, which the API server refuses: name part ${label}`),
      expect.stringContaining('Site shop: spec.suffix becomes metadata.name "shop-X" of ConfigMap team-a/shop-X, which the API server refuses: a lowercase RFC 1123 subdomain'),
    ]);
  });

  it('checks an instance once on clusters whose graphs agree, and again on a cluster whose graphs differ', () => {
    const site = instance('Site', 'shop', { port: 0, labels: {}, suffix: 'x' });
    const teams = () => [{ team: 'team-a', workspace: site, instances: [], secrets: [] }];
    const quiet = rgdOf(`
kind: ResourceGraphDefinition
metadata: {name: site}
spec:
  schema: {apiVersion: v1alpha1, kind: Site, spec: {port: integer}}
  resources:
    - id: service
      template: {apiVersion: v1, kind: Service, metadata: {name: "\${schema.metadata.name}"}, spec: {ports: [{name: web, port: 80}]}}
`);
    const problems = (graphs: Record<string, Rgd[]>) => apiServerProblemsOf(teams, Object.keys(graphs), (cluster) => indexRgds(graphs[cluster], []), () => undefined).map(({ location, message }) => ({ location: { ...location }, message }));
    // Where the team's file cannot be located, the problem points at its folder.
    const refusal = { location: { file: 'user-space/team-a', line: 1, col: 1 }, message: 'Site shop: spec.port becomes spec.ports.0.port 0 of Service team-a/shop, which the API server refuses: must be between 1 and 65535, inclusive' };
    expect(problems({ dev: [quiet], prd: [PLATFORM] })).toEqual([refusal]);
    expect(problems({ dev: [PLATFORM], prd: [PLATFORM] })).toEqual([refusal]);
  });

  it("names the platform's template for a refused key it spells out itself, even when the key's value is the team's", () => {
    const labelled = rgdOf(`
kind: ResourceGraphDefinition
metadata: {name: labelled}
spec:
  schema: {apiVersion: v1alpha1, kind: Labelled, spec: {owner: string}}
  resources:
    - id: config
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${schema.metadata.name}", labels: {"bad key!": "\${schema.spec.owner}"}}}
`);
    const problems = expandInstance(instance('Labelled', 'shop', { owner: 'web' }), indexRgds([labelled], []), SOURCE).resources.flatMap((resource) => apiServerProblems(resource, () => ({ file: 'elsewhere', line: 1, col: 1 }), SOURCE));
    expect(problems.map(({ location, message }) => ({ location, message }))).toEqual([
      { location: SOURCE, message: expect.stringMatching(/^Labelled shop: metadata\.labels key "bad key!" of ConfigMap team-a\/shop \(resource "config" of Labelled, the platform's template\), which the API server refuses: name part must consist/) },
    ]);
  });

  it("names the platform's template for a value from the instance's kind, which the team does not write", () => {
    const kinds = rgdOf(`
kind: ResourceGraphDefinition
metadata: {name: kinds}
spec:
  schema: {apiVersion: v1alpha1, kind: Kinded, spec: {}}
  resources:
    - id: config
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${schema.kind}"}}
`);
    const problems = expandInstance(instance('Kinded', 'shop', {}), indexRgds([kinds], []), SOURCE).resources.flatMap((resource) => apiServerProblems(resource, () => ({ file: 'elsewhere', line: 1, col: 1 }), SOURCE));
    expect(problems.map(({ location, message }) => ({ location, message }))).toEqual([
      { location: SOURCE, message: expect.stringMatching(/^Kinded shop: metadata\.name "Kinded" of ConfigMap team-a\/Kinded \(resource "config" of Kinded, the platform's template\), which the API server refuses: a lowercase RFC 1123 subdomain/) },
    ]);
  });

  it('names a cluster-scoped object without a namespace', () => {
    const spaces = rgdOf(`
kind: ResourceGraphDefinition
metadata: {name: spaces}
spec:
  schema: {apiVersion: v1alpha1, kind: Space, spec: {space: string}}
  resources:
    - id: namespace
      template: {apiVersion: v1, kind: Namespace, metadata: {name: "\${schema.spec.space}"}}
`);
    const problems = expandInstance(instance('Space', 'shop', { space: 'Shop' }), indexRgds([spaces], []), SOURCE).resources.flatMap((resource) => apiServerProblems(resource, () => undefined, SOURCE));
    expect(problems.map((problem) => problem.message)).toEqual([expect.stringMatching(/^Space shop: spec\.space becomes metadata\.name "Shop" of Namespace Shop, which the API server refuses: a lowercase RFC 1123 label/)]);
  });

  it('names no value where the refused value is not one, as a whole map that is too large', () => {
    const big = rgdOf(`
kind: ResourceGraphDefinition
metadata: {name: notes}
spec:
  schema: {apiVersion: v1alpha1, kind: Notes, spec: {notes: "map[string]string"}}
  resources:
    - id: config
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${schema.metadata.name}", annotations: "\${schema.spec.notes}"}}
`);
    const notes = instance('Notes', 'shop', { notes: { note: 'x'.repeat(256 * 1024) } });
    const [problem, ...others] = expandInstance(notes, indexRgds([big], []), SOURCE).resources.flatMap((resource) => apiServerProblems(resource, () => undefined, SOURCE));
    expect(others).toEqual([]);
    expect(problem.message).toBe('Notes shop: spec.notes becomes metadata.annotations of ConfigMap team-a/shop, which the API server refuses: may not have more than 262144 bytes');
  });
});
