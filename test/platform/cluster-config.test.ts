import * as path from 'path';
import { CLUSTERS, ClusterConfig } from '../../config/clusters';
import { renderCluster } from '../../src/synth/render';
import { loadUserSpace } from '../../src/user-space';
import { ROOT } from '../../src/paths';

/** Fixture teams using every abstraction, so that every setting a team's objects need is asked for. */
const FIXTURE_TEAMS = path.join(__dirname, 'fixtures', 'user-space');

/** The path of every value in `config` that is not itself an object: `postgres.storage`. */
function leafPaths(config: object, prefix = ''): string[] {
  return Object.entries(config).flatMap(([key, value]) => (typeof value === 'object' && value !== null ? leafPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`]));
}

/** `config` seen through proxies that add the path of every leaf value read to `reads`. */
function recordingReads<T extends object>(config: T, reads: Set<string>, prefix = ''): T {
  return new Proxy(config, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof key === 'symbol') return value;
      if (typeof value === 'object' && value !== null) return recordingReads(value, reads, `${prefix}${key}.`);
      reads.add(`${prefix}${key}`);
      return value;
    },
  });
}

/** The settings of `cluster` that a synth of the fixture teams reads. */
function settingsRead(cluster: ClusterConfig): Set<string> {
  const reads = new Set<string>();
  const teams = loadUserSpace({ root: ROOT, userSpaceDir: FIXTURE_TEAMS }).teamsFor(cluster.name);
  renderCluster(recordingReads(cluster, reads), teams);
  return reads;
}

describe('config/clusters.ts', () => {
  it('has fixture teams that use every abstraction', () => {
    const kinds = new Set(loadUserSpace({ root: ROOT, userSpaceDir: FIXTURE_TEAMS }).teamsFor('dev').flatMap((team) => [team.workspace, ...team.instances]).map((instance) => instance.kind));
    expect([...kinds].sort()).toEqual(['Infrastructure', 'Topic', 'VirtualCluster', 'WebApplication', 'Workspace']);
  });

  it.each(CLUSTERS.map((cluster) => [cluster.name, cluster] as const))('holds no setting of %s that the rendering of dist/ never reads', (_name, cluster) => {
    const read = settingsRead(cluster);
    expect(leafPaths(cluster).filter((setting) => !read.has(setting))).toEqual([]);
  });

  it('notices a setting nothing reads', () => {
    const cluster = CLUSTERS[0];
    const withExtra = { ...cluster, kafka: { ...cluster.kafka, unused: 'x' } } as ClusterConfig;
    const read = settingsRead(withExtra);
    expect(leafPaths(withExtra).filter((setting) => !read.has(setting))).toEqual(['kafka.unused']);
  });
});
