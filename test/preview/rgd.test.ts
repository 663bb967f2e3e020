import * as fs from 'fs';
import * as path from 'path';
import { readRgd, listExpressions, loadRgds, type Rgd } from '../../src/preview/rgd';
import { creationOrder } from '../../src/preview/graph';
import { FIXTURES, fixtureRgds, ROOT } from './helpers';

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
});
