import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { loadAll } from 'js-yaml';
import { ClusterConfig, kafkaReplication } from '../config/clusters';
import { FLUX } from '../config/flux';
import { PLATFORM } from '../config/platform';

/**
 * Ceilings the model compares against, each an assumption with its source; none is measured
 * here (there is no cluster), so the README prints them beside the numbers.
 */
export const ASSUMPTIONS = {
  /** Kubernetes' scalability thresholds (kubernetes/community, sig-scalability/configs-and-limits/thresholds.md): namespaces per cluster. */
  namespacesPerCluster: 10_000,
  /** etcd's suggested maximum backend size (etcd docs, "System limits": 8 GiB; the default quota is 2 GiB). */
  etcdBytes: 8 * 1024 ** 3,
  /** Bytes etcd stores per object: the rendered YAML times this, for managedFields, status and protobuf/JSON overhead. */
  etcdBytesPerRenderedByte: 3,
  /** Partition replicas per Kafka broker, the usual rule of thumb for a broker's file handles and recovery time. */
  partitionReplicasPerBroker: 4_000,
  /** kustomize-controller's `--concurrent` default (v1.9.4 main.go), per controller. */
  concurrentReconciles: 4,
  /** Seconds one tenant reconcile takes (artifact from the local source-controller, kustomize build, dry-run and apply of a few objects). */
  secondsPerReconcile: 2,
} as const;

/** Who reconciles the teams: each shard (or `main`) and how many tenant Kustomizations at what interval. */
export interface ShardLoad {
  readonly shard: string;
  readonly tenants: number;
  readonly intervalSeconds: number;
}

/** What one cluster's folder of a synthesized dist/ holds and costs. */
export interface ClusterCapacity {
  readonly cluster: string;
  readonly teams: number;
  readonly shards: readonly ShardLoad[];
  /** The platform's layers, on the main kustomize-controller. */
  readonly layers: ShardLoad;
  /** Bytes of dist/<cluster>/, what the GitRepository's artifact holds (its ignore keeps only that folder). */
  readonly artifactBytes: number;
  /** The same files gzipped, close to the size of the artifact's tarball. */
  readonly artifactGzipBytes: number;
  /** Objects per team that the platform applies (ServiceAccount, Kustomization, Workspace, ...) and the team's kro instances. */
  readonly platformObjectsPerTeam: number;
  readonly instancesPerTeam: number;
  /** Objects kro creates per team: the resources of each instance's ResourceGraphDefinition. */
  readonly kroObjectsPerTeam: number;
  /** Mean rendered bytes of one object in dist/<cluster>/. */
  readonly bytesPerObject: number;
  readonly kafkaTopics: number;
  readonly kafkaPartitionReplicas: number;
  readonly kafkaBrokers: number;
  readonly kroInstances: number;
}

interface Manifest {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly spec?: Record<string, unknown>;
}

/** Every YAML file under `dir`, relative paths. */
function yamlFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** Seconds of a Flux duration such as `1h`, `10m`, `1m30s`. */
export function durationSeconds(text: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) throw new Error(`not a duration: "${text}"`);
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * units[unit], 0);
}

/** Reads dist/<cluster>/ as synth wrote it for `teams` teams. */
export function measureCluster(distDir: string, cluster: ClusterConfig, teams: number): ClusterCapacity {
  const dir = path.join(distDir, cluster.name);
  const files = yamlFiles(dir);
  const contents = new Map(files.map((file) => [file, fs.readFileSync(path.join(dir, file), 'utf8')]));
  const manifests = (file: string) => (contents.has(file) ? (loadAll(contents.get(file)!) as Manifest[]).filter(Boolean) : []);
  const isTeamInstances = (file: string) => file.startsWith('tenants/') && file.endsWith(`/${PLATFORM.dist.instancesFile}`);

  const rgds = files.filter((file) => file.startsWith('abstractions/')).flatMap(manifests).filter((object) => object.kind === 'ResourceGraphDefinition');
  const rgdOf = (kind: string) => rgds.find((rgd) => (rgd.spec!.schema as { kind: string }).kind === kind);
  const resourcesOf = (kind: string) => (rgdOf(kind)?.spec!.resources as unknown[] | undefined)?.length ?? 0;

  const tenantAccess = manifests(`tenants/${PLATFORM.dist.tenantAccessFile}`);
  const workspaces = manifests(`workspaces/${PLATFORM.dist.workspacesFile}`).filter((object) => object.kind === 'Workspace');
  const instances = files.filter(isTeamInstances).flatMap(manifests);
  const kustomizations = tenantAccess.filter((object) => object.kind === 'Kustomization' && object.metadata.labels?.[PLATFORM.tenantLabel]);

  const loads = new Map<string, ShardLoad>();
  for (const kustomization of kustomizations) {
    const shard = kustomization.metadata.labels?.[FLUX.sharding.key] ?? 'main';
    const intervalSeconds = durationSeconds(kustomization.spec!.interval as string);
    const load = loads.get(shard);
    if (load && load.intervalSeconds !== intervalSeconds) throw new Error(`tenants of ${shard} have different intervals; the model assumes one per shard`);
    loads.set(shard, { shard, tenants: (load?.tenants ?? 0) + 1, intervalSeconds });
  }

  const layerKustomizations = files.filter((file) => file.startsWith('flux-system/')).flatMap(manifests).filter((object) => object.kind === 'Kustomization');
  const layers = { shard: 'main (layers)', tenants: layerKustomizations.length, intervalSeconds: durationSeconds(cluster.reconcileInterval) };
  const topicDefault = Number(/default=(\d+)/.exec(String((rgdOf('Topic')?.spec!.schema as { spec: Record<string, string> }).spec.partitions))?.[1] ?? 1);
  const topics = instances.filter((instance) => instance.kind === 'Topic');
  const partitions = topics.reduce((sum, topic) => sum + Number(topic.spec?.partitions ?? topicDefault), 0);
  const allText = [...contents.values()].join('');
  const objectCount = files.flatMap(manifests).length;
  return {
    cluster: cluster.name,
    teams,
    layers,
    shards: [...loads.values()].sort((a, b) => a.shard.localeCompare(b.shard, 'en', { numeric: true })),
    artifactBytes: [...contents.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0),
    artifactGzipBytes: gzipSync(allText).length,
    platformObjectsPerTeam: (tenantAccess.filter((object) => object.kind !== 'ClusterRole').length + workspaces.length) / teams,
    instancesPerTeam: instances.length / teams,
    kroObjectsPerTeam: [...instances, ...workspaces].reduce((sum, instance) => sum + resourcesOf(instance.kind), 0) / teams,
    bytesPerObject: Buffer.byteLength(allText) / objectCount,
    kafkaTopics: topics.length,
    kafkaPartitionReplicas: partitions * kafkaReplication(cluster).replicas,
    kafkaBrokers: cluster.kafka.brokers,
    kroInstances: instances.length + workspaces.length,
  };
}

/** Teams at which each ceiling is reached, at this cluster's objects per team. */
export function nextLimits(capacity: ClusterCapacity): Array<{ readonly limit: string; readonly teams: number }> {
  const perTeamEtcdBytes = (capacity.platformObjectsPerTeam + capacity.instancesPerTeam + capacity.kroObjectsPerTeam) * capacity.bytesPerObject * ASSUMPTIONS.etcdBytesPerRenderedByte;
  const partitionReplicasPerTeam = capacity.kafkaPartitionReplicas / capacity.teams;
  return [
    { limit: `namespaces (${ASSUMPTIONS.namespacesPerCluster.toLocaleString('en')} per cluster)`, teams: ASSUMPTIONS.namespacesPerCluster },
    { limit: `etcd size (${ASSUMPTIONS.etcdBytes / 1024 ** 3} GiB)`, teams: Math.floor(ASSUMPTIONS.etcdBytes / perTeamEtcdBytes) },
    {
      limit: `Kafka partition replicas (${ASSUMPTIONS.partitionReplicasPerBroker.toLocaleString('en')} per broker x ${capacity.kafkaBrokers})`,
      teams: partitionReplicasPerTeam ? Math.floor((ASSUMPTIONS.partitionReplicasPerBroker * capacity.kafkaBrokers) / partitionReplicasPerTeam) : Infinity,
    },
  ].sort((a, b) => a.teams - b.teams);
}

const MiB = 1024 ** 2;
const round = (value: number, digits = 2) => Number(value.toFixed(digits)).toLocaleString('en', { maximumFractionDigits: digits });

/** The Markdown the README shows: one table of load per shard and one of size and limits per cluster and size. */
export function renderCapacity(rows: readonly ClusterCapacity[], commandLine: string): string {
  const burst = (load: ShardLoad) => (load.tenants * ASSUMPTIONS.secondsPerReconcile) / ASSUMPTIONS.concurrentReconciles;
  const loadLines = rows.flatMap((row) =>
    [...row.shards, row.layers].map((load) => `| ${row.cluster} | ${row.teams.toLocaleString('en')} | ${load.shard} | ${load.tenants.toLocaleString('en')} | ${load.intervalSeconds / 60} min | ${(load.tenants / load.intervalSeconds).toPrecision(3)} | ${round(burst(load), 0)} s |`),
  );
  const sizeLines = rows.map((row) => {
    const limits = nextLimits(row).map((limit) => `${limit.limit}: ${limit.teams.toLocaleString('en')}`).join('; ');
    return `| ${row.cluster} | ${row.teams.toLocaleString('en')} | ${round(row.artifactBytes / MiB, 1)} MiB (${round(row.artifactGzipBytes / MiB, 1)} MiB gz) | ${round(row.platformObjectsPerTeam)} + ${round(row.instancesPerTeam)} + ${round(row.kroObjectsPerTeam)} | ${row.kroInstances.toLocaleString('en')} | ${row.kafkaTopics.toLocaleString('en')} / ${row.kafkaPartitionReplicas.toLocaleString('en')} | ${limits} |`;
  });
  return [
    `Capacity model (\`${commandLine}\`), read from a synthesized dist/ per size:`,
    '',
    '| cluster | teams | controller | Kustomizations | interval | reconciles/s (steady) | drain after a push |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
    ...loadLines,
    '',
    '| cluster | teams | Git artifact | objects per team (platform + instances + by kro) | kro instances | Kafka topics / partition replicas | teams at each limit, nearest first |',
    '| --- | ---: | ---: | --- | ---: | ---: | --- |',
    ...sizeLines,
    '',
    'Assumptions: a push reconciles every tenant of a shard once (they all read the one GitRepository);',
    `a shard drains that at --concurrent=${ASSUMPTIONS.concurrentReconciles} with ${ASSUMPTIONS.secondsPerReconcile} s per reconcile;`,
    `etcd holds ${ASSUMPTIONS.etcdBytesPerRenderedByte}x an object's rendered bytes; kro's objects are one per resource of the instance's RGD`,
    '(Pods, ReplicaSets, Secrets and PVCs the operators make come on top); ' +
      `limits: ${ASSUMPTIONS.namespacesPerCluster.toLocaleString('en')} namespaces, ${ASSUMPTIONS.etcdBytes / 1024 ** 3} GiB etcd, ${ASSUMPTIONS.partitionReplicasPerBroker.toLocaleString('en')} partition replicas per broker.`,
    '',
  ].join('\n');
}
