import { ApiObject } from 'cdk8s';
import { buildCluster } from '../../main';
import { ciliumValues } from '../../charts/cilium-values';
import { LAYERS } from '../../charts/layers';
import { ClusterConfig } from '../../config/clusters';
import { FLUX } from '../../config/flux';
import { PLATFORM } from '../../config/platform';
import { CHARTS, VERSIONS } from '../../config/versions';
import { TeamInstances } from '../user-space/model';
import { DistIndex, identify } from './changes';
import { toYaml } from './yaml';
import { fluxInstallFiles } from '../flux/install';

/** Files of dist/, keyed by path relative to dist/, in a stable order. */
export type DistFiles = Map<string, string>;

/** Objects per layer, for the summary. */
export type ObjectCounts = Map<string, number>;

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
}

/** Every file of dist/<cluster>/, with the objects in each file and layer. */
export function renderCluster(cluster: ClusterConfig, teams: readonly TeamInstances[]): RenderedCluster {
  const files: DistFiles = new Map();
  const index: DistIndex = new Map();
  const counts: ObjectCounts = new Map();
  const charts = buildCluster(cluster, teams);
  for (const { name } of LAYERS) {
    const chart = charts[name];
    const documents = new Map<string, string[]>();
    const objects = chart.node.findAll().filter((node): node is ApiObject => node instanceof ApiObject);
    const add = (file: string, manifest: unknown, yaml: string) => {
      const path = `${cluster.name}/${name}/${file}`;
      if (!documents.has(path)) {
        documents.set(path, []);
        index.set(path, []);
      }
      documents.get(path)!.push(yaml);
      index.get(path)!.push(identify(cluster.name, manifest)!);
    };
    for (const object of objects) {
      const manifest = object.toJson();
      add(chart.outputFile(object), manifest, toYaml(manifest));
    }
    for (const { file, object } of chart.documents) add(file, object, documentYaml(object));
    for (const [file, list] of documents) files.set(file, list.join('---\n'));
    for (const [file, content] of Object.entries(chart.extraFiles())) files.set(`${cluster.name}/${name}/${file}`, content);
    counts.set(name, objects.length + chart.documents.length);
  }
  for (const [file, content] of Object.entries(bootstrapFiles(cluster))) files.set(`${cluster.name}/bootstrap/${file}`, content);
  return { files, index, counts };
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
  };
  return {
    'versions.env': Object.entries(env).map(([key, value]) => `${key}=${value}\n`).join(''),
    'cilium-values.yaml': toYaml(ciliumValues(cluster)),
    ...fluxInstallFiles(cluster),
  };
}
