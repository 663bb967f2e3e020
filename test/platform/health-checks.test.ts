import * as fs from 'fs';
import * as path from 'path';
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { parse as parseYaml } from 'yaml';
import { buildFluxSystem, buildHelmReleases } from '../../main';
import { HelmReleasesChart } from '../../charts/helm-releases';
import { LayerChart } from '../../charts/layer-chart';
import { appliedKinds, renderPlatform, renderTeam } from '../../src/synth/render';
import { HealthCheck, healthCheckOf, KindRef } from '../../charts/health-checks';
import { LAYERS, LayerName } from '../../charts/layers';
import { findCluster } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { loadUserSpace } from '../../src/user-space';
import { ROOT } from '../../src/paths';
import { testApp } from '../helpers';

type FluxStatus = 'Current' | 'InProgress' | 'Failed' | 'Unknown';
type KubeObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const env = celEnv();

/**
 * Flux's verdict on `object`, as fluxcd/pkg runtime/cel StatusEvaluator.Evaluate reaches it: a
 * `status.observedGeneration` that differs from `metadata.generation` means in progress; then
 * inProgress, failed and current are evaluated in that order and the first true one wins; none
 * true means in progress. An evaluation error makes the status unknown (Flux keeps polling):
 * cel-go fails on a top-level field the object does not have, so that is an error here too.
 */
function fluxStatus(check: HealthCheck, object: KubeObject): FluxStatus {
  const observed = object.status?.observedGeneration;
  if (observed !== undefined && object.metadata?.generation !== undefined && observed !== object.metadata.generation) return 'InProgress';
  // inProgress would come first; the platform's checks have none.
  const order: [string | undefined, FluxStatus][] = [[check.failed, 'Failed'], [check.current, 'Current']];
  for (const [expression, status] of order) {
    if (!expression) continue;
    const roots = new Set(expression.match(/\b(status|spec|metadata)\b(?=\.)/g));
    if ([...roots].some((root) => !(root in object))) return 'Unknown';
    const result = plan(env, parse(expression))(object);
    if (isCelError(result)) return 'Unknown';
    if (typeof result !== 'boolean') throw new Error(`${expression} is not a boolean expression`);
    if (result) return status;
  }
  return 'InProgress';
}

interface Recorded {
  readonly expect: FluxStatus;
  readonly why: string;
  readonly object: KubeObject;
}

const RECORDED: Recorded[] = parseYaml(fs.readFileSync(path.join(__dirname, 'fixtures', 'health-status.yaml'), 'utf8'));

describe('health check expressions, evaluated as Flux does against status objects', () => {
  it.each(RECORDED.map((recorded) => [`${recorded.object.kind}: ${recorded.why}`, recorded] as const))('%s', (_, { expect: expected, object }) => {
    const check = healthCheckOf(object as KindRef);
    expect(check).toBeDefined();
    expect(fluxStatus(check!, object)).toBe(expected);
  });

  it('covers ready, in progress and failed for kro instances, RGDs and Strimzi objects', () => {
    const seen = (apiVersion: string) => new Set(RECORDED.filter(({ object }) => object.apiVersion === apiVersion).map(({ expect: status }) => status));
    for (const apiVersion of [PLATFORM.abstractionApiVersion, 'kafka.strimzi.io/v1']) expect([...seen(apiVersion)]).toEqual(expect.arrayContaining(['Current', 'Failed', 'InProgress']));
  });

  it('parses every expression of every kind with a real CEL parser', () => {
    const kinds: KindRef[] = [
      { apiVersion: PLATFORM.abstractionApiVersion, kind: 'WebApplication' },
      ...RECORDED.map(({ object }) => object as KindRef),
    ];
    for (const kind of kinds) {
      const check = healthCheckOf(kind)!;
      for (const expression of [check.current, check.failed].filter(Boolean)) expect(() => parse(expression!)).not.toThrow();
    }
  });
});

describe('which Kustomizations carry health checks', () => {
  const dev = findCluster('dev')!;
  const userSpace = loadUserSpace({ root: ROOT, userSpaceDir: path.join(ROOT, 'user-space') });
  const platform = renderPlatform(dev);
  const charts: [LayerName, LayerChart][] = [['helm-releases', buildHelmReleases(platform.layers, dev, new Map())], ...(Object.entries(platform.layers.layers) as [LayerName, LayerChart][])];
  // What each layer applies: its own objects' kinds and its teams' documents'.
  const applied = appliedKinds(charts, userSpace.teamsFor('dev').map((team) => renderTeam(platform, team, false)));
  const layers = buildFluxSystem(platform.layers, dev, applied).node.findAll().map((node) => node as unknown as { toJson?: () => KubeObject }).filter((node) => typeof node.toJson === 'function').map((node) => node.toJson!()).filter((object) => object.kind === 'Kustomization');
  /** kstatus judges core Kubernetes kinds and Flux's own (they follow its conventions). */
  const kstatusJudges = ({ apiVersion }: KindRef) => !apiVersion.includes('/') || /^(apps|batch|policy|[a-z.]*\.k8s\.io|[a-z]+\.toolkit\.fluxcd\.io)\//.test(apiVersion) && !apiVersion.startsWith('gateway.networking.k8s.io/');

  it.each(LAYERS.filter((layer) => layer.wait).map((layer) => layer.name))('layer %s: every kind it applies that kstatus cannot judge has an expression', (name) => {
    const kustomization = layers.find((object) => object.metadata.name === name)!;
    const needed = (applied[name] ?? []).filter((kind) => !kstatusJudges(kind));
    const declared = (kustomization.spec.healthCheckExprs ?? []).map(({ apiVersion, kind }: KindRef) => `${apiVersion} ${kind}`);
    expect(declared.sort()).toEqual(needed.map(({ apiVersion, kind }) => `${apiVersion} ${kind}`).sort());
  });

  it("a team's Kustomization checks each abstraction kind the team uses, and only those", () => {
    const documents = userSpace.teamsFor('dev').flatMap((team) => platform.layers.layers.tenants.teamDocuments(team)).map(({ object }) => object as KubeObject);
    for (const team of userSpace.teamsFor('dev')) {
      const kustomization = documents.find((object) => object.kind === 'Kustomization' && object.metadata.name === `tenant-${team.team}`)!;
      expect(kustomization.spec.wait).toBe(true);
      const kinds = [...new Set(team.instances.map((instance) => instance.kind))].sort();
      expect(kustomization.spec.healthCheckExprs.map((check: KindRef) => check.kind)).toEqual(kinds);
    }
  });
});

describe("the Prometheus Operator's monitors", () => {
  it('are current once applied, because the operator writes their status only behind a feature gate the platform leaves off', () => {
    const stack = new HelmReleasesChart(testApp(), 'helm-releases', { cluster: findCluster('dev')! }).node.findAll()
      .map((node) => node as unknown as { toJson?: () => KubeObject })
      .filter((node) => typeof node.toJson === 'function')
      .map((node) => node.toJson!())
      .find((object) => object.kind === 'HelmRelease' && object.metadata.name === 'kube-prometheus-stack')!;
    // kube-prometheus-stack renders prometheusOperator.featureGates as --feature-gates; none is set.
    expect(stack.spec.values.prometheusOperator.featureGates).toBeUndefined();
    for (const kind of ['PodMonitor', 'ServiceMonitor']) {
      const check = healthCheckOf({ apiVersion: 'monitoring.coreos.com/v1', kind })!;
      // What the operator leaves: no status at all.
      expect(fluxStatus(check, { apiVersion: 'monitoring.coreos.com/v1', kind, metadata: { name: 'flux', generation: 1 }, spec: {} })).toBe('Current');
    }
  });
});

describe('appliedKinds', () => {
  it("is a layer's own kinds, then each kind of the teams' documents once, in the order first seen", () => {
    const kind = (name: string): KindRef => ({ apiVersion: 'kro.run/v1alpha1', kind: name });
    const chart = { appliedKinds: () => [kind('Workspace')] } as unknown as LayerChart;
    const team = (name: string, kinds: KindRef[]) => ({ team: name, parts: new Map(), kinds: new Map<LayerName, KindRef[]>([['tenants', kinds]]) });
    const teams = [team('team-a', [kind('WebApplication'), kind('Workspace')]), team('team-b', [kind('Topic'), kind('WebApplication'), kind('Infrastructure')])];
    expect(appliedKinds([['tenants', chart]], teams)).toEqual({ tenants: ['Workspace', 'WebApplication', 'Topic', 'Infrastructure'].map(kind) });
  });

  it('is the same when teams share one map of kinds, as teams with the same kinds do', () => {
    const kind = (name: string): KindRef => ({ apiVersion: 'kro.run/v1alpha1', kind: name });
    const chart = { appliedKinds: () => [] } as unknown as LayerChart;
    const shared = new Map<LayerName, KindRef[]>([['tenants', [kind('Topic'), kind('Workspace')]]]);
    const other = new Map<LayerName, KindRef[]>([['tenants', [kind('Workspace'), kind('WebApplication')]]]);
    const teams = [shared, other, shared].map((kinds, index) => ({ team: `team-${index}`, parts: new Map(), kinds }));
    expect(appliedKinds([['tenants', chart]], teams)).toEqual({ tenants: ['Topic', 'Workspace', 'WebApplication'].map(kind) });
  });
});

describe('healthCheckOf: the kinds that have a health check of their own', () => {
  it.each([
    ['kyverno.io/v1', 'ClusterPolicy'],
    ['policies.kyverno.io/v1', 'ValidatingPolicy'],
    ['policies.kyverno.io/v1', 'GeneratingPolicy'],
    ['policies.kyverno.io/v1', 'MutatingPolicy'],
    ['cert-manager.io/v1', 'ClusterIssuer'],
    ['cert-manager.io/v1', 'Issuer'],
    ['cert-manager.io/v1', 'Certificate'],
  ])('has one for %s %s, and none for the same kind of another API', (apiVersion, kind) => {
    expect(healthCheckOf({ apiVersion, kind })).toMatchObject({ apiVersion, kind });
    expect(healthCheckOf({ apiVersion: 'example.com/v1', kind })).toBeUndefined();
  });
});
