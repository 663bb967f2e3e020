import { parseAllDocuments } from 'yaml';
import { DistChanges, DistComparison, DistObject, identify, Part } from '../../src/synth/changes';

const yaml = (kind: string, name: string, extra = '') => `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${extra}`;
const KEPT = '  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n';

/** The objects of a file, as synth knows them from rendering. */
function objectsOf(file: string, content: string): DistObject[] {
  return parseAllDocuments(content).flatMap((document) => identify(file.split('/')[0], document.toJS()) ?? []);
}

/** What synth does: each new file (as one part, the platform's, its objects known), then the old files left. */
function compareDist(before: Map<string, string>, after: Map<string, string>): DistChanges {
  const comparison = new DistComparison(before);
  for (const [file, content] of after) comparison.add(file, content, [{ text: content, objects: objectsOf(file, content) }]);
  return comparison.finish();
}

describe('what a synth changes in dist/', () => {
  const before = new Map([
    ['dev/a/namespace.yaml', yaml('Namespace', 'team-a', KEPT)],
    ['dev/a/configmap.yaml', yaml('ConfigMap', 'settings', '  namespace: team-a\n')],
    ['dev/a/moved.yaml', yaml('Secret', 'moved', '  namespace: team-a\n')],
    ['dev/a/same.yaml', yaml('ConfigMap', 'same')],
    ['dev/a/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata:\n  name: not-an-object\n'],
    ['dev/a/notes.txt', 'kind: Note\nmetadata:\n  name: not-an-object\n'],
    ['prd/b/db.yaml', `${yaml('Database', 'team-b-db', `  namespace: team-b\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: enabled\n`)}---\n${yaml('Cluster', 'team-b-db', `  namespace: team-b\n${KEPT}`)}`],
  ]);
  const after = new Map([
    ['dev/a/same.yaml', yaml('ConfigMap', 'same')],
    ['dev/a/changed.yaml', yaml('Secret', 'moved', '  namespace: team-a\n')],
    ['dev/a/configmap.yaml', yaml('ConfigMap', 'settings', '  namespace: team-a\n  labels: {}\n')],
    ['dev/b/new.yaml', yaml('ConfigMap', 'new')],
  ]);
  const changes = compareDist(before, after);

  it('counts files added, changed and removed; unchanged ones are none of them', () => {
    expect(changes).toMatchObject({ added: 2, changed: 1, removed: 5 });
  });

  it('says of each new file whether it is the same as before, which spares writing it', () => {
    const comparison = new DistComparison(before);
    expect([...after].map(([file, content]) => [file, comparison.add(file, content)])).toEqual([
      ['dev/a/same.yaml', true],
      ['dev/a/changed.yaml', false],
      ['dev/a/configmap.yaml', false],
      ['dev/b/new.yaml', false],
    ]);
  });

  it('lists the objects that leave the cluster, sorted, marking those Flux keeps (prune: disabled and nothing else)', () => {
    expect(changes.removedObjects.map(({ id, kept }) => ({ id, kept }))).toEqual([
      { id: 'dev: Namespace team-a', kept: true },
      { id: 'prd: Cluster team-b/team-b-db', kept: true },
      { id: 'prd: Database team-b/team-b-db', kept: false },
    ]);
  });

  it('does not count an object that moved to another file, nor kustomize configs and other files, as removed', () => {
    expect(changes.removedObjects.map((object) => object.id)).not.toContain('dev: Secret team-a/moved');
    expect(JSON.stringify(changes.removedObjects)).not.toContain('not-an-object');
  });

  it('says nothing changed for the same tree', () => {
    expect(compareDist(before, before)).toEqual({ added: 0, changed: 0, removed: 0, removedObjects: [] });
  });
});

describe('a file all teams share, when the old one is known by parts', () => {
  const file = 'dev/tenants/tenants.yaml';
  // Not YAML: reading it would throw, so a test passes only if the unchanged part is never read.
  const unchanged: Part = { team: 'team-a', text: 'a: [unclosed\n' };
  const platform: Part = { text: 'p: [unclosed\n' };
  const before: Part = { team: 'team-b', text: `${yaml('ServiceAccount', 'tenant-team-b', '  namespace: flux-system\n')}---\n${yaml('ConfigMap', 'gone', '  namespace: flux-system\n')}` };
  const after: Part = { team: 'team-b', text: yaml('ServiceAccount', 'tenant-team-b', '  namespace: flux-system\n'), objects: objectsOf(file, yaml('ServiceAccount', 'tenant-team-b', '  namespace: flux-system\n')) };
  const comparison = new DistComparison(new Map([[file, `${platform.text}---\n${unchanged.text}---\n${before.text}`]]), new Map([[file, [platform, unchanged, before]]]));
  comparison.add(file, [platform.text, '---\n', unchanged.text, '---\n', after.text], [platform, unchanged, after]);

  it("reads only the parts that changed, the platform's too: an object a team's part no longer holds is removed", () => {
    expect(comparison.finish()).toEqual({ added: 0, changed: 1, removed: 0, removedObjects: [{ id: 'dev: ConfigMap flux-system/gone', cluster: 'dev', kind: 'ConfigMap', kept: false }] });
  });
});

describe('identify', () => {
  it('names an object <cluster>: <kind> [<namespace>/]<name>, kept only with prune disabled', () => {
    expect(identify('dev', { kind: 'Workspace', metadata: { name: 'team-a', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } } })).toMatchObject({ id: 'dev: Workspace team-a', kept: true });
    expect(identify('prd', { kind: 'Topic', metadata: { name: 'team-a-orders', namespace: 'team-a', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' } } })).toMatchObject({ id: 'prd: Topic team-a/team-a-orders', kept: false });
  });

  it('is undefined for what is not a Kubernetes object', () => {
    for (const value of [null, undefined, 'text', {}, { kind: 'ConfigMap' }, { kind: 'ConfigMap', metadata: {} }, { metadata: { name: 'x' } }]) expect(identify('dev', value)).toBeUndefined();
  });
});
