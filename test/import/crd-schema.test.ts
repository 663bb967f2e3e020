import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { UsageError } from '../../src/cli/usage-error';
import { compactCrd, crdSchemaFile } from '../../src/import/crd-schema';

const GADGET_CRD = fs.readFileSync(path.join(__dirname, 'fixtures', 'crds', 'example.com_gadgets.yaml'), 'utf8');

/** A CRD with `spec` changed as `change` says; `kind` as given. */
function crd(change: (spec: Record<string, unknown>) => void, kind = 'CustomResourceDefinition'): string {
  const spec = { group: 'example.com', names: { kind: 'Gadget', plural: 'gadgets' }, scope: 'Cluster', versions: [{ name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object' } } }] };
  change(spec);
  return stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind, metadata: { name: 'gadgets.example.com' }, spec });
}

describe("npm run import: a CRD's compact schema", () => {
  it('keeps names, scope and the schema of each served version, without descriptions', () => {
    const compact = compactCrd(GADGET_CRD, 'gadget');
    expect(Object.keys(compact.versions)).toEqual(['v1']);
    expect(compact).toMatchObject({ group: 'example.com', kind: 'Gadget', plural: 'gadgets', scope: 'Namespaced' });
    expect(JSON.stringify(compact)).not.toContain('A gadget.');
    expect(compactCrd(crd(() => undefined), 'gadget').scope).toBe('Cluster');
    expect(compactCrd(crd((spec) => delete spec.scope), 'gadget').scope).toBe('Namespaced');
    expect(crdSchemaFile('example.com', 'GadgetSet')).toBe('gadgetset.example.com.json');
  });

  it.each([
    ['another kind', crd(() => undefined, 'Deployment'), 'is not a CustomResourceDefinition'],
    ['no group', crd((spec) => delete spec.group), 'is not a CustomResourceDefinition'],
    ['no kind name', crd((spec) => (spec.names = { plural: 'gadgets' })), 'is not a CustomResourceDefinition'],
    ['no plural', crd((spec) => (spec.names = { kind: 'Gadget' })), 'is not a CustomResourceDefinition'],
    ['nothing', '', 'is not a CustomResourceDefinition'],
    ['no served version', crd((spec) => (spec.versions = [{ name: 'v1', served: false, schema: { openAPIV3Schema: { type: 'object' } } }])), 'serves no version with a schema'],
    ['no schema', crd((spec) => (spec.versions = [{ name: 'v1', served: true }])), 'serves no version with a schema'],
    ['no versions', crd((spec) => delete spec.versions), 'serves no version with a schema'],
    ['two documents', `${GADGET_CRD}---\n${GADGET_CRD}`, 'holds 2 YAML documents; a CRD file holds one'],
    ['broken YAML', 'kind: [CustomResourceDefinition', 'is not YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 32:'],
  ])('refuses %s in one sentence naming the source, as a usage error', (_name, text, problem) => {
    expect(() => compactCrd(text, 'gadget (https://example.com/gadgets.yaml)')).toThrow(new UsageError(`gadget (https://example.com/gadgets.yaml) ${problem}`));
    expect(() => compactCrd(text, 'gadget')).toThrow(UsageError);
  });
});
