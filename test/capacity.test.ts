import * as fs from 'fs';
import * as path from 'path';
import { durationSeconds, measureCluster, nextLimits, ASSUMPTIONS } from '../bench/capacity-model';
import { findCluster } from '../config/clusters';
import { tenantShard } from '../src/flux/shards';
import { loadUserSpace } from '../src/user-space';
import { ROOT } from '../src/paths';
import { renderCluster } from '../src/synth/render';
import { tempDir } from './helpers';

const FIXTURE_TEAMS = path.join(__dirname, 'platform', 'fixtures', 'user-space');

describe('the capacity model', () => {
  const cluster = findCluster('prd')!;
  const teams = loadUserSpace({ root: ROOT, userSpaceDir: FIXTURE_TEAMS }).teamsFor(cluster.name);
  const dist = tempDir('capacity');
  const { files } = renderCluster(cluster, teams);
  for (const [file, content] of files) {
    fs.mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
    fs.writeFileSync(path.join(dist, file), content);
  }
  const capacity = measureCluster(dist, cluster, teams.length);
  // Jest's workers may end without an exit event, which is when tempDir's own clean-up runs.
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

  it("counts each shard's tenants as the tenants layer labels them, at the tenant interval", () => {
    const expected = new Map<string, number>();
    for (const { team } of teams) expected.set(tenantShard(team, cluster.flux.tenantShards)!, (expected.get(tenantShard(team, cluster.flux.tenantShards)!) ?? 0) + 1);
    expect(new Map(capacity.shards.map((load) => [load.shard, load.tenants]))).toEqual(expected);
    for (const load of capacity.shards) expect(load.intervalSeconds).toBe(durationSeconds(cluster.flux.tenantInterval));
    expect(capacity.layers.intervalSeconds).toBe(durationSeconds(cluster.reconcileInterval));
  });

  it("measures the artifact as the bytes of the cluster's folder", () => {
    const bytes = [...files.values()].reduce((sum, content) => sum + Buffer.byteLength(content), 0);
    expect(capacity.artifactBytes).toBe(bytes);
    expect(capacity.artifactGzipBytes).toBeLessThan(bytes);
  });

  it("counts the teams' instances, their topics and what kro makes of them", () => {
    const instances = teams.reduce((sum, team) => sum + team.instances.length, 0);
    expect(capacity.instancesPerTeam).toBe(instances / teams.length);
    expect(capacity.kroInstances).toBe(instances + teams.length);
    expect(capacity.kafkaTopics).toBe(teams.flatMap((team) => team.instances).filter((instance) => instance.kind === 'Topic').length);
    expect(capacity.kroObjectsPerTeam).toBeGreaterThan(capacity.instancesPerTeam);
  });

  it('finds the limits nearest first, the namespace ceiling at its own count', () => {
    const limits = nextLimits(capacity);
    expect(limits.map((limit) => limit.teams)).toEqual([...limits.map((limit) => limit.teams)].sort((a, b) => a - b));
    expect(limits.find((limit) => limit.limit.startsWith('namespaces'))!.teams).toBe(ASSUMPTIONS.namespacesPerCluster);
  });

  it('reads Flux durations and refuses anything else', () => {
    expect(durationSeconds('1h')).toBe(3600);
    expect(durationSeconds('1m30s')).toBe(90);
    expect(() => durationSeconds('1 hour')).toThrow('not a duration');
  });
});
