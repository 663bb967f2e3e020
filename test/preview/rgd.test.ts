import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { createdKinds, indexRgds, readRgd, listExpressions, loadRgds, rgdSet, type Rgd } from '../../src/preview/rgd';
import { CACHE_DIR } from '../../src/compiled-cache';
import { creationOrder } from '../../src/preview/graph';
import { tempDir } from '../helpers';
import { FIXTURES, fixtureRgds, rgdOf, ROOT } from './helpers';

describe('RGD checks', () => {
  it('reports an undeclared schema field and a CEL syntax error with the RGD file, line and resource id', () => {
    const { problems } = fixtureRgds('broken');
    expect(problems.map((problem) => `${problem.location.file}:${problem.location.line}: ${problem.message}`)).toEqual([
      `test/preview/fixtures/broken/broken.yaml:17: resource "typo": \${schema.spec.nme}: schema.spec.nme is not declared in the RGD's schema`,
      expect.stringMatching(/^test\/preview\/fixtures\/broken\/broken\.yaml:23: resource "syntax": \$\{schema\.spec\.name \+\}: CEL syntax error: /),
    ]);
  });

  it('reports unknown identifiers and conditions that are not a single expression', () => {
    const result = readRgd('x.yaml', `
kind: ResourceGraphDefinition
spec:
  schema: {apiVersion: v1alpha1, kind: X, spec: {on: boolean}}
  resources:
    - id: a
      includeWhen: ["on: \${schema.spec.on}"]
      template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${nope.metadata.name}"}}
`);
    expect(result.problems.map((problem) => problem.message)).toEqual([
      'resource "a": ${nope.metadata.name}: unknown identifier "nope" (not schema, a resource id or a forEach iterator)',
      'resource "a": ${schema.spec.on}: includeWhen must be a single ${...} expression',
    ]);
  });

  it('reports an invalid SimpleSchema', () => {
    const result = readRgd('x.yaml', 'kind: ResourceGraphDefinition\nspec:\n  schema: {apiVersion: v1alpha1, kind: X, spec: {n: "integer | colour=red"}}\n');
    expect(result.problems.map((problem) => problem.message)).toEqual(['invalid schema: spec.n: unknown marker: colour']);
  });

  it('lists every expression with its references, for the abstractions tests', () => {
    const rgd = fixtureRgds().rgds.find((candidate) => candidate.kind === 'WebApplication') as Rgd;
    const sites = listExpressions(rgd);
    const image = sites.find((site) => site.source === 'schema.spec.image');
    expect(image).toMatchObject({ resourceId: 'deployment', field: 'template', standalone: false });
    expect(image?.references).toEqual([{ root: 'schema', path: ['spec', 'image'], testOnly: false }]);
    const env = sites.find((site) => site.source.startsWith('schema.spec.env.map'));
    expect(env?.references.map((reference) => reference.path.join('.'))).toEqual(['spec.env', 'spec.env']);
    const status = sites.find((site) => site.field === 'status');
    expect(status?.references).toEqual([{ root: 'deployment', path: ['status', 'availableReplicas'], testOnly: false }]);
  });

  it('reports a dependency cycle', () => {
    const result = readRgd('x.yaml', `
kind: ResourceGraphDefinition
spec:
  schema: {apiVersion: v1alpha1, kind: X, spec: {}}
  resources:
    - {id: a, template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${b.metadata.name}"}}}
    - {id: b, template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${a.metadata.name}"}}}
`);
    expect('rgd' in result && creationOrder(result.rgd)).toEqual({ cycle: ['a', 'b', 'a'] });
  });

  it('reads RGDs from the compiled cache as from their YAML: same values, problems and locations', () => {
    for (const dir of ['abstractions', 'broken']) {
      const folder = path.join(FIXTURES, dir);
      const fresh = fs.readdirSync(folder).sort().map((name) => readRgd(path.relative(ROOT, path.join(folder, name)), fs.readFileSync(path.join(folder, name), 'utf8')));
      loadRgds(ROOT, folder);
      const cached = loadRgds(ROOT, folder);
      expect(cached.problems).toEqual(fresh.flatMap((result) => result.problems));
      const rgds = fresh.flatMap((result) => ('rgd' in result ? [result.rgd] : []));
      expect(cached.rgds.map(({ locate, ...rgd }) => rgd)).toEqual(rgds.map(({ locate, ...rgd }) => rgd));
      cached.rgds.forEach((rgd, index) => {
        const at = ['spec', 'resources', rgd.resources.length - 1, 'template', 'metadata', 'name', 'nowhere'];
        expect(rgd.locate(at)).toEqual(rgds[index].locate(at));
      });
    }
  });

  it('parses an RGD text it has not seen before into the cache, as its YAML says', () => {
    // A text no earlier run has cached (the cache outlives the test run), so this run writes it;
    // the module it writes, which holds the unique name, is removed after.
    const unique = `rgd-${randomUUID()}`;
    const text = `kind: ResourceGraphDefinition\nmetadata: {name: ${unique}}\nspec:\n  schema: {apiVersion: v1, kind: X}\n`;
    const read = () => rgdSet(ROOT, [{ file: 'x.yaml', text }]).rgds.map((rgd) => [rgd.name, rgd.kind, rgd.locate(['spec', 'schema'])]);
    try {
      expect(read()).toEqual([[unique, 'X', { file: 'x.yaml', line: 4, col: 11 }]]);
      expect(read()).toEqual([[unique, 'X', { file: 'x.yaml', line: 4, col: 11 }]]);
    } finally {
      for (const file of fs.readdirSync(CACHE_DIR)) {
        if (fs.readFileSync(path.join(CACHE_DIR, file), 'utf8').includes(unique)) fs.rmSync(path.join(CACHE_DIR, file));
      }
    }
  });
});

describe('readRgd: what it reads of an RGD, and where it points', () => {
  const TEXT = `kind: ResourceGraphDefinition
metadata: {name: things}
spec:
  schema:
    apiVersion: v1alpha2
    group: example.com
    kind: Thing
    scope: Cluster
    spec: {size: integer}
    status: {ready: "\${a.status.ready}"}
  resources:
    - id: a
      forEach: [{x: "\${schema.spec.list}"}, {y: "\${[1, 2]}"}]
      includeWhen: ["\${schema.spec.size > 0}"]
      readyWhen: ["\${a.status.ready}"]
      template: {apiVersion: v1, kind: ConfigMap}
    - id: b
`;

  it('reads the API, scope and resources it defines, with defaults for what a resource leaves out', () => {
    const result = readRgd('things.yaml', TEXT);
    if (!('rgd' in result)) throw new Error('not read');
    const { locate, spec, ...rgd } = result.rgd;
    expect(rgd).toEqual({
      file: 'things.yaml',
      name: 'things',
      apiVersion: 'example.com/v1alpha2',
      kind: 'Thing',
      scope: 'Cluster',
      status: { ready: '${a.status.ready}' },
      resources: [
        { id: 'a', template: { apiVersion: 'v1', kind: 'ConfigMap' }, includeWhen: ['${schema.spec.size > 0}'], readyWhen: ['${a.status.ready}'], forEach: [{ name: 'x', expression: '${schema.spec.list}' }, { name: 'y', expression: '${[1, 2]}' }] },
        { id: 'b', template: {}, includeWhen: [], readyWhen: [], forEach: [] },
      ],
    });
    expect(spec).toEqual({ type: 'object', required: [], properties: { size: { type: 'integer' } } });
    // The forEach expression may not use the iterators; schema.spec.list is not declared.
    expect(result.problems.map((problem) => `${problem.location.line}:${problem.location.col} ${problem.message}`)).toEqual([
      `13:21 resource "a": \${schema.spec.list}: schema.spec.list is not declared in the RGD's schema`,
    ]);
  });

  it("defaults the group to kro.run, the scope to Namespaced and the name to the file's", () => {
    const result = readRgd('dist/x.yaml', 'kind: ResourceGraphDefinition\nspec:\n  schema: {apiVersion: v1, kind: X, scope: cluster}\n  resources: {}\n');
    expect('rgd' in result && { name: result.rgd.name, apiVersion: result.rgd.apiVersion, scope: result.rgd.scope, resources: result.rgd.resources }).toEqual({ name: 'x.yaml', apiVersion: 'kro.run/v1', scope: 'Namespaced', resources: [] });
  });

  it('locates a path at its node, or at its closest ancestor in the file', () => {
    const result = readRgd('things.yaml', TEXT);
    if (!('rgd' in result)) throw new Error('not read');
    const { locate } = result.rgd;
    expect(locate(['spec', 'resources', 0, 'forEach', 1, 'y'])).toEqual({ file: 'things.yaml', line: 13, col: 49 });
    expect(locate(['spec', 'resources', 0, 'template', 'metadata', 'name'])).toEqual({ file: 'things.yaml', line: 16, col: 17 });
    expect(locate(['spec', 'resources', 9])).toEqual({ file: 'things.yaml', line: 12, col: 5 });
    expect(locate([])).toEqual({ file: 'things.yaml', line: 1, col: 1 });
    expect(locate(['nowhere'])).toEqual({ file: 'things.yaml', line: 1, col: 1 });
    const commented = readRgd('things.yaml', `# The things.\n\n${TEXT}`);
    expect('rgd' in commented && commented.rgd.locate(['nowhere'])).toEqual({ file: 'things.yaml', line: 3, col: 1 });
  });

  it('refuses what is not YAML at the error, and what is not an RGD at the top of the file', () => {
    expect(readRgd('bad.yaml', 'kind: x\n  - : [\n')).toEqual({ problems: [{ severity: 'error', location: { file: 'bad.yaml', line: 1, col: 7 }, message: expect.not.stringContaining('\n') }] });
    const notRgd = 'not a kro ResourceGraphDefinition (kind ResourceGraphDefinition with spec.schema)';
    for (const text of ['- a list', 'kind: Deployment\nspec: {schema: {}}', 'kind: ResourceGraphDefinition\nspec: []', 'kind: ResourceGraphDefinition\nspec: {schema: x}']) {
      expect(readRgd('x.yaml', text)).toEqual({ problems: [{ severity: 'error', location: { file: 'x.yaml', line: 1, col: 1 }, message: notRgd }] });
    }
  });

  it("says the YAML parser's first line, and refuses an empty file as no RGD", () => {
    expect(readRgd('bad.yaml', 'kind: x\n  - : [\n').problems.map((problem) => problem.message)).toEqual(['Nested mappings are not allowed in compact mappings at line 1, column 7:']);
    expect(readRgd('x.yaml', '')).toEqual({ problems: [{ severity: 'error', location: { file: 'x.yaml', line: 1, col: 1 }, message: 'not a kro ResourceGraphDefinition (kind ResourceGraphDefinition with spec.schema)' }] });
  });

  it('takes the iterators of forEach from its maps only', () => {
    expect(rgdOf('kind: ResourceGraphDefinition\nspec:\n  schema: {apiVersion: v1, kind: X}\n  resources:\n    - id: a\n      forEach: [x, {item: "${[1]}"}]\n').resources[0].forEach).toEqual([{ name: 'item', expression: '${[1]}' }]);
  });

  it('refuses a resource that is not a map, at the resource, as its neighbours are found by index', () => {
    expect(readRgd('x.yaml', 'kind: ResourceGraphDefinition\nspec:\n  schema: {apiVersion: v1, kind: X}\n  resources:\n    - id: a\n    - not a map\n')).toEqual({
      problems: [{ severity: 'error', location: { file: 'x.yaml', line: 6, col: 7 }, message: 'spec.resources[1] is not a map (a resource has an id and a template)' }],
    });
  });

  it('locates an invalid schema at its field', () => {
    const result = readRgd('x.yaml', 'kind: ResourceGraphDefinition\nspec:\n  schema:\n    apiVersion: v1\n    kind: X\n    spec:\n      ok: string\n      n: "integer | colour=red"\n');
    expect(result).toEqual({ problems: [{ severity: 'error', location: { file: 'x.yaml', line: 8, col: 10 }, message: 'invalid schema: spec.n: unknown marker: colour' }] });
    const typed = readRgd('x.yaml', 'kind: ResourceGraphDefinition\nspec:\n  schema:\n    apiVersion: v1\n    kind: X\n    spec: {p: Port}\n    types:\n      Port: {n: int}\n');
    expect(typed.problems).toEqual([{ severity: 'error', location: { file: 'x.yaml', line: 8, col: 17 }, message: 'invalid schema: types.Port.n: unknown type: int' }]);
  });
});

describe('checkRgd: what kro refuses of an RGD', () => {
  const problemsOf = (resources: string, status = '{}') => readRgd('x.yaml', `kind: ResourceGraphDefinition
spec:
  schema:
    apiVersion: v1
    kind: X
    spec: {name: string, web: {port: integer}, env: "map[string]string"}
    status: ${status}
  resources:
${resources}`).problems.map((problem) => problem.message);

  it("accepts the instance's own fields: apiVersion, kind, status, the metadata kro gives, declared spec fields", () => {
    expect(problemsOf(`    - id: a
      template:
        data: {a: "\${schema.apiVersion}\${schema.kind}\${string(schema.status)}\${string(schema.metadata)}", b: "\${schema.metadata.name}\${schema.metadata.namespace}\${string(schema.metadata.labels)}",
               c: "\${string(schema.metadata.annotations)}\${schema.metadata.uid}\${string(schema.metadata.generation)}", d: "\${string(schema.spec.web.port)}\${schema.spec.env.anything}\${string(schema)}"}`)).toEqual([]);
  });

  it('refuses other metadata, other top-level fields, undeclared spec fields, and names outside the RGD', () => {
    expect(problemsOf(`    - id: a
      template: {data: {a: "\${schema.metadata.finalizers}", b: "\${schema.other}", c: "\${schema.spec.web.host}", d: "\${b.metadata.name}"}}`)).toEqual([
      'resource "a": ${schema.metadata.finalizers}: schema.metadata.finalizers is not available to expressions',
      'resource "a": ${schema.other}: schema.other does not exist (use schema.spec or schema.metadata)',
      'resource "a": ${schema.spec.web.host}: schema.spec.web.host is not declared in the RGD\'s schema',
      'resource "a": ${b.metadata.name}: unknown identifier "b" (not schema, a resource id or a forEach iterator)',
    ]);
  });

  it("lets a resource's template use its own iterators, not another resource's, and its forEach none", () => {
    expect(problemsOf(`    - id: a
      forEach: [{item: "\${[item]}"}]
      template: {metadata: {name: "\${item}"}}
    - id: b
      template: {metadata: {name: "\${item}-\${a[0].metadata.name}"}}`)).toEqual([
      'resource "a": ${[item]}: unknown identifier "item" (not schema, a resource id or a forEach iterator)',
      'resource "b": ${item}: unknown identifier "item" (not schema, a resource id or a forEach iterator)',
    ]);
  });

  it('points at the expression in a template list, includeWhen, readyWhen and a status list', () => {
    const text = `kind: ResourceGraphDefinition
spec:
  schema:
    apiVersion: v1
    kind: X
    status:
      hosts: ["\${a.metadata.name}", "\${schema.spec.nothing}"]
  resources:
    - id: a
      includeWhen: ["\${schema.spec.on}"]
      readyWhen: ["\${a.status.x}", "\${schema.spec.ready}"]
      template:
        items: [one, "\${schema.spec.item}"]
`;
    const undeclared = (field: string) => `\${schema.spec.${field}}: schema.spec.${field} is not declared in the RGD's schema`;
    expect(readRgd('x.yaml', text).problems.map(({ location, message }) => [location.line, location.col, message])).toEqual([
      [13, 22, `resource "a": ${undeclared('item')}`],
      [10, 21, `resource "a": ${undeclared('on')}`],
      [11, 36, `resource "a": ${undeclared('ready')}`],
      [7, 37, `status: ${undeclared('nothing')}`],
    ]);
  });

  it('wants readyWhen and forEach, like includeWhen, as one expression each; checks status expressions as the status', () => {
    expect(problemsOf(`    - id: a
      readyWhen: ["ready: \${a.status.ready}"]
      forEach: [{item: "x\${[1]}"}]
      template: {metadata: {name: "\${item}"}}`, '{ok: "n: ${a.metadata.name}", bad: "${schema.spec.nothing}", broken: "${a +}"}')).toEqual([
      'resource "a": ${a.status.ready}: readyWhen must be a single ${...} expression',
      'resource "a": ${[1]}: forEach must be a single ${...} expression',
      "status: ${schema.spec.nothing}: schema.spec.nothing is not declared in the RGD's schema",
      expect.stringMatching(/^status: \$\{a \+\}: CEL syntax error: /),
    ]);
  });
});

describe('createdKinds and loadRgds', () => {
  it('lists the kinds templates name literally, not those an expression computes', () => {
    const rgd = rgdOf(`kind: ResourceGraphDefinition
spec:
  schema: {apiVersion: v1, kind: X, spec: {kind: string}}
  resources:
    - {id: a, template: {apiVersion: v1, kind: ConfigMap}}
    - {id: b, template: {apiVersion: v1, kind: "\${schema.spec.kind}"}}
    - {id: c, template: {apiVersion: "apps/\${schema.spec.kind}", kind: Deployment}}
    - {id: d, template: {kind: Secret}}
`);
    expect(createdKinds(indexRgds([rgd], []))).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
  });

  it('reads the YAML files of a folder, in order, and nothing from a folder that is not there', () => {
    const folder = tempDir('rgds');
    const rgd = (kind: string) => `kind: ResourceGraphDefinition\nspec:\n  schema: {apiVersion: v1, kind: ${kind}}\n`;
    fs.writeFileSync(path.join(folder, 'b.yaml'), rgd('B'));
    fs.writeFileSync(path.join(folder, 'a.yml'), rgd('A'));
    fs.writeFileSync(path.join(folder, 'c.json'), rgd('C'));
    fs.writeFileSync(path.join(folder, 'd.yaml.orig'), rgd('D'));
    const set = loadRgds(ROOT, folder);
    expect(set.rgds.map((one) => [one.kind, one.file])).toEqual([['A', path.relative(ROOT, path.join(folder, 'a.yml'))], ['B', path.relative(ROOT, path.join(folder, 'b.yaml'))]]);
    expect(set.find('kro.run/v1', 'B')?.kind).toBe('B');
    expect(set.find('kro.run/v2', 'B')).toBeUndefined();
    expect(loadRgds(ROOT, path.join(folder, 'missing'))).toMatchObject({ rgds: [], problems: [] });
  });
});

describe('creationOrder: the order kro creates resources in', () => {
  const orderOf = (resources: string) => {
    const order = creationOrder(rgdOf(`kind: ResourceGraphDefinition\nspec:\n  schema: {apiVersion: v1, kind: X, spec: {}}\n  resources:\n${resources}`));
    return 'cycle' in order ? order : order.order.map((node) => `${node.id}(${[...node.dependsOn].join(',')})`);
  };

  it("takes in declaration order, pass after pass, what has its dependencies; readyWhen, a resource's own name and the status make none", () => {
    expect(orderOf(`    - {id: c, template: {a: "\${b.x}", self: "\${c.metadata.name}"}, readyWhen: ["\${c.status.ok}"]}
    - {id: b, template: {a: "\${a.x}"}, includeWhen: ["\${d.ok}"]}
    - {id: a, template: {}, readyWhen: ["\${d.ready}"]}
    - {id: d, template: {}}
    - {id: e, forEach: [{i: "\${a.list}"}], template: {}}`)).toEqual(['a()', 'd()', 'e(a)', 'b(a,d)', 'c(b)']);
  });

  it('names the cycle, not the resources that only lead into it', () => {
    expect(orderOf(`    - {id: a, template: {x: "\${b.x}"}}
    - {id: b, template: {x: "\${c.x}"}}
    - {id: c, template: {x: "\${b.x}"}}`)).toEqual({ cycle: ['b', 'c', 'b'] });
  });

  it('finds the cycle among what is left, past dependencies already created', () => {
    expect(orderOf(`    - {id: a, template: {}}
    - {id: b, template: {x: "\${a.x}", y: "\${c.x}"}}
    - {id: c, template: {x: "\${b.x}"}}`)).toEqual({ cycle: ['b', 'c', 'b'] });
  });

  it('computes the order of an RGD once', () => {
    const rgd = rgdOf('kind: ResourceGraphDefinition\nspec:\n  schema: {apiVersion: v1, kind: X}\n  resources: [{id: a, template: {}}]\n');
    expect(creationOrder(rgd)).toBe(creationOrder(rgd));
  });
});
