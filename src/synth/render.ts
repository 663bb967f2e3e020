import { ApiObject } from 'cdk8s';
import { buildCluster } from '../../main';
import { ciliumValues } from '../../charts/cilium-values';
import { LAYERS } from '../../charts/layers';
import { ClusterConfig } from '../../config/clusters';
import { FLUX } from '../../config/flux';
import { PLATFORM } from '../../config/platform';
import { CHARTS, TOOLS, VERSIONS } from '../../config/versions';
import { TeamInstances } from '../user-space/model';
import { DistIndex, identify } from './changes';
import { toYaml } from './yaml';
import { fluxInstallFiles } from '../flux/install';

/** Files of dist/, keyed by path relative to dist/, in a stable order. */
export type DistFiles = Map<string, string>;

/** Objects per layer, for the summary. */
export type ObjectCounts = Map<string, number>;

/** The files of dist/ that hold one team's own output and nothing else, with that team. */
export type TeamFiles = Map<string, string>;

/** YAML of the team documents rendered so far, by identity. */
const renderedDocuments = new WeakMap<object, string>();

/** A team document's YAML, rendered once however many clusters share the document. */
function documentYaml(document: object): string {
  let yaml = renderedDocuments.get(document);
  if (yaml === undefined) renderedDocuments.set(document, (yaml = toYaml(document)));
  return yaml;
}

/** What one cluster renders to. */
export interface RenderedCluster {
  readonly files: DistFiles;
  /** The objects of each file, so that what a synth removes is known without parsing them again. */
  readonly index: DistIndex;
  /** Objects per layer. */
  readonly counts: ObjectCounts;
  /** Files of one team's own output only; every other file is the platform's. */
  readonly teamFiles: TeamFiles;
}

/** Every file of dist/<cluster>/, with the objects in each file and layer. */
export function renderCluster(cluster: ClusterConfig, teams: readonly TeamInstances[]): RenderedCluster {
  const files: DistFiles = new Map();
  const index: DistIndex = new Map();
  const counts: ObjectCounts = new Map();
  const charts = buildCluster(cluster, teams);
  // Owner of each file so far: a team, or null once the platform or a second team shares it.
  const owners = new Map<string, string | null>();
  for (const { name } of LAYERS) {
    const chart = charts[name];
    const documents = new Map<string, string[]>();
    const objects = chart.node.findAll().filter((node): node is ApiObject => node instanceof ApiObject);
    const add = (file: string, manifest: unknown, yaml: string, ownedBy: string | undefined) => {
      const path = `${cluster.name}/${name}/${file}`;
      if (!documents.has(path)) {
        documents.set(path, []);
        index.set(path, []);
        owners.set(path, ownedBy ?? null);
      } else if (owners.get(path) !== ownedBy) {
        owners.set(path, null);
      }
      documents.get(path)!.push(yaml);
      index.get(path)!.push(identify(cluster.name, manifest)!);
    };
    for (const object of objects) {
      const manifest = object.toJson();
      add(chart.outputFile(object), manifest, toYaml(manifest), undefined);
    }
    for (const { file, object, ownedBy } of chart.documents) add(file, object, documentYaml(object), ownedBy);
    for (const [file, list] of documents) files.set(file, list.join('---\n'));
    for (const [file, content] of Object.entries(chart.extraFiles())) {
      files.set(`${cluster.name}/${name}/${file}`, content);
      owners.set(`${cluster.name}/${name}/${file}`, null);
    }
    counts.set(name, objects.length + chart.documents.length);
  }
  for (const [file, content] of Object.entries(bootstrapFiles(cluster))) files.set(`${cluster.name}/bootstrap/${file}`, content);
  const teamFiles: TeamFiles = new Map([...owners].filter((entry): entry is [string, string] => entry[1] !== null));
  return { files, index, counts, teamFiles };
}

/**
 * What cluster/bootstrap.sh needs before Flux runs: the pinned versions, Cilium's values (the
 * same as its HelmRelease's, so Flux adopts the release), and the Flux install: its
 * multi-tenancy lockdown and the tenants' shards.
 */
function bootstrapFiles(cluster: ClusterConfig): Record<string, string> {
  const env = {
    CLUSTER_NAME: cluster.name,
    GIT_URL: cluster.gitUrl,
    GIT_BRANCH: cluster.gitBranch,
    FLUX_VERSION: VERSIONS.flux,
    GATEWAY_API_VERSION: VERSIONS.gatewayApi,
    KIND_NODE_IMAGE: VERSIONS.kindNodeImage,
    CILIUM_REPOSITORY: CHARTS.cilium.repository,
    CILIUM_CHART: CHARTS.cilium.chart,
    CILIUM_VERSION: CHARTS.cilium.version,
    SOPS_AGE_RECIPIENT: cluster.sops.ageRecipient,
    SOPS_KEY_SECRET: PLATFORM.sops.keySecret,
    SOPS_KEY_ENTRY: PLATFORM.sops.keyEntry,
    CERTIFICATES_NAMESPACE: PLATFORM.certificates.namespace,
    // Set only where the platform is its own CA, whose root bootstrap tells how to trust.
    LOCAL_CA_SECRET: cluster.certificates.kind === 'local-ca' ? PLATFORM.certificates.caSecret : '',
    RECEIVER_NAME: FLUX.receiver.name,
    RECEIVER_TOKEN_SECRET: FLUX.receiver.tokenSecret,
    CILIUM_CHART_SHA256: CHARTS.cilium.archiveSha256,
    ...toolsEnv(),
  };
  return {
    'versions.env': Object.entries(env).map(([key, value]) => `${key}=${value}\n`).join(''),
    'cilium-values.yaml': toYaml(ciliumValues(cluster)),
    ...fluxInstallFiles(cluster),
  };
}

/** `KIND_VERSION`, `KIND_URL`, `KIND_SHA256` (and `HELM_BINARY` for an archive) for each tool. */
function toolsEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, tool] of Object.entries(TOOLS)) {
    const prefix = name.toUpperCase();
    // The Flux CLI's version is FLUX_VERSION, which the controllers share.
    if (name !== 'flux') env[`${prefix}_VERSION`] = tool.version;
    env[`${prefix}_URL`] = tool.url;
    env[`${prefix}_SHA256`] = tool.sha256;
    if ('binary' in tool) env[`${prefix}_BINARY`] = tool.binary;
  }
  return env;
}
