import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { Abstraction, GraphResource } from '../../abstractions/graph';
import { expr } from '../../abstractions/expression';
import { ABSTRACTIONS } from '../../abstractions';
import { webApplication } from '../../abstractions/web-application/resources';
import { AbstractionsChart } from '../../charts/abstractions';
import { CLUSTERS, ClusterConfig } from '../../config/clusters';
import { listExpressions, readRgd, Rgd } from '../../src/preview/rgd';
import { formatProblem } from '../../src/user-space';
import { testApp } from '../helpers';

/** The RGD of `abstraction` as synth writes it, read back the way the preview (and kro) reads it. */
function read(abstraction: Abstraction, cluster: ClusterConfig): ReturnType<typeof readRgd> {
  const [rgd] = Testing.synth(new AbstractionsChart(testApp(), 'abstractions', { cluster, abstractions: [abstraction] }));
  return readRgd(`${abstraction.plural}.yaml`, stringify(rgd));
}

/** `abstraction` with one more resource, whose template holds `value`. */
function withExtraResource(abstraction: Abstraction, id: string, value: string): Abstraction {
  const extra: GraphResource = { id, template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: expr('schema.metadata.name') }, data: { value } } };
  return { ...abstraction, resources: (instance, cluster) => [...abstraction.resources(instance, cluster), extra] };
}

describe.each(CLUSTERS.map((cluster) => [cluster.name, cluster] as const))('every expression of every RGD on %s', (_name, cluster) => {
  it.each(ABSTRACTIONS.map((abstraction) => [abstraction.kind, abstraction] as const))('%s parses as CEL and refers only to declared fields and defined resources', (_kind, abstraction) => {
    const result = read(abstraction, cluster);
    expect(result.problems.map(formatProblem)).toEqual([]);
    const rgd = (result as { rgd: Rgd }).rgd;
    const sites = listExpressions(rgd);
    expect(sites.length).toBeGreaterThan(0);
    expect(sites.every((site) => site.compiled)).toBe(true);
  });
});

describe('a mistake in an abstraction', () => {
  const [dev] = CLUSTERS;
  const problemsOf = (abstraction: Abstraction) => read(abstraction, dev).problems.map(formatProblem);

  it('is caught when an expression names a field the schema does not declare', () => {
    expect(problemsOf(withExtraResource(webApplication, 'typo', expr('schema.spec.imgae')))).toEqual([
      expect.stringMatching(/^webapplications\.yaml:\d+:\d+: error: resource "typo": \$\{schema\.spec\.imgae\}: schema\.spec\.imgae is not declared in the RGD's schema$/),
    ]);
  });

  it('is caught when an expression names a resource the RGD does not define', () => {
    expect(problemsOf(withExtraResource(webApplication, 'dangling', expr('deploymnet.metadata.name')))).toEqual([expect.stringContaining('unknown identifier "deploymnet"')]);
  });

  it('is caught when an expression is not valid CEL, or uses a word CEL reserves', () => {
    expect(problemsOf(withExtraResource(webApplication, 'broken', expr('schema.spec.replicas +')))).toEqual([expect.stringContaining('CEL syntax error')]);
    expect(problemsOf(withExtraResource(webApplication, 'reserved', expr('namespace.metadata.name')))).toEqual([expect.stringContaining('reserved identifier "namespace"')]);
  });
});
