import * as fs from 'fs';
import * as path from 'path';
import { AbstractionApi } from '../../abstractions/api';
import { ABSTRACTION_APIS, findAbstractionApi } from '../../abstractions/apis';
import { CLUSTERS } from '../../config/clusters';
import { NAMING_CONVENTION } from '../../config/naming';
import { reservedNamespace } from '../../config/namespaces';
import { PLATFORM } from '../../config/platform';
import { readDocuments, SourceDocument } from './documents';
import { hasPath, isPlainObject, mergeOverride } from './merge';
import { Instance, SourceLocation, TeamInstances } from './model';
import { formatLocation, hasErrors, Problem, sortProblems } from './problems';
import { checkReferences } from './references';
import { checkQuotaFit, checkScaling } from './scaling';
import { checkClaims, dataKeysOf, type ClaimRef, type TeamClaims } from './claims';
import { checkSecret, isSecretDocument, SecretDeclaration } from './secrets';
import { checkAgainstSchema } from './schema-check';
import { closest } from './suggest';
import { isYamlFile, OVERRIDES_FOLDER, readTeamFolder, type PendingFile, type TeamFolder } from './team-folder';

export { isYamlFile, OVERRIDES_FOLDER, type PendingFile } from './team-folder';

/** What loading user-space/ found: every problem, and the teams' instances per cluster. */
export interface UserSpace {
  /** Errors and warnings, sorted by file and position, each once. */
  readonly problems: readonly Problem[];
  /** Names of the team folders that were read. */
  readonly teams: readonly string[];
  /** Each team's code owners (its Workspace's `spec.owners`), for the teams that name any. */
  readonly owners: ReadonlyMap<string, readonly string[]>;
  /** The teams (sorted by name) as they apply to `cluster`, overrides merged in. */
  teamsFor(cluster: string): readonly TeamInstances[];
}

export interface LoadOptions {
  /** Repository root; problem locations are relative to it. */
  readonly root: string;
  /** @default `<root>/user-space` */
  readonly userSpaceDir?: string;
  /** Absolute paths of files or team folders: only the teams holding them are loaded. @default every team */
  readonly only?: readonly string[];
  /**
   * A team file about to be written (`npm run new`), checked as if it were already there, so that
   * a file that would be refused is never written. @default none
   */
  readonly pending?: PendingFile;
}

/** One team as loaded from its folder alone; what it shares with other teams is checked by `checkClaims`. */
export interface LoadedTeam {
  readonly team: string;
  /** The team's own problems (not those between teams), unsorted. */
  readonly problems: readonly Problem[];
  /** The team's code owners, when its Workspace names any. */
  readonly owners?: readonly string[];
  /** What the team claims that no other may use (hostnames, SOPS data keys), checked across teams by `checkClaims`. */
  readonly claims: TeamClaims;
  /** Where one of the team's claims is written. */
  locateClaim(kind: ClaimRef['kind'], index: number): SourceLocation;
  /** The instance that routes the team's `index`-th hostname. */
  hostInstance(index: number): Instance;
  /** The team as it applies to `cluster`; undefined when it has no Workspace (an error already). */
  instancesFor(cluster: string): TeamInstances | undefined;
}

const TEAM_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KIND_ORDER = new Map(ABSTRACTION_APIS.map((abstraction, index) => [abstraction.kind, index]));
const ACCEPTED = ABSTRACTION_APIS.map((abstraction) => abstraction.kind).join(', ');
/**
 * Where each instance was declared: its cluster override (if any), then its base document. A
 * document's positions are worked out only when asked for.
 */
const sources = new WeakMap<Instance, readonly SourceDocument[]>();

/** Instances with an error of their own: the cluster would refuse them, so they create nothing. */
const invalid = new WeakSet<Instance>();

/** Whether loading found an error in `instance` itself (its schema, names, namespace or host). */
export function isInvalid(instance: Instance): boolean {
  return invalid.has(instance);
}

/** Where `instance` was declared (its base document). */
export function sourceOf(instance: Instance): SourceLocation | undefined {
  return sources.get(instance)?.at(-1)?.location;
}

/**
 * Where the field at `at` of `instance` is written (with `key`, its key): a `spec` field in the
 * cluster override when the override sets it, else in the base document (which declares the
 * instance, its name included), else its closest parent.
 */
export function locateField(instance: Instance, at: readonly (string | number)[], key = false): SourceLocation | undefined {
  const documents = sources.get(instance);
  if (!documents) return undefined;
  const base = documents[documents.length - 1];
  const document = at[0] === 'spec' ? (documents.find((candidate) => hasPath(candidate.value, at)) ?? base) : base;
  return document.locate(at, key);
}

/** A team document that names one of the abstractions. */
interface Declaration {
  readonly abstraction: AbstractionApi;
  readonly name: string;
  readonly source: SourceDocument;
}

/** Reads, checks and compiles user-space/. Never throws for bad input: that is what `problems` are for. */
export function loadUserSpace(options: LoadOptions): UserSpace {
  const userSpace = options.userSpaceDir ?? path.join(options.root, 'user-space');
  const relative = repositoryPaths(options.root);
  const problems: Problem[] = [];
  const teams = new Map<string, LoadedTeam>();
  const owners = new Map<string, readonly string[]>();
  for (const team of listTeams(userSpace, relative, problems, options)) {
    const misnamed = teamNameProblem(path.join(userSpace, team), relative);
    if (misnamed) {
      problems.push(misnamed);
      continue;
    }
    const loaded = loadTeam(readTeamFolder(userSpace, team, options.pending), relative);
    problems.push(...loaded.problems);
    if (loaded.owners) owners.set(team, loaded.owners);
    teams.set(team, loaded);
  }
  const claims = checkClaims(
    [...teams.values()].map((team) => team.claims),
    ({ team, kind, index }) => teams.get(team)!.locateClaim(kind, index),
  );
  problems.push(...claims.problems);
  for (const { team, index } of claims.refusedHosts) invalid.add(teams.get(team)!.hostInstance(index));
  return {
    problems: sortProblems(problems),
    teams: [...teams.keys()],
    owners,
    teamsFor(cluster) {
      return [...teams.values()].flatMap((team) => team.instancesFor(cluster) ?? []);
    },
  };
}

/** How problems name a file: relative to the repository root, '/'-separated. */
export function repositoryPaths(root: string): (absolute: string) => string {
  return (absolute) => path.relative(root, absolute).split(path.sep).join('/');
}

/** The problem with a team folder's name, if it cannot be a namespace's; such a folder is not read. */
export function teamNameProblem(folder: string, relative: (absolute: string) => string): Problem | undefined {
  const team = path.basename(folder);
  if (TEAM_NAME.test(team)) return undefined;
  return { severity: 'error', location: { file: relative(folder), line: 1, col: 1 }, message: `team folder "${team}" is not a valid namespace name: lower-case letters, digits and "-", starting and ending with a letter or digit` };
}

/**
 * One team whose folder has a valid name (see `teamNameProblem`), from its folder alone: its
 * documents checked and compiled for every cluster, with their problems. Never throws for bad input.
 */
export function loadTeam(folder: TeamFolder, relative: (absolute: string) => string): LoadedTeam {
  const { team } = folder;
  const problems: Problem[] = [];
  const error = (location: SourceLocation, message: string) => problems.push({ severity: 'error', location, message });
  const at = (file: string): SourceLocation => ({ file: relative(file), line: 1, col: 1 });
  const hosts: HostClaim[] = [];
  const secretSources = new Map<string | undefined, SourceDocument[]>();
  const declarations = declare(folder, '', relative, problems, secretSources, undefined);
  checkWorkspace(team, declarations, at(folder.path), error);
  checkNamespaceIsFree(team, declarations, at(folder.path), error);
  const owners = ownersOf(team, declarations, problems);
  checkUniqueNames(declarations, error);
  const overrides = readOverrides(folder, declarations, relative, problems, secretSources);
  const { declared: secrets, refused: refusedSecrets } = declareSecrets(team, secretSources, problems);
  const secretsVary = [...secrets, ...refusedSecrets].some((declaration) => declaration.clusters.length < CLUSTERS.length);
  // A document without an override is the same instance on every cluster: checked and compiled
  // once, and the very same object, so rendering can reuse its YAML too.
  const unchanged = new Map<Declaration, Instance>();
  const compileFor = (cluster: string, declaration: Declaration): Instance => {
    const override = overrides.get(cluster)?.get(key(declaration));
    if (override) return compile(declaration, override, team, problems, hosts);
    if (!unchanged.has(declaration)) unchanged.set(declaration, compile(declaration, undefined, team, problems, hosts));
    return unchanged.get(declaration)!;
  };
  const perCluster = new Map<string, TeamInstances | undefined>();
  for (const cluster of CLUSTERS) {
    const instances = declarations.map((declaration) => compileFor(cluster.name, declaration)).sort(byKindAndName);
    const clusterSecrets = secrets.filter((declaration) => declaration.clusters.includes(cluster.name)).sort((a, b) => a.secret.name.localeCompare(b.secret.name));
    const locate = (instance: Instance, at: readonly string[]) => locateField(instance, at)!;
    const refused = refusedSecrets.filter((declaration) => declaration.clusters.includes(cluster.name)).map((declaration) => declaration.name);
    checkReferences({ team, instances, secrets: clusterSecrets, refusedSecrets: refused, secretsCluster: secretsVary ? cluster.name : undefined, locate }, problems);
    // Stryker disable next-line MethodExpression,ConditionalExpression: only a WebApplication has replicas, autoscale, cpu and memory (the schema check refuses them on any other kind), so the filter saves work only
    for (const application of instances.filter((instance) => instance.kind === 'WebApplication')) checkQuotaFit(application, cluster, (at) => locate(application, at), problems);
    const workspace = instances.find((instance) => instance.kind === 'Workspace');
    const secretsOnCluster = clusterSecrets.map((declaration) => declaration.secret);
    perCluster.set(cluster.name, workspace && { team, workspace, instances: instances.filter((instance) => instance.kind !== 'Workspace'), secrets: secretsOnCluster });
  }
  return {
    team,
    problems,
    owners,
    claims: { team, hosts: hosts.map(({ host, owner }) => [host, owner]), secrets: secrets.map(({ secret }) => [secret.name, dataKeysOf(secret.document)]) },
    locateClaim: (kind, index) => (kind === 'host' ? hosts[index].location() : secrets[index].source.locate(['sops'])),
    hostInstance: (index) => hosts[index].instance,
    instancesFor: (cluster) => perCluster.get(cluster),
  };
}

/**
 * The team folders of the user space (and the pending file's, which may not exist yet), or those
 * holding the `only` paths; a YAML file directly in the user space, or a path in no team
 * folder, is a problem.
 */
export function listTeams(userSpace: string, relative: (file: string) => string, problems: Problem[], options: Pick<LoadOptions, 'only' | 'pending'> = {}): string[] {
  const { only, pending } = options;
  const error = (location: SourceLocation, message: string) => problems.push({ severity: 'error', location, message });
  const entries = fs.existsSync(userSpace) ? fs.readdirSync(userSpace, { withFileTypes: true }) : [];
  for (const entry of entries) {
    if (entry.isFile() && isYamlFile(entry.name)) error({ file: relative(path.join(userSpace, entry.name)), line: 1, col: 1 }, 'team files belong in a team folder: user-space/<team>/');
  }
  const folders = new Set(entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name));
  if (pending && path.dirname(path.dirname(pending.path)) === userSpace) folders.add(path.basename(path.dirname(pending.path)));
  const all = [...folders].sort();
  if (!only) return all;
  const selected = new Set<string>();
  for (const target of only) {
    const team = path.relative(userSpace, target).split(path.sep)[0];
    // Outside the user space the first segment is '..', and the user space itself gives '': no team folder has either name.
    if (!all.includes(team)) error({ file: relative(target), line: 1, col: 1 }, 'not inside a team folder of user-space/');
    else selected.add(team);
  }
  return [...selected].sort();
}

/** The YAML files of the folder at `relative` in the team folder; any folder but the team folder's clusters/ is a mistake worth saying. */
function yamlFiles(folder: TeamFolder, relative: string, repositoryPath: (file: string) => string, problems: Problem[]): string[] {
  const files: string[] = [];
  const error = (location: SourceLocation, message: string) => problems.push({ severity: 'error', location, message });
  const warn = (location: SourceLocation, message: string) => problems.push({ severity: 'warning', location, message });
  for (const entry of folder.entries(relative)) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    const absolute = path.join(folder.path, child);
    if (entry.type === 'folder') {
      if (relative !== '' || entry.name !== OVERRIDES_FOLDER) error({ file: repositoryPath(absolute), line: 1, col: 1 }, `unexpected folder: team files live directly in the team folder, cluster overrides in ${OVERRIDES_FOLDER}/<cluster>/`);
    } else if (entry.type === 'other') {
      // A symbolic link could point anywhere on the machine that runs synth.
      warn({ file: repositoryPath(absolute), line: 1, col: 1 }, 'not read: a team file must be a regular file, not a symbolic link or a device; put the file itself here');
    } else if (isYamlFile(entry.name)) {
      files.push(child);
    } else if (!entry.name.startsWith('.')) {
      warn({ file: repositoryPath(absolute), line: 1, col: 1 }, 'not read: only files ending in .yaml or .yml are team files; rename it, or move it out of the team folder');
    }
  }
  return files;
}

/**
 * The abstraction instances of the YAML files in the folder at `relative`; Secrets go to
 * `secrets` under `cluster` (the cluster folder they are in, undefined for the team folder);
 * anything else is refused.
 */
function declare(
  folder: TeamFolder,
  relative: string,
  repositoryPath: (file: string) => string,
  problems: Problem[],
  secrets: Map<string | undefined, SourceDocument[]>,
  cluster: string | undefined,
): Declaration[] {
  const declarations: Declaration[] = [];
  for (const file of yamlFiles(folder, relative, repositoryPath, problems)) {
    const absolute = path.join(folder.path, file);
    for (const source of readDocuments(absolute, repositoryPath(absolute), problems, folder.bytes(file))) {
      if (isSecretDocument(source.value)) {
        secrets.set(cluster, [...(secrets.get(cluster) ?? []), source]);
        continue;
      }
      const declaration = identify(source, problems);
      if (declaration) declarations.push(declaration);
    }
  }
  return declarations;
}

/**
 * The team's Secrets and the clusters each goes to: one in clusters/<cluster>/ replaces the
 * team folder's Secret of the same name on that cluster; each must be encrypted for all of its
 * clusters and named once per folder. The names of those refused, with their clusters, come
 * apart: they are never passed on, but a reference to one is no reference to a missing Secret.
 */
function declareSecrets(team: string, sources: ReadonlyMap<string | undefined, readonly SourceDocument[]>, problems: Problem[]): { declared: SecretDeclaration[]; refused: { name: string; clusters: string[] }[] } {
  const nameOf = (source: SourceDocument) => String(((source.value as Record<string, unknown>).metadata as Record<string, unknown> | undefined)?.name ?? '');
  const declared: SecretDeclaration[] = [];
  const refused: { name: string; clusters: string[] }[] = [];
  for (const [cluster, documents] of sources) {
    const seen = new Map<string, SourceDocument>();
    for (const source of documents) {
      const name = nameOf(source);
      // A nameless Secret is refused for that (checkSecret) and clashes with no other.
      const first = name === '' ? undefined : seen.get(name);
      if (first) {
        problems.push({ severity: 'error', location: source.locate(['metadata', 'name']), message: `Secret "${name}" is declared twice in this folder (also at ${formatLocation(first.locate(['metadata', 'name']))})` });
        continue;
      }
      seen.set(name, source);
      const replacedOn = (other: string) => (sources.get(other) ?? []).some((document) => nameOf(document) === name);
      const targets = cluster ? CLUSTERS.filter((config) => config.name === cluster) : CLUSTERS.filter((config) => !replacedOn(config.name));
      const secret = checkSecret(source, team, targets, problems);
      const clusters = targets.map((config) => config.name);
      if (secret) declared.push({ secret, source, clusters });
      else refused.push({ name, clusters });
    }
  }
  return { declared, refused };
}

/** Which abstraction a document declares, or a problem saying why it is not accepted. */
function identify(source: SourceDocument, problems: Problem[]): Declaration | undefined {
  const value = source.value;
  // Stryker disable next-line ArrayDeclaration: a path the document lacks points at its start too
  const refuse = (message: string, at: string[] = []) => {
    problems.push({ severity: 'error', location: source.locate(at), message });
    return undefined;
  };
  if (!isPlainObject(value)) return refuse('a team document must be a mapping with apiVersion, kind, metadata and spec');
  // Encrypting a whole document hides what it is; SOPS must leave all but a Secret's values readable.
  if (isPlainObject(value.sops)) return refuse('a SOPS-encrypted document must be a Secret with apiVersion, kind and metadata readable: encrypt only data and stringData (the repository\'s .sops.yaml does so with `sops --encrypt --in-place <file>`)');
  const { apiVersion, kind } = value;
  const abstraction = typeof kind === 'string' ? findAbstractionApi(kind) : undefined;
  if (apiVersion !== PLATFORM.abstractionApiVersion || !abstraction) {
    const found = `${String(apiVersion ?? '(no apiVersion)')} ${String(kind ?? '(no kind)')}`;
    return refuse(`only the platform's abstractions (${PLATFORM.abstractionApiVersion} ${ACCEPTED}) and SOPS-encrypted v1 Secrets can be declared here, not ${found}: Kubernetes objects are made by the abstractions`, abstraction ? ['apiVersion'] : ['kind']);
  }
  const name = isPlainObject(value.metadata) ? value.metadata.name : undefined;
  if (name === undefined) return refuse(`${abstraction.kind}: metadata.name is required`, ['metadata']);
  if (typeof name !== 'string') return refuse(`${abstraction.kind}: metadata.name must be a string, not ${JSON.stringify(name)}`, ['metadata', 'name']);
  return { abstraction, name, source };
}

function key({ abstraction, name }: { abstraction: AbstractionApi; name: string }): string {
  return `${abstraction.kind}/${name}`;
}

function checkWorkspace(team: string, declarations: readonly Declaration[], folder: SourceLocation, error: (at: SourceLocation, message: string) => void): void {
  const workspaces = declarations.filter((declaration) => declaration.abstraction.kind === 'Workspace');
  if (workspaces.length === 0) error(folder, `team "${team}" has no Workspace: add one with metadata.name: ${team}`);
  for (const extra of workspaces.slice(1)) error(extra.source.location, `a team has exactly one Workspace; this is a second one (the first is at ${formatLocation(workspaces[0].source.location)})`);
  for (const workspace of workspaces) {
    if (workspace.name !== team) error(workspace.source.locate(['metadata', 'name']), `the Workspace is named "${workspace.name}" but its folder is "${team}": a Workspace is named like its team folder`);
  }
}

/**
 * The owners a team's Workspace names. None is allowed but worth a warning: the team's changes
 * then need a platform owner's review, however small.
 */
function ownersOf(team: string, declarations: readonly Declaration[], problems: Problem[]): readonly string[] | undefined {
  const workspace = declarations.find((declaration) => declaration.abstraction.kind === 'Workspace' && declaration.name === team);
  if (!workspace) return undefined;
  const spec = isPlainObject(workspace.source.value) && isPlainObject(workspace.source.value.spec) ? workspace.source.value.spec : undefined;
  const owners = spec?.owners;
  if (owners === undefined || (Array.isArray(owners) && owners.length === 0)) {
    problems.push({
      severity: 'warning',
      location: workspace.source.locate(spec ? ['spec'] : ['metadata', 'name']),
      message: `Workspace ${team}: no spec.owners, so only the platform's code owners can approve changes to the team's files; name the team's reviewers, e.g. owners: ["@your-org/${team}"]`,
    });
    return undefined;
  }
  // Anything but a list of strings already has its schema error, and then synth writes nothing.
  // Stryker disable next-line MethodExpression,ConditionalExpression: owners that are not all strings fail the team's schema check, so no code owners are written from them
  return Array.isArray(owners) && owners.every((owner) => typeof owner === 'string') ? owners : undefined;
}

/** A team's namespace is its own: never one that the platform or Kubernetes runs in. */
function checkNamespaceIsFree(team: string, declarations: readonly Declaration[], folder: SourceLocation, error: (at: SourceLocation, message: string) => void): void {
  const reason = reservedNamespace(team);
  if (!reason) return;
  const workspace = declarations.find((declaration) => declaration.abstraction.kind === 'Workspace' && declaration.name === team);
  error(
    workspace ? workspace.source.locate(['metadata', 'name']) : folder,
    `Workspace ${team}: metadata.name "${team}" cannot be a team's namespace: ${reason}, and a Workspace would take it over (Pod Security label, network policies, quota, tenant role); choose another name for the team folder and its Workspace`,
  );
}

function checkUniqueNames(declarations: readonly Declaration[], error: (at: SourceLocation, message: string) => void): void {
  const first = new Map<string, Declaration>();
  for (const declaration of declarations) {
    const earlier = first.get(key(declaration));
    if (earlier) {
      error(declaration.source.locate(['metadata', 'name']), `${declaration.abstraction.kind} "${declaration.name}" is declared twice in this team (also at ${formatLocation(earlier.source.locate(['metadata', 'name']))})`);
    } else {
      first.set(key(declaration), declaration);
    }
  }
}

/** Overrides per cluster, keyed like declarations; unknown clusters and unmatched overrides are problems. */
function readOverrides(folder: TeamFolder, declarations: readonly Declaration[], relative: (file: string) => string, problems: Problem[], secrets: Map<string | undefined, SourceDocument[]>): Map<string, Map<string, SourceDocument>> {
  const overrides = new Map<string, Map<string, SourceDocument>>();
  const known = new Set(declarations.map(key));
  for (const entry of folder.entries(OVERRIDES_FOLDER)) {
    const clusterFolder = path.join(folder.path, OVERRIDES_FOLDER, entry.name);
    if (entry.type !== 'folder' || !CLUSTERS.some((cluster) => cluster.name === entry.name)) {
      const names = CLUSTERS.map((cluster) => cluster.name);
      // A file is no cluster folder, even when named like one: no "did you mean".
      const [what, suggestion] = entry.type === 'folder' ? ['a cluster', closest(entry.name, names)] : ['a folder', undefined];
      problems.push({
        severity: 'error',
        location: { file: relative(clusterFolder), line: 1, col: 1 },
        message: `"${entry.name}" is not ${what}: overrides go in ${OVERRIDES_FOLDER}/<cluster>/ with one of ${names.join(', ')}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      });
      continue;
    }
    const byKey = new Map<string, SourceDocument>();
    const inFolder = `${OVERRIDES_FOLDER}/${entry.name}`;
    for (const file of yamlFiles(folder, inFolder, relative, problems)) {
      const absolute = path.join(folder.path, file);
      for (const source of readDocuments(absolute, relative(absolute), problems, folder.bytes(file))) {
        if (isSecretDocument(source.value)) {
          secrets.set(entry.name, [...(secrets.get(entry.name) ?? []), source]);
          continue;
        }
        const declaration = identify(source, problems);
        if (!declaration) continue;
        if (!known.has(key(declaration))) {
          const names = declarations.filter((candidate) => candidate.abstraction === declaration.abstraction).map((candidate) => candidate.name);
          const suggestion = closest(declaration.name, names);
          const hint = suggestion ? `: did you mean "${suggestion}"?` : names.length ? ` (its ${declaration.abstraction.plural}: ${names.join(', ')})` : '';
          problems.push({ severity: 'error', location: source.locate(['metadata', 'name']), message: `this override matches no document: there is no ${declaration.abstraction.kind} "${declaration.name}" in the team's files${hint}` });
        } else if (byKey.has(key(declaration))) {
          problems.push({ severity: 'error', location: source.location, message: `a second override of ${declaration.abstraction.kind} "${declaration.name}" for cluster ${entry.name} (the first is at ${formatLocation(byKey.get(key(declaration))!.location)})` });
        } else {
          byKey.set(key(declaration), source);
        }
      }
    }
    overrides.set(entry.name, byKey);
  }
  return overrides;
}

/** One instance as it applies to a cluster: merged, checked, its namespace forced to the team's. */
function compile(declaration: Declaration, override: SourceDocument | undefined, team: string, problems: Problem[], hosts: HostClaim[]): Instance {
  const { abstraction, name, source } = declaration;
  const problemsBefore = problems.length;
  const sourcesInOrder = override ? [override, source] : [source];
  const value = (override ? mergeOverride(source.value, override.value) : source.value) as Record<string, unknown>;
  const locate = (at: readonly string[]) => (override && hasPath(override.value, at) ? override : source).locate(at);
  const error = (at: string[], message: string) => problems.push({ severity: 'error', location: locate(at), message: `${abstraction.kind} ${name}: ${message}` });
  problems.push(...checkAgainstSchema(abstraction, value, sourcesInOrder));
  if (override) checkSameOnEveryCluster(abstraction, override, problems);
  const metadata = (isPlainObject(value.metadata) ? value.metadata : {}) as Record<string, unknown>;
  const spec = (isPlainObject(value.spec) ? value.spec : {}) as Record<string, unknown>;
  const namespaced = abstraction.scope === 'Namespaced';
  if (namespaced && metadata.namespace !== undefined && metadata.namespace !== team) {
    error(['metadata', 'namespace'], `metadata.namespace is "${String(metadata.namespace)}" but the file is in team "${team}"'s folder: a team's objects live in its own namespace, "${team}"`);
  }
  if (spec.namespace !== undefined && spec.namespace !== team) error(['spec', 'namespace'], `spec.namespace is "${String(spec.namespace)}" but must be the team's namespace, "${team}"`);
  if (spec.name !== undefined && spec.name !== name) error(['spec', 'name'], `spec.name is "${String(spec.name)}" but metadata.name is "${name}": they must agree`);
  // A name that is no DNS label already has its error; suggesting a rename of it would mislead.
  if (namespaced && TEAM_NAME.test(name) && !NAMING_CONVENTION.matches(team, name)) error(['metadata', 'name'], `${NAMING_CONVENTION.describe(team)} (the same rule the cluster enforces): rename it to "${team}-${name}"`);
  if (spec.tag === 'latest') {
    problems.push({ severity: 'warning', location: locate(['spec', 'tag']), message: `${abstraction.kind} ${name}: tag "latest" changes under you; pin a version so a rollout is a reviewed change` });
  }
  if (abstraction.kind === 'WebApplication') checkScaling(spec, locate, error);
  const instance: Instance = {
    apiVersion: PLATFORM.abstractionApiVersion,
    kind: abstraction.kind,
    metadata: { name, ...(namespaced ? { namespace: team } : {}), ...annotationsOf(abstraction) },
    spec,
  };
  if (typeof spec.host === 'string') hosts.push({ host: spec.host, owner: `${team}/${abstraction.kind}/${name}`, instance, location: () => locate(['spec', 'host']) });
  sources.set(instance, sourcesInOrder);
  if (hasErrors(problems.slice(problemsBefore))) invalid.add(instance);
  return instance;
}

/** Fields about the repository (who owns the team's files) cannot differ per cluster. */
function checkSameOnEveryCluster(abstraction: AbstractionApi, override: SourceDocument, problems: Problem[]): void {
  for (const [name, definition] of Object.entries(abstraction.spec)) {
    if (!definition.sameOnEveryCluster || !hasPath(override.value, ['spec', name])) continue;
    problems.push({ severity: 'error', location: override.locate(['spec', name], true), message: `${abstraction.kind} ${String((override.value as { metadata?: { name?: unknown } }).metadata?.name)}: spec.${name} is the same on every cluster; set it in the team's base file, not in a cluster override` });
  }
}

/** Data outlives its files: Flux never prunes an instance of a kept kind, so deleting a file deletes no data. */
function annotationsOf(abstraction: AbstractionApi): { annotations?: Record<string, string> } {
  return abstraction.keptWhenRemoved ? { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } } : {};
}

/** A hostname an instance routes, and where (worked out only for a message). */
interface HostClaim {
  readonly host: string;
  /** `<team>/<kind>/<name>`. */
  readonly owner: string;
  readonly instance: Instance;
  location(): SourceLocation;
}

function byKindAndName(a: Instance, b: Instance): number {
  return (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0) || a.metadata.name.localeCompare(b.metadata.name);
}
