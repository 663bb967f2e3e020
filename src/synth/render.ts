import { ApiObject } from 'cdk8s';
import { dump } from 'js-yaml';
import { buildCluster } from '../../main';
import { ciliumValues } from '../../charts/cilium-values';
import { LAYERS } from '../../charts/layers';
import { ClusterConfig } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { CHARTS, TOOLS, VERSIONS } from '../../config/versions';
import { TeamInstances } from '../user-space/model';
import { DistIndex, identify } from './changes';

/** Files of dist/, keyed by path relative to dist/, in a stable order. */
export type DistFiles = Map<string, string>;

/** Objects per layer, for the summary. */
export type ObjectCounts = Map<string, number>;

/** The files of dist/ that hold one team's own output and nothing else, with that team. */
export type TeamFiles = Map<string, string>;

/**
 * Renders `value` the same way everywhere: block style, no line folding, no anchors. js-yaml
 * writes the thousands of documents of a large synth ten times faster than the `yaml` package,
 * which serves where positions matter: reading team files.
 */
export function toYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true });
}

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
 * Flags of Flux's multi-tenancy lockdown (fluxcd.io "Flux multi-tenancy" and "bootstrap
 * customization"), added to the controllers' arguments at every install and upgrade: bootstrap
 * regenerates Flux's manifests at the pinned version and applies them through these patches.
 */
export const FLUX_LOCKDOWN: ReadonlyArray<{ readonly controllers: readonly string[]; readonly flag: string }> = [
  // A Kustomization or HelmRelease reaches sources and objects of its own namespace only.
  { controllers: ['kustomize-controller', 'helm-controller', 'notification-controller', 'image-reflector-controller', 'image-automation-controller'], flag: '--no-cross-namespace-refs=true' },
  // An object that names no service account acts as `default` of its namespace, which holds no rights.
  { controllers: ['kustomize-controller', 'helm-controller'], flag: '--default-service-account=default' },
  // Kustomize overlays may not pull remote bases: everything applied comes from the source Flux verified (kustomize-controller PR 638).
  { controllers: ['kustomize-controller'], flag: '--no-remote-bases=true' },
];

/**
 * What cluster/bootstrap.sh needs before Flux runs: the pinned versions, Cilium's values (the
 * same as its HelmRelease's, so Flux adopts the release), and the Flux install's
 * multi-tenancy lockdown.
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
    CILIUM_CHART_SHA256: CHARTS.cilium.archiveSha256,
    ...toolsEnv(),
  };
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['gotk-components.yaml'],
    patches: FLUX_LOCKDOWN.map(({ controllers, flag }) => ({
      patch: toYaml([{ op: 'add', path: '/spec/template/spec/containers/0/args/-', value: flag }]),
      // kustomize anchors a target name as a regular expression, so this names exactly these Deployments.
      target: { kind: 'Deployment', name: `(${controllers.join('|')})` },
    })),
  };
  return {
    'versions.env': Object.entries(env).map(([key, value]) => `${key}=${value}\n`).join(''),
    'cilium-values.yaml': toYaml(ciliumValues(cluster)),
    'flux/kustomization.yaml': toYaml(kustomization),
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
