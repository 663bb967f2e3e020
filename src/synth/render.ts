import { ApiObject } from 'cdk8s';
import { buildFluxSystem, buildHelmReleases, buildLayers, ClusterLayers, TeamIndependentLayerName } from '../../main';
import type { TeamOwners } from '../../charts/observability-values';
import { ciliumValues } from '../../charts/cilium-values';
import type { KindRef } from '../../charts/health-checks';
import { LayerChart } from '../../charts/layer-chart';
import { LayerName, LAYERS } from '../../charts/layers';
import { ClusterConfig } from '../../config/clusters';
import { FLUX } from '../../config/flux';
import { PLATFORM } from '../../config/platform';
import { CHARTS, TOOLS, VERSIONS } from '../../config/versions';
import { TeamInstances } from '../user-space/model';
import { DistObject, identify } from './changes';
import type { Bytes, FileContent } from './dist-folder';
import { toYaml } from './yaml';
import { fluxInstallFiles } from '../flux/install';

/** Files of dist/, keyed by path relative to dist/, in a stable order. */
export type DistFiles = Map<string, string>;

/** Objects per layer, for the summary. */
export type ObjectCounts = Map<string, number>;

/** The files of dist/ that hold one team's own output and nothing else, with that team. */
export type TeamFiles = Map<string, string>;

/** Between two documents of a file, and between two parts of it. */
export const DOCUMENT_SEPARATOR = '---\n';

/**
 * A run of documents of one file: the platform's own objects, or what one team's documents
 * render to. A file of documents is its parts joined by DOCUMENT_SEPARATOR, the platform's part
 * first, then the teams' in team order.
 */
export interface FilePart {
  /** The team whose documents these are. @default the platform's */
  readonly team?: string;
  /** The documents' YAML, joined by DOCUMENT_SEPARATOR. */
  readonly text: string;
  readonly documents: number;
  /** Whether every document is the team's own (compiled from its files), not the platform's made for it. */
  readonly owned: boolean;
  /** The objects in the part, when rendered by this run; a part reused from dist/ leaves them out. @default not known */
  readonly objects?: readonly DistObject[];
  /** SHA-256 of `text`, when known without reading it (recorded by the cache, or worked out when spooled). @default not known */
  readonly hash?: string;
  /** `text.length`, when known without reading it (a part that waits in the spool). @default not known */
  readonly length?: number;
  /** Its UTF-8 bytes, when they are kept apart from the part (in the spool): a file is written from them. @default none */
  read?(): Buffer;
}

/** One team's output on one cluster. */
export interface TeamOutput {
  readonly team: string;
  /** The team's part of each file it has documents in, by path relative to dist/. */
  readonly parts: ReadonlyMap<string, FilePart>;
  /** Kinds of the team's documents per layer, each once, in the order first seen. */
  readonly kinds: ReadonlyMap<LayerName, readonly KindRef[]>;
}

/** One cluster's platform, rendered before and apart from its teams. */
export interface PlatformRender {
  readonly cluster: ClusterConfig;
  readonly layers: ClusterLayers;
  /** The platform's objects, by file. */
  readonly parts: ReadonlyMap<string, FilePart>;
}

/** What one cluster renders to, its files not put together yet. */
export interface AssembledCluster {
  /** The parts of each file made of documents, in order. */
  readonly parts: ReadonlyMap<string, readonly FilePart[]>;
  /** The other files (kustomize configs, what bootstrap needs), whole. */
  readonly others: ReadonlyMap<string, string>;
  /** Objects per layer. */
  readonly counts: ObjectCounts;
  /** Files of one team's own output only; every other file is the platform's. */
  readonly teamFiles: TeamFiles;
}

/** What one cluster renders to, every file put together. */
export interface RenderedCluster extends AssembledCluster {
  readonly files: DistFiles;
}

/** Every file of dist/<cluster>/ for `teams`: the platform, each team, then the files that depend on them all. */
export function renderCluster(cluster: ClusterConfig, teams: readonly TeamInstances[]): RenderedCluster {
  const platform = renderPlatform(cluster);
  // Stryker disable next-line ArrayDeclaration: an owner that is no @org/team handle maps no one in Grafana's sign-in, the only reader of these owners
  const owners: TeamOwners = new Map(teams.map(({ team, workspace }) => [team, (workspace.spec.owners as string[] | undefined) ?? []]));
  // Stryker disable next-line BooleanLiteral: the files are made from the parts' text; their objects are not read here
  const assembled = assembleCluster(platform, teams.map((team) => renderTeam(platform, team, false)), owners);
  return { ...assembled, files: new Map([...clusterFiles(assembled)].map(([file, content]) => [file, typeof content === 'string' ? content : content.map((piece) => (typeof piece === 'string' ? piece : piece.read().toString('utf8'))).join('')])) };
}

/**
 * Each file of an assembled cluster with its content (and its parts, when made of documents),
 * put together one at a time when asked for: the files all teams share are the largest of a
 * large synth, and need not all be in memory at once.
 */
export function* clusterFiles({ parts, others }: AssembledCluster): Generator<readonly [string, FileContent, readonly FilePart[] | undefined]> {
  for (const [file, list] of parts) {
    // A part that waits in synth's spool is read as bytes, when its piece of the file is needed.
    const pieces = list.map((part): string | Bytes => (part.read ? (part as Bytes) : part.text));
    yield [file, pieces.flatMap((piece, index) => (index ? [DOCUMENT_SEPARATOR, piece] : [piece])), list];
  }
  for (const [file, content] of others) yield [file, content, undefined];
}

/** The layers of `cluster` whose own objects do not depend on its teams (see TeamIndependentLayerName). */
export function renderPlatform(cluster: ClusterConfig): PlatformRender {
  const layers = buildLayers(cluster);
  const parts = new Map<string, FilePart>();
  for (const [name, chart] of Object.entries(layers.layers)) for (const [file, part] of objectParts(cluster.name, name, chart)) parts.set(file, part);
  return { cluster, layers, parts };
}

/** YAML of the team documents rendered so far, by identity. */
const renderedDocuments = new WeakMap<object, string>();

/** A team document's YAML, rendered once however many clusters share the document. */
function documentYaml(document: object): string {
  let yaml = renderedDocuments.get(document);
  // Stryker disable next-line ConditionalExpression: a cache: rendered again, a document's YAML is the same
  if (yaml === undefined) renderedDocuments.set(document, (yaml = toYaml(document)));
  return yaml;
}

/** What every layer of the platform holds for one team, by file; with `objects`, each part names its objects. */
export function renderTeam({ cluster, layers }: PlatformRender, team: TeamInstances, objects: boolean): TeamOutput {
  const files = new Map<string, { yaml: string[]; objects: DistObject[]; owned: boolean }>();
  const kinds = new Map<LayerName, KindRef[]>();
  for (const [name, chart] of Object.entries(layers.layers) as [TeamIndependentLayerName, LayerChart][]) {
    const layerKinds = new Map<string, KindRef>();
    for (const { file, object, ownedBy } of chart.teamDocuments(team)) {
      const path = `${cluster.name}/${name}/${file}`;
      const entry = files.get(path) ?? files.set(path, { yaml: [], objects: [], owned: true }).get(path)!;
      entry.yaml.push(documentYaml(object));
      // Stryker disable next-line ConditionalExpression: saves work only: without `objects` the part leaves them out (below)
      if (objects) entry.objects.push(identify(cluster.name, object)!);
      entry.owned &&= ownedBy === team.team;
      const { apiVersion, kind } = object as KindRef;
      // A kind seen before keeps its place: a Map keeps a key where it was first set.
      // Stryker disable next-line StringLiteral: only layers that wait read these kinds (as health checks), and there a team's documents are of one kind today (its Workspace, its Grafana organization); the key tells kinds apart where one holds more
      layerKinds.set(`${apiVersion} ${kind}`, { apiVersion, kind });
    }
    // Stryker disable next-line ConditionalExpression: a layer without kinds adds none where kinds are read
    if (layerKinds.size) kinds.set(name, [...layerKinds.values()]);
  }
  const parts = new Map([...files].map(([path, entry]): [string, FilePart] => [path, { team: team.team, text: entry.yaml.join(DOCUMENT_SEPARATOR), documents: entry.yaml.length, owned: entry.owned, ...(objects && { objects: entry.objects }) }]));
  return { team: team.team, parts, kinds };
}

/**
 * The files of dist/<cluster>/: the platform's and the teams' parts, helm-releases (Grafana's
 * sign-in maps every team's owners, `teamOwners`) and flux-system (whose health checks depend on
 * every kind the layers apply, the teams' too), the kustomize configs and what bootstrap needs.
 */
export function assembleCluster(platform: PlatformRender, teams: readonly TeamOutput[], teamOwners: TeamOwners): AssembledCluster {
  const { cluster, layers } = platform;
  const helmReleases = buildHelmReleases(layers, cluster, teamOwners);
  const applied: [LayerName, LayerChart][] = [['helm-releases', helmReleases], ...(Object.entries(layers.layers) as [LayerName, LayerChart][])];
  const fluxSystem = buildFluxSystem(layers, cluster, appliedKinds(applied, teams));
  const parts = new Map<string, FilePart[]>();
  for (const [file, part] of [...objectParts(cluster.name, 'flux-system', fluxSystem), ...objectParts(cluster.name, 'helm-releases', helmReleases), ...platform.parts]) parts.set(file, [part]);
  for (const team of teams) {
    for (const [file, part] of team.parts) {
      const list = parts.get(file);
      if (list) list.push(part);
      else parts.set(file, [part]);
    }
  }
  const others = new Map<string, string>();
  for (const [name, chart] of [['flux-system', fluxSystem] as [LayerName, LayerChart], ...applied]) for (const [file, content] of Object.entries(chart.extraFiles(teams.length))) others.set(`${cluster.name}/${name}/${file}`, content);
  for (const [file, content] of Object.entries(bootstrapFiles(cluster))) others.set(`${cluster.name}/bootstrap/${file}`, content);
  const counts: ObjectCounts = new Map(LAYERS.map((layer) => [layer.name, 0]));
  for (const [file, list] of parts) {
    const layer = file.split('/')[1];
    counts.set(layer, (counts.get(layer) ?? 0) + list.reduce((sum, part) => sum + part.documents, 0));
  }
  const teamFiles: TeamFiles = new Map();
  // Stryker disable next-line ConditionalExpression: a team's own documents are only ever in a file of its own, so a file whose first part is owned has no other
  for (const [file, list] of parts) if (list.length === 1 && list[0].team && list[0].owned) teamFiles.set(file, list[0].team);
  return { parts, others, counts, teamFiles };
}

/** The kinds each of the `layers` applies: its own objects', then the teams' documents', each once, in the order first seen. */
export function appliedKinds(layers: readonly (readonly [LayerName, LayerChart])[], teams: readonly TeamOutput[]): Partial<Record<LayerName, KindRef[]>> {
  const kinds: Partial<Record<LayerName, KindRef[]>> = {};
  // Teams with the same kinds share one map (TeamRenderer's, the cache's): each map is looked at once, which changes no order.
  const sets = new Set(teams.map((team) => team.kinds));
  for (const [name, chart] of layers) {
    const seen = new Map(chart.appliedKinds().map((kind) => [`${kind.apiVersion} ${kind.kind}`, kind]));
    for (const set of sets) for (const kind of set.get(name) ?? []) seen.set(`${kind.apiVersion} ${kind.kind}`, kind);
    kinds[name] = [...seen.values()];
  }
  return kinds;
}

/** The chart's own objects (its constructs), each file one part of the platform's. */
function objectParts(cluster: string, layer: string, chart: LayerChart): Map<string, FilePart> {
  const files = new Map<string, { yaml: string[]; objects: DistObject[] }>();
  for (const object of chart.node.findAll().filter((node): node is ApiObject => node instanceof ApiObject)) {
    const manifest = object.toJson();
    const path = `${cluster}/${layer}/${chart.outputFile(object)}`;
    const entry = files.get(path) ?? files.set(path, { yaml: [], objects: [] }).get(path)!;
    entry.yaml.push(toYaml(manifest));
    entry.objects.push(identify(cluster, manifest)!);
  }
  // Stryker disable next-line BooleanLiteral: a part without a team is no team's, whatever `owned` says
  return new Map([...files].map(([path, { yaml, objects }]) => [path, { text: yaml.join(DOCUMENT_SEPARATOR), documents: yaml.length, owned: false, objects }]));
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
    env[`${prefix}_VERSION`] = tool.version;
    env[`${prefix}_URL`] = tool.url;
    env[`${prefix}_SHA256`] = tool.sha256;
    if ('binary' in tool) env[`${prefix}_BINARY`] = tool.binary;
  }
  return env;
}
