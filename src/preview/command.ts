/**
 * `npm run preview -- <file-or-team-folder>... [--cluster <name>] [--diff] [--user-space <dir>]`: the resources kro
 * would create for a team's instances, as multi-document YAML on stdout (or, with --diff, what
 * changes relative to the committed dist/), problems on stderr. Exit 0, 1 for invalid input,
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
import { formatProblem, hasErrors, loadUserSpace, sourceOf, type Instance, type Problem, type TeamInstances } from '../user-space';
import { USER_SPACE_OPTION } from '../user-space/command';
import { SchemaChecker } from './check';
import { diffResources, formatChanges } from './diff';
import type { ExpandedResource } from './expand';
import { previewTeam, type PreviewContext } from './preview';
import { isRecord } from './simple-schema';
import { createdKinds, loadRgds } from './rgd';
import { crdSchemaDir } from '../import/layout';

export const PREVIEW_COMMAND: CommandSpec = {
  name: 'preview',
  summary:
    "Shows what kro will create for a team's instances on one cluster, as YAML on stdout, each object checked against its kind's schema (kubernetes-models, or the pinned CRD in imports/crds/); problems on stderr. Exit 0, 1 for invalid input.",
  positionals: '<file-or-team-folder>...',
  maxPositionals: Infinity,
  options: [
    { flag: '--cluster', value: '<name>', description: `Cluster from config/clusters.ts (${CLUSTERS.map((cluster) => cluster.name).join(', ')}).`, default: CLUSTERS[0].name },
    { flag: '--diff', description: 'Print what changes relative to the committed dist/ instead of the objects.' },
    USER_SPACE_OPTION,
  ],
  examples: ['npm run preview -- user-space/team-a', 'npm run preview -- user-space/team-a --cluster prd --diff'],
};

const USAGE = usageOf(PREVIEW_COMMAND);

interface Arguments {
  readonly paths: readonly string[];
  readonly cluster: string;
  readonly diff: boolean;
  /** Folder of team folders (default user-space/). */
  readonly userSpaceDir: string;
}

/** Runs the command; returns the exit code. */
export function runPreview(args: string[]): number {
  const options = parseArguments(args);
  const abstractions = path.join(ROOT, 'dist', options.cluster, 'abstractions');
  if (!fs.existsSync(abstractions)) throw new UsageError(`${path.relative(ROOT, abstractions)} does not exist: run \`npm run synth\` first`);
  const rgds = loadRgds(ROOT, abstractions);
  const checker = new SchemaChecker({ root: ROOT, crdDir: crdSchemaDir(ROOT), cacheDir: CACHE_DIR, kinds: createdKinds(rgds) });
  const userSpace = loadUserSpace({ root: ROOT, userSpaceDir: options.userSpaceDir, only: options.paths });
  const problems: Problem[] = [...rgds.problems, ...userSpace.problems];
  const teams = userSpace.teamsFor(options.cluster);
  const context: PreviewContext = { rgds, checker, sourceOf };
  const current = teams.flatMap((team) => {
    const preview = previewTeam(team, context);
    problems.push(...preview.problems);
    return preview.resources;
  });
  const failed = hasErrors(problems);
  if (!options.diff) process.stdout.write(current.map(toDocument).join(''));
  // An instance with errors creates nothing, so its diff would wrongly say that nothing changes.
  else if (!failed) process.stdout.write(diffAgainstCommitted(options.cluster, teams, current, context));
  for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
  if (options.diff && failed) process.stderr.write('preview: no diff until the errors above are fixed\n');
  return failed ? 1 : 0;
}

function parseArguments(args: readonly string[]): Arguments {
  const { values, switches, positionals } = parseArgs(args, PREVIEW_COMMAND);
  const cluster = values.get('--cluster') ?? CLUSTERS[0].name;
  if (!findCluster(cluster)) throw new UsageError(`unknown cluster "${cluster}"; one of: ${CLUSTERS.map((known) => known.name).join(', ')}`);
  if (positionals.length === 0) throw new UsageError(USAGE);
  const paths = positionals.map((positional) => path.resolve(positional));
  const missing = positionals.find((positional) => !fs.existsSync(positional));
  if (missing) throw new UsageError(`${missing} does not exist; ${USAGE}`);
  return { paths, cluster, diff: switches.has('--diff'), userSpaceDir: path.resolve(values.get('--user-space') ?? path.join(ROOT, 'user-space')) };
}

/** One YAML document, headed by a comment naming the instance and RGD resource it comes from. */
function toDocument(resource: ExpandedResource): string {
  return `---\n# ${resource.instance.kind}/${resource.instance.metadata.name}: resource "${resource.resourceId}" of ${resource.rgd.name}\n${stringify(resource.object)}`;
}

/** What `current` changes in the resources the committed dist/ makes for `teams`. */
function diffAgainstCommitted(cluster: string, teams: readonly TeamInstances[], current: readonly ExpandedResource[], context: PreviewContext): string {
  const committed = teams.flatMap((team) => {
    const before = committedTeam(cluster, team);
    return before ? previewTeam(before, { ...context, sourceOf: () => undefined }).resources : [];
  });
  return formatChanges(diffResources(committed.map((resource) => resource.object), current.map((resource) => resource.object)));
}

/** The team as last compiled into dist/ (its Workspace and its instances); undefined for a team not in dist/ yet. */
function committedTeam(cluster: string, team: TeamInstances): TeamInstances | undefined {
  const dist = path.join(ROOT, 'dist', cluster);
  const read = (...segments: string[]) => {
    const file = path.join(dist, ...segments);
    return fs.existsSync(file) ? readInstances(fs.readFileSync(file, 'utf8')) : [];
  };
  const workspace = read('workspaces', PLATFORM.dist.workspacesFile).find((instance) => instance.kind === team.workspace.kind && instance.metadata.name === team.workspace.metadata.name);
  return workspace && { team: team.team, workspace, instances: read('tenants', team.team, PLATFORM.dist.instancesFile) };
}

function readInstances(text: string): Instance[] {
  // dist/ is synth's own output, so the fast parser serves (no positions needed), even for the
  // one file holding every team's Workspace.
  return loadAll(text)
    .filter((object): object is Record<string, unknown> => isRecord(object) && typeof object.apiVersion === 'string' && object.apiVersion.startsWith('kro.run/'))
    .map((object) => ({
      apiVersion: String(object.apiVersion),
      kind: String(object.kind),
      metadata: { ...(object.metadata as Instance['metadata']) },
      spec: isRecord(object.spec) ? object.spec : {},
    }));
}
