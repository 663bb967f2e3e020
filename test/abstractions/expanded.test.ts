/**
 * The abstractions as kro expands them: this branch's RGDs, synthesized into a temporary folder,
 * evaluated by the preview engine (a real CEL implementation) for chosen instances.
 */
import * as path from 'path';
import { CLUSTERS, findCluster } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { expandInstance } from '../../src/preview/expand';
import { loadRgds, type RgdSet } from '../../src/preview/rgd';
import { ROOT } from '../../src/paths';
import { synthesize } from '../../src/synth/command';
import type { Instance } from '../../src/user-space';
import { tempDir } from '../helpers';

const out = tempDir('expanded');
synthesize({ userSpaceDir: path.join(ROOT, 'test', 'platform', 'fixtures', 'user-space'), out });
const RGDS = new Map<string, RgdSet>(CLUSTERS.map((cluster) => [cluster.name, loadRgds(ROOT, path.join(out, cluster.name, 'abstractions'))]));

/** The objects kro creates for an instance of `kind` named `name` in `team`'s namespace, on `cluster`. */
function expand(cluster: string, kind: string, team: string, name: string, spec: Record<string, unknown> = {}): Record<string, any>[] {
  const instance: Instance = { apiVersion: PLATFORM.abstractionApiVersion, kind, metadata: kind === 'Workspace' ? { name } : { name, namespace: team }, spec };
  const expansion = expandInstance(instance, RGDS.get(cluster)!, { file: 'test', line: 1, col: 1 });
  expect(expansion.problems).toEqual([]);
  return expansion.resources.map((resource) => resource.object);
}

const ofKind = (objects: Record<string, any>[], kind: string) => objects.filter((object) => object.kind === kind);

describe('Topic', () => {
  /** The Kafka topic name of Topic `name` of `team`, and the prefix `team`'s Kafka user may use. */
  const kafkaNames = (team: string, name: string) => {
    const [topic] = ofKind(expand('dev', 'Topic', team, name), 'KafkaTopic');
    const [user] = ofKind(expand('dev', 'Workspace', team, team), 'KafkaUser');
    const prefixes: string[] = user.spec.authorization.acls.map((acl: { resource: { name: string } }) => acl.resource.name);
    expect(topic.spec.topicName).toBe(topic.metadata.name);
    return { topic: topic.spec.topicName as string, prefix: [...new Set(prefixes)] };
  };

  it('is named <team>.<name without the team- prefix> in Kafka', () => {
    expect(kafkaNames('team-b', 'team-b-orders').topic).toBe('team-b.orders');
  });

  it("lies under its own team's ACL prefix and under no other team's, even where team names share a prefix", () => {
    const a = kafkaNames('a', 'a-b-x');
    const ab = kafkaNames('a-b', 'a-b-x');
    expect(a).toEqual({ topic: 'a.b-x', prefix: ['a.'] });
    expect(ab).toEqual({ topic: 'a-b.x', prefix: ['a-b.'] });
    expect(ab.topic.startsWith(a.prefix[0])).toBe(false);
    expect(a.topic.startsWith(ab.prefix[0])).toBe(false);
  });
});

describe('Infrastructure', () => {
  const volume = (cluster: string, spec: Record<string, unknown>) => ofKind(expand(cluster, 'Infrastructure', 'team-p', 'team-p-db', { database: 'orders', ...spec }), 'Cluster')[0].spec.storage.size;

  it.each(CLUSTERS.map((cluster) => cluster.name))("gives the database the storage of %s's config when the instance names none", (cluster) => {
    expect(volume(cluster, {})).toBe(findCluster(cluster)!.postgres.storage);
  });

  it('gives the database the storage the instance asks for', () => {
    for (const cluster of CLUSTERS) expect(volume(cluster.name, { storage: '7Gi' })).toBe('7Gi');
  });
});
