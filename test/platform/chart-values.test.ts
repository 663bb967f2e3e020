import Ajv, { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import * as fs from 'fs';
import * as path from 'path';
import { CLUSTERS } from '../../config/clusters';
import { CHARTS, ChartVersion } from '../../config/versions';
import { importsDir, valuesSchemaFile } from '../../src/import/layout';
import { ROOT } from '../../src/paths';
import { renderCluster } from '../../src/synth/render';
import { loadUserSpace } from '../../src/user-space';
import { KubeObject, objectsOf } from '../helpers';

/** The chart's own values schema, as `npm run import` committed it from the pinned chart. */
function valuesSchema(chart: ChartVersion): ValidateFunction {
  const schema = JSON.parse(fs.readFileSync(path.join(importsDir(ROOT), valuesSchemaFile(chart.chart)), 'utf8'));
  // Helm validates with the draft the schema names: vcluster's is 2020-12, the others draft-07.
  const ajv = String(schema.$schema).includes('2020-12') ? new Ajv2020({ strict: false, allErrors: true }) : new Ajv({ strict: false, allErrors: true });
  return ajv.compile(schema);
}

const withSchema = Object.values(CHARTS).filter((chart: ChartVersion) => chart.valuesSchema);
const validators = new Map<string, ValidateFunction>(withSchema.map((chart) => [chart.chart, valuesSchema(chart)]));

/** Every HelmRelease a cluster gets: the platform's, and those the abstractions' RGDs create per instance. */
function helmReleases(cluster: string): Array<{ where: string; release: KubeObject }> {
  const { files } = renderCluster(CLUSTERS.find((candidate) => candidate.name === cluster)!, loadUserSpace({ root: ROOT }).teamsFor(cluster));
  const objects = objectsOf(files, cluster);
  const releases = objects.filter(({ object }) => object.kind === 'HelmRelease').map(({ file, object }) => ({ where: file, release: object }));
  for (const { file, object } of objects.filter(({ object }) => object.kind === 'ResourceGraphDefinition')) {
    for (const resource of object.spec.resources as Array<{ id: string; template: KubeObject }>) {
      if (resource.template.kind === 'HelmRelease') releases.push({ where: `${file} resource ${resource.id}`, release: resource.template });
    }
  }
  return releases;
}

/** The chart a release installs: named in `chart.spec`, or the OCIRepository its `chartRef` names. */
function chartOf(release: KubeObject): string {
  return release.spec.chart?.spec?.chart ?? Object.values(CHARTS).find((chart: ChartVersion) => chart.chart === release.spec.chartRef?.name)!.chart;
}

describe.each(CLUSTERS.map((cluster) => cluster.name))("HelmRelease values on %s against each chart's values.schema.json", (cluster) => {
  const releases = helmReleases(cluster);

  it('check cert-manager, cilium, cloudnative-pg and vcluster, the charts that ship a schema', () => {
    expect(withSchema.map((chart) => chart.chart).sort()).toEqual(['cert-manager', 'cilium', 'cloudnative-pg', 'vcluster']);
    expect(releases.map(({ release }) => chartOf(release))).toEqual(expect.arrayContaining(['cert-manager', 'cilium', 'cloudnative-pg', 'vcluster']));
  });

  it('are valid, release by release', () => {
    for (const { where, release } of releases) {
      const validate = validators.get(chartOf(release));
      if (!validate) continue;
      validate(release.spec.values ?? {});
      expect({ where, errors: validate.errors ?? [] }).toEqual({ where, errors: [] });
    }
  });
});

describe('the values schemas', () => {
  it('refuse what Helm would refuse: a misspelt vcluster key, a capability list given as a string', () => {
    const vcluster = validators.get('vcluster')!;
    expect(vcluster({ rbac: { clusterRole: { enable: false } } })).toBe(false);
    expect(vcluster.errors).toContainEqual(expect.objectContaining({ instancePath: '/rbac/clusterRole', params: { additionalProperty: 'enable' } }));
    expect(validators.get('cilium')!({ envoy: { securityContext: { capabilities: { envoy: 'NET_BIND_SERVICE' } } } })).toBe(false);
  });
});
