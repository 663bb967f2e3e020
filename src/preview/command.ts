/**
 * `npm run preview -- <team-or-file>... [--cluster <name>] [--diff [--base <git-ref>]] [--user-space <dir>]`: the resources kro
 * would create for the instances of the files or team folders given, as multi-document YAML on
 * stdout (or, with --diff, what they change relative to dist/ as committed at --base, default
 * HEAD), problems on stderr. Exit 0, 1 for invalid input,
 * 2 for usage and internal errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { stringify } from 'yaml';
import { CLUSTERS, findCluster } from '../../config/clusters';
import { PLATFORM } from '../../config/platform';
import { parseArgs, usageOf, type CommandSpec } from '../cli/args';
import { UsageError } from '../cli/usage-error';
import { CACHE_DIR } from '../compiled-cache';
import { ROOT } from '../paths';
import { formatProblem, hasErrors, isInvalid, loadUserSpace, locateField, sourceOf, type Instance, type Problem, type TeamInstances } from '../user-space';
import { SchemaChecker } from './check';
import { diffResources, formatChanges } from './diff';
import type { ExpandedResource } from './expand';
import { previewTeam, secretPreview, type PreviewContext } from './preview';
import { isRecord } from './simple-schema';
import { createdKinds, loadRgds, rgdSet } from './rgd';
import { openCommittedTree, type CommittedTree } from './committed';
import { selectedPaths, USER_SPACE_OPTION, userSpaceDir } from '../user-space/command';
import { crdSchemaDir } from '../import/layout';

export const PREVIEW_COMMAND: CommandSpec = {
  name: 'preview',
  summary:
    "Shows what kro will create for the instances of the files or teams given, on one cluster, as YAML on stdout, each object checked against its kind's schema (kubernetes-models, or the pinned CRD in imports/crds/); problems on stderr. Exit 0, 1 for invalid input.",
  positionals: '<team-or-file>...',
  maxPositionals: Infinity,
  options: [
    { flag: '--cluster', value: '<name>', description: `Cluster from config/clusters.ts (${CLUSTERS.map((cluster) => cluster.name).join(', ')}).`, default: CLUSTERS[0].name },
    { flag: '--diff', description: 'Print what changes relative to dist/ as committed at --base, instead of the objects.' },
    { flag: '--base', value: '<git-ref>', description: 'The commit --diff compares with (needs --diff).', default: 'HEAD' },
    USER_SPACE_OPTION,
  ],
  examples: ['npm run preview -- team-b', 'npm run preview -- user-space/team-b/shop.yaml --cluster prd --diff --base origin/main'],
};

const USAGE = usageOf(PREVIEW_COMMAND);

interface Arguments {
  readonly paths: readonly string[];
  readonly cluster: string;
  /** The git ref to diff with (`--base`, default HEAD); undefined without --diff. */
  readonly base?: string;
  /** Folder of team folders (default user-space/). */
  readonly userSpaceDir: string;
}

/** Runs the command; returns the exit code. */
export function runPreview(args: string[]): number {
  const options = parseArguments(args);
  const abstractions = path.join(ROOT, 'dist', options.cluster, 'abstractions');
  if (!fs.existsSync(abstractions)) throw new UsageError(`${path.relative(ROOT, abstractions)} does not exist: run \`npm run synth\` first`);
  const committed = options.base === undefined ? undefined : openCommittedTree(ROOT, options.base);
  const rgds = loadRgds(ROOT, abstractions);
  const checker = new SchemaChecker({ root: ROOT, crdDir: crdSchemaDir(ROOT), cacheDir: CACHE_DIR, kinds: createdKinds(rgds) });
  // The team's other files are loaded too: an instance may refer to them, and the team's checks need them all.
  const userSpace = loadUserSpace({ root: ROOT, userSpaceDir: options.userSpaceDir, only: options.paths });
  const selected = selection(options.paths, options.userSpaceDir, committed);
  const problems: Problem[] = [...rgds.problems, ...userSpace.problems];
  const teams = userSpace.teamsFor(options.cluster);
  const context: PreviewContext = { rgds, checker, sourceOf, locateField };
  const current = teams.flatMap((team) => {
    // An instance the loader found invalid creates nothing; its errors are already reported, once.
    const preview = previewTeam(team, context, (instance) => selected(team.team, instance) && !isInvalid(instance));
    problems.push(...preview.problems);
    return preview.resources;
  });
  const failed = hasErrors(problems);
  if (!committed) process.stdout.write([...current.map(toDocument), ...teams.flatMap((team) => secretDocuments(team, selected))].join(''));
  // An instance with errors creates nothing, so its diff would wrongly say that nothing changes.
  else if (!failed) process.stdout.write(diffAgainstCommitted(committed, options.cluster, teams, selected, current, context));
  for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
  if (committed && failed) process.stderr.write('preview: no diff until the errors above are fixed\n');
  return failed ? 1 : 0;
}

function parseArguments(args: readonly string[]): Arguments {
  const { values, switches, positionals } = parseArgs(args, PREVIEW_COMMAND);
  const cluster = values.get('--cluster') ?? CLUSTERS[0].name;
  if (!findCluster(cluster)) throw new UsageError(`unknown cluster "${cluster}"; one of: ${CLUSTERS.map((known) => known.name).join(', ')}`);
  if (positionals.length === 0) throw new UsageError(USAGE);
  if (values.has('--base') && !switches.has('--diff')) throw new UsageError(`--base is the commit --diff compares with, so it needs --diff; ${USAGE}`);
  const base = switches.has('--diff') ? (values.get('--base') ?? 'HEAD') : undefined;
  const dir = userSpaceDir(values);
  return { paths: selectedPaths(positionals, dir, USAGE), cluster, base, userSpaceDir: dir };
}

/** Whether an instance of a team is asked for: a team folder asks for all of them, a file for those it declares. */
type Selection = (team: string, instance: Pick<Instance, 'kind' | 'metadata'>) => boolean;

/**
 * The instances `paths` ask for. A file's are those it declares now or, for a diff, at the base
 * commit (so an instance the change deletes from the file shows as removed); an override file's
 * are the instances it overrides.
 */
function selection(paths: readonly string[], userSpaceDir: string, committed: CommittedTree | undefined): Selection {
  const wholeTeams = new Set<string>();
  const instances = new Set<string>();
  for (const target of paths) {
    const team = path.relative(userSpaceDir, target).split(path.sep)[0];
    if (fs.statSync(target).isDirectory()) {
      wholeTeams.add(team);
      continue;
    }
    const texts = [fs.readFileSync(target, 'utf8'), committed?.read(path.relative(ROOT, target).split(path.sep).join('/'))];
    for (const text of texts) for (const declared of declaredIn(text)) instances.add(`${team}/${declared}`);
  }
  return (team, instance) => wholeTeams.has(team) || instances.has(`${team}/${instance.kind}/${instance.metadata.name}`);
}

/** `<kind>/<name>` of each document of a team file; nothing for a file that does not parse (its problems are reported by the loader). */
function declaredIn(text: string | undefined): string[] {
  // Stryker disable next-line ArrayDeclaration: a made-up <kind>/<name> selects no instance (no kind or name holds spaces)
  if (text === undefined) return [];
  try {
    // A document without a kind or name makes a key no instance has, and so selects nothing.
    return loadAll(text).filter(isRecord).map((document) => `${document.kind}/${isRecord(document.metadata) ? document.metadata.name : undefined}`);
  } catch {
    // Stryker disable next-line ArrayDeclaration: a made-up <kind>/<name> selects no instance (no kind or name holds spaces)
    return [];
  }
}

/** One YAML document, headed by a comment naming the instance and RGD resource it comes from. */
function toDocument(resource: ExpandedResource): string {
  return `---\n# ${resource.instance.kind}/${resource.instance.metadata.name}: resource "${resource.resourceId}" of ${resource.rgd.name}\n${stringify(resource.object)}`;
}

/** The team's selected Secrets, values hidden: they are applied as committed, with nothing for kro to expand. */
function secretDocuments(team: TeamInstances, selected: Selection): string[] {
  return team.secrets
    .filter((secret) => selected(team.team, { kind: 'Secret', metadata: { name: secret.name } }))
    .map((secret) => `---\n# Secret/${secret.name}: SOPS-encrypted in Git, decrypted by Flux when it applies it\n${stringify(secretPreview(secret, team.team))}`);
}

/** What `current` changes in the resources that dist/ as committed (instances and RGDs) makes for the selected instances of `teams`. */
function diffAgainstCommitted(committed: CommittedTree, cluster: string, teams: readonly TeamInstances[], selected: Selection, current: readonly ExpandedResource[], context: PreviewContext): string {
  // The committed instances as the committed RGDs expand them: a change to the platform's
  // abstractions shows in the diff too. (Problems of the base side are not this change's.)
  // Synth writes nothing but RGDs there; their problems, were there any, are not shown.
  const rgds = rgdSet(ROOT, committed.list(distFile(cluster, 'abstractions')).map((file) => ({ file, text: committed.read(file) ?? '' })));
  const base: PreviewContext = { rgds, checker: context.checker, sourceOf: () => undefined };
  const workspaces = readInstances(committed.read(distFile(cluster, 'workspaces', PLATFORM.dist.workspacesFile)));
  const before = teams.flatMap((team) => {
    const workspace = workspaces.find((instance) => instance.metadata.name === team.workspace.metadata.name);
    if (!workspace) return [];
    const instances = readInstances(committed.read(distFile(cluster, 'tenants', team.team, PLATFORM.dist.instancesFile)));
    return previewTeam({ team: team.team, workspace, instances, secrets: [] }, base, (instance) => selected(team.team, instance)).resources;
  });
  return formatChanges(diffResources(before.map((resource) => resource.object), current.map((resource) => resource.object)));
}

/** A file of dist/<cluster>/, relative to the repository root. */
function distFile(cluster: string, ...segments: string[]): string {
  return ['dist', cluster, ...segments].join('/');
}

function readInstances(text: string | undefined): Instance[] {
  if (text === undefined) return [];
  // dist/ is synth's own output, every document of these files an instance, so the fast parser
  // serves (no positions needed), even for the one file holding every team's Workspace.
  return (loadAll(text) as Record<string, unknown>[]).map((object) => ({
    apiVersion: String(object.apiVersion),
    kind: String(object.kind),
    metadata: { ...(object.metadata as Instance['metadata']) },
    spec: isRecord(object.spec) ? object.spec : {},
  }));
}
