import * as fs from 'fs';
import * as path from 'path';
import { ABSTRACTIONS } from '../../abstractions';
import { LAYERS } from '../../charts/layers';
import { RECEIVER_API_VERSION } from '../../charts/receiver';
import { CLUSTERS } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { CACHE_DIR } from '../../src/compiled-cache';
import { ROOT } from '../../src/paths';
import { SchemaChecker } from '../../src/preview/check';
import { CODEOWNERS_FILE } from '../../src/synth/codeowners';
import { generatedDocs } from '../../src/synth/docs';
import { synthesize } from '../../src/synth/command';
import { COMMITTED_DIST, objectsOf, readTree, some, tempDir } from '../helpers';
import { crdSchemaDir } from '../../src/import/layout';

const USER_SPACE = path.join(ROOT, 'user-space');

describe('dist/', () => {
  const fresh = tempDir('fresh-dist');
  let rendered: Map<string, string>;
  let codeOwners: string | undefined;
  beforeAll(() => {
    const result = synthesize({ userSpaceDir: USER_SPACE, out: fresh });
    expect(result.changes).toBeDefined();
    rendered = readTree(fresh);
    codeOwners = result.codeOwners;
  });

  it('equals what a fresh synth of the committed code produces', () => {
    const committed = readTree(COMMITTED_DIST);
    expect([...committed.keys()].sort()).toEqual([...rendered.keys()].sort());
    for (const [file, content] of rendered) expect({ file, content: committed.get(file) }).toEqual({ file, content });
  });

  it('is byte-identical when synthesized twice', () => {
    const again = tempDir('again');
    synthesize({ userSpaceDir: USER_SPACE, out: again });
    expect(readTree(again)).toEqual(rendered);
  });

  it('has .github/CODEOWNERS up to date', () => {
    expect(fs.readFileSync(path.join(ROOT, CODEOWNERS_FILE), 'utf8')).toBe(codeOwners);
  });

  it('has the generated schemas and README reference up to date', () => {
    for (const [file, content] of generatedDocs()) expect({ file, content: fs.readFileSync(path.join(ROOT, file), 'utf8') }).toEqual({ file, content });
  });

  it('has a folder per cluster and layer, each readable by Flux', () => {
    for (const cluster of CLUSTERS) {
      for (const layer of LAYERS) expect(fs.readdirSync(path.join(fresh, cluster.name, layer.name)).length).toBeGreaterThan(0);
    }
  });

  describe.each(CLUSTERS.map((cluster) => cluster.name))('%s', (cluster) => {
    const objects = () => objectsOf(rendered, cluster).map(({ object }) => object);
    const named = (kind: string) => new Set(objects().filter((object) => object.kind === kind).map((object) => `${object.metadata.namespace}/${object.metadata.name}`));

    it('resolves every dependsOn and sourceRef to an object that exists', () => {
      const targets = { Kustomization: named('Kustomization'), HelmRelease: named('HelmRelease') };
      const sources = new Set(['GitRepository', 'HelmRepository', 'OCIRepository'].flatMap((kind) => [...named(kind)].map((key) => `${kind}:${key}`)));
      for (const object of some(objects())) {
        if (object.kind !== 'Kustomization' && object.kind !== 'HelmRelease') continue;
        const namespace = object.metadata.namespace;
        for (const dependency of object.spec.dependsOn ?? []) expect(targets[object.kind as 'Kustomization']).toContain(`${dependency.namespace ?? namespace}/${dependency.name}`);
        const sourceRef = object.spec.sourceRef ?? object.spec.chart?.spec?.sourceRef ?? object.spec.chartRef;
        expect(sources).toContain(`${sourceRef.kind}:${sourceRef.namespace ?? namespace}/${sourceRef.name}`);
      }
    });

    it('orders Kustomizations in an acyclic graph', () => {
      const edges = new Map(objects().filter((object) => object.kind === 'Kustomization').map((object) => [object.metadata.name, (object.spec.dependsOn ?? []).map((dependency: { name: string }) => dependency.name) as string[]]));
      const state = new Map<string, 'visiting' | 'done'>();
      const visit = (name: string, trail: string[]): void => {
        if (state.get(name) === 'done') return;
        if (state.get(name) === 'visiting') throw new Error(`cycle: ${[...trail, name].join(' -> ')}`);
        state.set(name, 'visiting');
        for (const next of edges.get(name) ?? []) visit(next, [...trail, name]);
        state.set(name, 'done');
      };
      for (const name of edges.keys()) expect(() => visit(name, [])).not.toThrow();
      expect(edges.size).toBeGreaterThanOrEqual(LAYERS.length);
    });

    it("matches its kind's schema, object by object: kubernetes-models for core kinds, the pinned CRDs for the rest", () => {
      const checker = new SchemaChecker({ root: ROOT, crdDir: crdSchemaDir(ROOT), cacheDir: CACHE_DIR, kinds: objects() });
      const unchecked = new Set<string>();
      for (const object of some(objects())) {
        const result = checker.check(object);
        if ('unchecked' in result) unchecked.add(`${object.apiVersion} ${object.kind}`);
        else expect({ object: `${object.kind} ${object.metadata.name}`, errors: result.errors }).toEqual({ object: `${object.kind} ${object.metadata.name}`, errors: [] });
      }
      // Only the teams' instances have no schema here (kro makes their CRDs from the RGDs in the
      // cluster; the user-space validator has checked them against the same definitions), and the
      // push Receiver, whose CRD is not among the pinned ones (test/platform/sharding.test.ts checks its shape).
      expect([...unchecked].sort()).toEqual([...ABSTRACTIONS.map((abstraction) => `${PLATFORM.abstractionApiVersion} ${abstraction.kind}`), `${RECEIVER_API_VERSION} Receiver`].sort());
    });

    it('pins an exact chart version in every HelmRelease', () => {
      const ociTags = new Map(objects().filter((object) => object.kind === 'OCIRepository').map((object) => [object.metadata.name, object.spec.ref?.tag]));
      const releases = objects().filter((object) => object.kind === 'HelmRelease');
      expect(releases.length).toBeGreaterThan(0);
      for (const release of releases) {
        const version = release.spec.chart?.spec?.version ?? ociTags.get(release.spec.chartRef?.name);
        expect({ release: release.metadata.name, version }).toEqual({ release: release.metadata.name, version: expect.stringMatching(/^v?\d+\.\d+\.\d+$/) }); // jetstack writes cert-manager chart versions with a v
      }
    });
  });
});
