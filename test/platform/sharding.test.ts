import { parse, parseAllDocuments } from 'yaml';
import { TenantsChart } from '../../charts/tenants';
import { CLUSTERS, ClusterConfig, findCluster } from '../../config/clusters';
import { FLUX, shardName } from '../../config/flux';
import { PLATFORM } from '../../config/platform';
import { tenantShard } from '../../src/flux/shards';
import { FLUX_LOCKDOWN } from '../../src/flux/install';
import { compile, evaluate } from '../../src/preview/expressions';
import { renderCluster } from '../../src/synth/render';
import { TeamInstances } from '../../src/user-space/model';
import { KubeObject, testApp } from '../helpers';

const prd = findCluster('prd')!;
/** A team that declared nothing but its Workspace. */
const bare = (team: string): TeamInstances => ({ team, workspace: { apiVersion: PLATFORM.abstractionApiVersion, kind: 'Workspace', metadata: { name: team }, spec: {} }, instances: [], secrets: [] });
const names = (count: number, from = 1) => Array.from({ length: count }, (_, index) => `team-${from + index}`);

/** Each team's shard as the tenants layer labels its Kustomization. */
function shardsInChart(cluster: ClusterConfig, teams: readonly string[]): Map<string, string | undefined> {
  const chart = new TenantsChart(testApp(), 'tenants', { cluster, tenantResources: ['webapplications'] });
  const kustomizations = teams.flatMap((team) => chart.teamDocuments(bare(team))).map(({ object }) => object as KubeObject).filter((object) => object.kind === 'Kustomization');
  return new Map(kustomizations.map((object) => [object.metadata.labels![PLATFORM.tenantLabel], object.metadata.labels![FLUX.sharding.key]]));
}

describe("a team's shard", () => {
  it('labels every tenant Kustomization with one of the cluster’s shards', () => {
    const shards = shardsInChart(prd, names(200));
    expect(shards.size).toBe(200);
    const allowed = Array.from({ length: prd.flux.tenantShards }, (_, index) => shardName(index + 1));
    for (const shard of shards.values()) expect(allowed).toContain(shard);
  });

  it('does not move when teams are added or removed', () => {
    const before = shardsInChart(prd, names(300));
    const after = shardsInChart(prd, [...names(150, 1000), ...names(300)].reverse());
    for (const [team, shard] of before) expect(after.get(team)).toBe(shard);
    const fewer = shardsInChart(prd, names(100, 101));
    for (const [team, shard] of fewer) expect(shard).toBe(before.get(team));
  });

  it('moves, when a shard is added, only to the new shard, and only about one team in (shards + 1)', () => {
    const teams = names(2000);
    const moved = teams.filter((team) => tenantShard(team, 4) !== tenantShard(team, 5));
    for (const team of moved) expect(tenantShard(team, 5)).toBe('shard5');
    expect(moved.length / teams.length).toBeGreaterThan(0.15);
    expect(moved.length / teams.length).toBeLessThan(0.25);
  });

  it('spreads teams evenly (within 15% of the mean at 4,000 teams on 4 shards)', () => {
    const counts = new Map<string, number>();
    for (const team of names(4000)) counts.set(tenantShard(team, 4)!, (counts.get(tenantShard(team, 4)!) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['shard1', 'shard2', 'shard3', 'shard4']);
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('is absent without shards, so the main controller keeps the team', () => {
    const shards = shardsInChart({ ...prd, flux: { ...prd.flux, tenantShards: 0 } }, names(5));
    expect([...shards.values()]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('sets the tenant interval, not the layers’ one, on a team’s Kustomization', () => {
    const chart = new TenantsChart(testApp(), 'tenants', { cluster: prd, tenantResources: [] });
    const kustomization = chart.teamDocuments(bare('team-a')).map(({ object }) => object as KubeObject).find((object) => object.kind === 'Kustomization')!;
    expect(kustomization.spec.interval).toBe(prd.flux.tenantInterval);
    expect(prd.flux.tenantInterval).not.toBe(prd.reconcileInterval);
  });
});

interface Patch {
  readonly patch: string;
  readonly target: { readonly kind?: string; readonly name?: string; readonly labelSelector?: string; readonly annotationSelector?: string };
}

/** Arguments kustomize adds to the Deployment `name`, from the patches whose target selects it (names are anchored regular expressions). */
function addedArgs(patches: readonly Patch[], name: string, annotations: Record<string, string>): string[] {
  return patches
    .filter(({ target }) => target.kind === 'Deployment' && new RegExp(`^(?:${target.name})$`).test(name))
    .filter(({ target }) => !target.annotationSelector?.startsWith('!') || !(target.annotationSelector.slice(1) in annotations))
    .flatMap(({ patch }) => (parse(patch) as Array<{ op: string; value: string }>).filter((operation) => operation.op === 'add').map((operation) => operation.value));
}

describe.each(CLUSTERS.map((cluster) => [cluster.name, cluster] as const))('the shard controllers of %s', (name, cluster) => {
  const { files } = renderCluster(cluster, []);
  const bootstrap = (file: string) => parse(files.get(`${name}/bootstrap/flux/${file}`)!);
  const main = bootstrap('kustomization.yaml');
  const shards = Array.from({ length: cluster.flux.tenantShards }, (_, index) => shardName(index + 1));
  const lockdownOf = (controller: string) => FLUX_LOCKDOWN.filter(({ controllers }) => controllers.includes(controller)).map(({ flag }) => flag);

  it('has as many shards as config/clusters.ts says, each a folder of the Flux install', () => {
    expect(shards.length).toBeGreaterThan(0);
    expect(main.resources).toEqual(['gotk-components.yaml', ...shards]);
    for (const shard of shards) expect(files.has(`${name}/bootstrap/flux/${shard}/kustomization.yaml`)).toBe(true);
    expect(files.has(`${name}/bootstrap/flux/${shardName(shards.length + 1)}/kustomization.yaml`)).toBe(false);
  });

  it('keeps the main kustomize-controller off sharded objects, and its lockdown', () => {
    expect(addedArgs(main.patches, 'kustomize-controller', {})).toEqual([...lockdownOf('kustomize-controller'), `--watch-label-selector=!${FLUX.sharding.key}`]);
    expect(addedArgs(main.patches, 'helm-controller', {})).toEqual(lockdownOf('helm-controller'));
  });

  it.each(shards)('gives %s the same lockdown flags as the main controller, and its own key only', (shard) => {
    const own = bootstrap(`${shard}/kustomization.yaml`);
    expect(own).toMatchObject({ resources: ['gotk-components.yaml'], nameSuffix: `-${shard}`, commonAnnotations: { [FLUX.sharding.roleAnnotation]: 'shard' } });
    const deployment = `kustomize-controller-${shard}`;
    const fromMain = addedArgs(main.patches, deployment, own.commonAnnotations);
    const fromShard = addedArgs(own.patches, 'kustomize-controller', {});
    expect(fromMain).toEqual(lockdownOf('kustomize-controller'));
    expect(fromShard).toEqual([`--watch-label-selector=${FLUX.sharding.key}=${shard}`]);
    // The shard's pods carry their own app label, so its Deployment does not adopt the main controller's pods.
    const replaced = (parse(own.patches.find((patch: Patch) => patch.target.name === 'kustomize-controller').patch) as Array<{ op: string; path: string; value: string }>).filter((operation) => operation.op === 'replace');
    expect(replaced.map((operation) => operation.value)).toEqual([deployment, deployment]);
  });

  it('labels no team with a shard that has no controller', () => {
    const teams = names(500);
    for (const team of teams) expect(shards).toContain(tenantShard(team, cluster.flux.tenantShards));
  });
});

describe.each(CLUSTERS.map((cluster) => [cluster.name, cluster] as const))('the push Receiver of %s', (name, cluster) => {
  const { files } = renderCluster(cluster, []);
  const objects = [...files].filter(([file]) => file.endsWith('.yaml') && !file.includes('/bootstrap/')).flatMap(([, content]) => parseAllDocuments(content).map((document) => document.toJS() as KubeObject));
  const receivers = objects.filter((object) => object.kind === 'Receiver');

  it('is one notification.toolkit.fluxcd.io/v1 Receiver in flux-system, for GitHub push events, reconciling the GitRepository Flux reads', () => {
    expect(receivers).toHaveLength(1);
    const [receiver] = receivers;
    expect(receiver).toMatchObject({ apiVersion: 'notification.toolkit.fluxcd.io/v1', metadata: { name: FLUX.receiver.name, namespace: PLATFORM.fluxNamespace } });
    expect(receiver.spec.type).toBe('github');
    expect(receiver.spec.events).toContain('push');
    const [resource] = receiver.spec.resources;
    const source = objects.find((object) => object.kind === resource.kind && object.metadata.name === resource.name && object.metadata.namespace === PLATFORM.fluxNamespace);
    expect(source?.apiVersion).toBe(resource.apiVersion);
    expect(source?.spec.url).toBe(cluster.gitUrl);
  });

  it('takes its token from a Secret that bootstrap makes, never one in Git', () => {
    expect(receivers[0].spec.secretRef).toEqual({ name: FLUX.receiver.tokenSecret });
    expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    expect(files.get(`${name}/bootstrap/versions.env`)).toContain(`RECEIVER_TOKEN_SECRET=${FLUX.receiver.tokenSecret}\n`);
  });

  it("reconciles on pushes to the cluster's own branch only (its CEL filter, evaluated)", () => {
    const filter = compile(receivers[0].spec.resourceFilter);
    const onPush = (ref: string) => evaluate(filter, { req: { ref }, res: { metadata: { name: 'flux-system' } } });
    expect(onPush(`refs/heads/${cluster.gitBranch}`)).toEqual({ value: true });
    expect(onPush('refs/heads/some-feature')).toEqual({ value: false });
    // GitHub's ping, when the webhook is added, carries no ref: no reconcile, and no error either.
    expect(evaluate(filter, { req: { zen: 'Keep it logically awesome.', hook_id: 1 }, res: { metadata: { name: 'flux-system' } } })).toEqual({ value: false });
  });
});
