import * as path from 'path';
import { CHARTS, supplyChainExceptions, versionConflicts, VERSIONS, type SupplyChainException } from '../../config/versions';
import { LAYERS } from '../../charts/layers';
import { parseArgs, positiveInteger, type CommandSpec } from '../cli/args';
import { UsageError } from '../cli/usage-error';
import { ROOT, RUNNING_BUNDLE } from '../paths';
import { hasErrors, Problem } from '../user-space';
import { sortProblems } from '../user-space/problems';
import { countProblems, report, USER_SPACE_OPTION, userSpaceDir } from '../user-space/command';
import { checkClaims } from '../user-space/claims';
import { listTeams, loadTeam, repositoryPaths, teamNameProblem } from '../user-space/load';
import { readTeamFolder } from '../user-space/team-folder';
import { PLATFORM } from '../../config/platform';
import { cacheFile, checkCache, describeFile, readCache, runningBundleVersion, sha256, writeCache, type CachedFile, type ReusedTeam, type ValidCache } from './cache';
import { DistChanges, DistComparison, DistObject } from './changes';
import { codeOwners, CODEOWNERS_FILE } from './codeowners';
import { checkReplaceable, FileContent, FilesOnDisk, listTree, OutputFiles, OWNER_MARKER, OWNER_MARKER_TEXT, replaceTree } from './dist-folder';
import { generatedDocs, writeGeneratedDocs, writeIfChanged } from './docs';
import { assembleCluster, clusterFiles, FilePart, ObjectCounts, TeamFiles, TeamOutput } from './render';
import { Spool } from './spool';
import { RendererSetup, TeamRenderer, TeamResult } from './teams';
import { RenderThreads, renderThreads, StartRenderThread, TEAMS_PER_THREAD, workerThreads } from './threads';

/** What one synth is asked to do. */
export interface SynthOptions {
  /** Folder of team folders. */
  readonly userSpaceDir: string;
  /** Folder replaced by the rendered dist/: synth's own output (it holds OWNER_MARKER), an empty folder or a new one. */
  readonly out: string;
  /** How messages name `out`. @default out */
  readonly shownOut?: string;
  /** Also regenerate the editor schemas and the README reference. @default false */
  readonly writeDocs?: boolean;
  /**
   * Where to write the CODEOWNERS that goes with the rendered dist/ (the repository's own is
   * `.github/CODEOWNERS`), only once dist/ is written. @default not written
   */
  readonly codeOwnersFile?: string;
  /** The incremental cache (see cache.ts): teams whose files did not change are taken from `out` as they are. @default none: every team is rendered */
  readonly cache?: SynthCacheOptions;
  /** Render every team even when the cache could serve them; the cache is written again. @default false */
  readonly full?: boolean;
}

/** Where the incremental cache is, and what it must have been written by. */
export interface SynthCacheOptions {
  /** The cache file (cacheFile() names one per output folder). */
  readonly file: string;
  /** The running code's version (runningBundleVersion()): a cache written by other code is not used. */
  readonly codeVersion: string;
}

/** How the teams were rendered: reused from the output through the cache, or rendered, and why everything was. */
export interface RenderReport {
  readonly reused: number;
  readonly rendered: number;
  /** Threads that rendered them (see RenderThreads). */
  readonly threads: number;
  /** Why no team could be reused, when a cache was given. @default none */
  readonly doubt?: string;
}

/** What a synth did: refused (problems with errors), or rendered and written. */
export interface SynthResult {
  readonly problems: readonly Problem[];
  readonly teams: number;
  /** Objects per layer per cluster; empty when refused. */
  readonly counts: ReadonlyMap<string, ObjectCounts>;
  readonly changes?: DistChanges;
  /** The CODEOWNERS that goes with the rendered dist/; undefined when refused. */
  readonly codeOwners?: string;
  /** The files of dist/ that hold one team's own output only, with that team; empty when refused. */
  readonly teamFiles: TeamFiles;
  /** How many teams were reused and rendered; undefined when refused. */
  readonly render?: RenderReport;
}

/**
 * Loads and checks user-space/, renders every cluster in memory, and only then replaces `out`:
 * invalid input or a failing chart leaves it exactly as it was. Each team is loaded, checked and
 * rendered on its own (or, with a cache, reused from `out` when its files did not change); what
 * crosses teams (hostnames, data keys, the files all teams share, flux-system, CODEOWNERS) is
 * worked out from all of them afterwards.
 */
export function synthesize(options: SynthOptions): SynthResult {
  const spool = Spool.create();
  try {
    const synth = prepare(options, listTeamsToRender(options), spool);
    return finish(options, synth, synth.teams.map((team) => synth.renderer.render(team, synth.cache?.inputOf(team))), 1);
  } finally {
    spool.close();
  }
}

/** How to render teams on several threads. */
export interface ThreadOptions {
  /** How to start a thread besides this one (workerThreads runs the command's bundle). */
  readonly startThread: StartRenderThread;
  /** Threads that render teams, this one included. @default see renderThreads: one per core, for TEAMS_PER_THREAD teams each */
  readonly threads?: number;
}

/**
 * `synthesize`, with the teams rendered on several threads (see RenderThreads) when there are
 * enough of them (see renderThreads). The other threads start first and read the team folders
 * while this one reads dist/ and the cache.
 */
export async function synthesizeOnThreads(options: SynthOptions, { startThread, threads }: ThreadOptions): Promise<SynthResult> {
  const spools = [Spool.create()];
  try {
    const listed = listTeamsToRender(options);
    const count = renderThreads(listed.teams.length, threads);
    const others = new RenderThreads(options.userSpaceDir, listed.teams, count - 1, startThread, () => spools[spools.push(Spool.create()) - 1]);
    try {
      const synth = prepare(options, listed, spools[0]);
      const rendering = others.render(synth.renderer, { setup: synth.setup, recorded: synth.teams.map((team) => synth.cache?.inputOf(team)) });
      // While the others render (after a change to one team this thread renders none), it renders the platforms, which finish needs.
      void synth.renderer.platforms;
      return finish(options, synth, await rendering, count);
    } finally {
      others.stop();
    }
  } finally {
    for (const spool of spools) spool.close();
  }
}

/** The teams a synth renders, and what is wrong before any team is read. */
interface ListedTeams {
  /** Problems found before any team: files in the user space itself, team folders with invalid names. */
  readonly problems: readonly Problem[];
  /** The team folders with valid names, in order. */
  readonly teams: readonly string[];
}

/** A synth before its teams are rendered. */
interface PreparedSynth extends ListedTeams {
  /** dist/ as it is, and the SHA-256 of each file read (when there is a cache). */
  readonly current: OutputFiles;
  readonly hashes: ReadonlyMap<string, string>;
  readonly key?: string;
  readonly cache?: ValidCache;
  readonly doubt?: string;
  readonly renderer: TeamRenderer;
  /** What another thread needs to make a renderer like it. */
  readonly setup: RendererSetup;
}

/** Refuses what cannot be synthesized at all (a usage error: exit 2), then lists the teams. */
function listTeamsToRender(options: SynthOptions): ListedTeams {
  const conflicts = versionConflicts(CHARTS, VERSIONS);
  // Stryker disable next-line StringLiteral: how several conflicts are joined shows only when the committed CHARTS and VERSIONS disagree, which test/platform/versions.test.ts refuses
  if (conflicts.length) throw new UsageError(conflicts.join('; '));
  checkReplaceable(options.out, options.shownOut ?? options.out);
  const relative = repositoryPaths(ROOT);
  const problems: Problem[] = [];
  const teams = listTeams(options.userSpaceDir, relative, problems).filter((team) => {
    const misnamed = teamNameProblem(path.join(options.userSpaceDir, team), relative);
    if (misnamed) problems.push(misnamed);
    return !misnamed;
  });
  return { problems, teams };
}

function prepare(options: SynthOptions, { problems, teams }: ListedTeams, spool: Spool): PreparedSynth {
  const hashes = new Map<string, string>();
  const onDisk = new FilesOnDisk(options.out, listTree(options.out), options.cache && hashes);
  const key = options.cache && cacheKey(options, options.cache.codeVersion);
  const cached = !options.cache ? { doubt: 'not used' } : options.full ? { doubt: 'not read (--full)' } : readCache(options.cache.file, key!, onDisk.size);
  // Only a cache that may serve needs the output read in full (its parts are taken from it); otherwise each file is read when compared.
  // Stryker disable next-line StringLiteral: reading the output in full up front writes the same; it only holds all of it in memory
  const current = 'doubt' in cached ? onDisk : onDisk.readAll();
  const opened = 'doubt' in cached ? cached : checkCache(cached, current, hashes);
  const cache = 'reuse' in opened ? opened : undefined;
  // Objects are named only to tell what a change removes: nothing, from an empty output.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: naming them from an empty output too costs time only
  const objects = current.size > 0;
  const setup = { userSpaceDir: options.userSpaceDir, objects, failed: hasErrors(problems) };
  const renderer = new TeamRenderer(setup, spool);
  return { current, hashes, key, cache, doubt: 'doubt' in opened ? opened.doubt : undefined, problems, renderer, setup, teams };
}

/** What every team rendered to, or its output taken from dist/ as it is; then everything across teams, and dist/ written. */
function finish(options: SynthOptions, synth: PreparedSynth, results: readonly TeamResult[], threads: number): SynthResult {
  const { current, hashes, cache, renderer } = synth;
  const platforms = renderer.platforms;
  const records = new Map<string, SynthTeam>();
  const outputs: (readonly (TeamOutput | undefined)[])[] = [];
  const loadProblems: Problem[] = [...synth.problems];
  const apiProblems: Problem[] = [];
  for (const result of results) {
    const reused = result.reused ? cache!.reuse(result.team, result.input) : undefined;
    if (reused) {
      loadProblems.push(...reused.record.problems);
      records.set(result.team, { ...reused, reused: true });
      outputs.push(platforms.map((platform) => reused.outputs.get(platform.cluster.name)));
      continue;
    }
    // A team whose cache entry turns out to be unusable is rendered after all.
    const rendered = result.reused ? renderer.render(result.team, undefined) : result;
    // Stryker disable next-line StringLiteral: an internal error no input reaches (render() given no hash never reuses)
    if (rendered.reused) throw new Error(`${result.team} cannot be both unchanged and not`);
    loadProblems.push(...rendered.loadProblems);
    apiProblems.push(...rendered.apiProblems);
    records.set(rendered.team, { record: rendered.record, outputs: new Map(rendered.outputs.flatMap((output, index) => (output ? [[platforms[index].cluster.name, output]] : []))), reused: false });
    outputs.push(rendered.outputs);
  }
  const relative = repositoryPaths(ROOT);
  const claims = checkClaims(
    [...records].map(([team, { record }]) => ({ team, hosts: record.hosts, secrets: record.secrets })),
    // Where a clashing claim is written: its team is loaded again (its folder is as it was read).
    ({ team, kind, index }) => loadTeam(readTeamFolder(options.userSpaceDir, team), relative).locateClaim(kind, index),
  );
  const loadErrors = hasErrors([...loadProblems, ...claims.problems]);
  const problems = sortProblems([...loadProblems, ...claims.problems, ...(loadErrors ? [] : apiProblems)]);
  if (hasErrors(problems)) return { problems, teams: records.size, counts: new Map(), teamFiles: new Map() };
  // Each team's owners, in team order: CODEOWNERS, and Grafana's sign-in on a cluster that has it.
  const teamOwners = new Map([...records].flatMap(([team, { record }]) => (record.owners ? [[team, record.owners]] : [])));
  // A team has output on every cluster here: without one, it has no Workspace, an error refused above.
  const clusters = platforms.map((platform, index) => assembleCluster(platform, outputs.map((perCluster) => perCluster[index]!), teamOwners));
  const teamFiles: TeamFiles = new Map(clusters.flatMap((cluster) => [...cluster.teamFiles]));
  const comparison = new DistComparison(current, cache?.parts);
  const partsOf = new Map<string, readonly FilePart[] | undefined>();
  let changes: DistChanges | undefined;
  /** Every file of the new dist/, put together one at a time, compared with the old one and noted for the cache on its way to the disk. */
  function* files(): Generator<readonly [string, FileContent, boolean]> {
    const all = [[[OWNER_MARKER, OWNER_MARKER_TEXT, undefined] as const], ...clusters.map(clusterFiles)];
    for (const source of all) {
      for (const [file, content, parts] of source) {
        const unchanged = comparison.add(file, content, parts);
        partsOf.set(file, parts);
        yield [file, content, unchanged];
      }
    }
    // Before replaceTree removes the old files that are not among the new: the comparison reads them.
    changes = comparison.finish();
  }
  const changed = replaceTree(options.out, files(), current);
  const owners = codeOwners({
    platformOwners: PLATFORM.owners,
    teamOwners,
    distFiles: partsOf.keys(),
    teamFiles,
    userSpace: repositoryPath(options.userSpaceDir),
    // What the repository's dist/ holds, wherever this synth writes it (a test's folder, say).
    dist: 'dist',
  });
  const counts = new Map(platforms.map((platform, index) => [platform.cluster.name, clusters[index].counts]));
  function* described(): Generator<readonly [string, CachedFile]> {
    // An unchanged file's hash is the one it was read with.
    for (const [file, parts] of partsOf) yield [file, describeFile(changed.get(file) ?? hashes.get(file)!, parts)];
  }
  if (options.cache) writeCache(options.cache.file, synth.key!, described(), records);
  if (options.codeOwnersFile) writeIfChanged(options.codeOwnersFile, owners);
  // Stryker disable next-line ConditionalExpression: the docs depend on the code alone, which no test changes: writing them again leaves the same bytes, and test/platform/dist.test.ts checks the committed ones are up to date
  if (options.writeDocs) writeGeneratedDocs(generatedDocs());
  const reused = [...records.values()].filter((team) => team.reused).length;
  return { problems, teams: records.size, counts, changes, codeOwners: owners, teamFiles, render: { reused, rendered: records.size - reused, threads, ...(synth.doubt && { doubt: synth.doubt }) } };
}

/** Everything a cache entry depends on outside the team folders, but for the code: where the repository, the user space and the output are. */
function cacheKey(options: SynthOptions, codeVersion: string): string {
  return sha256(JSON.stringify([codeVersion, ROOT, path.resolve(options.userSpaceDir), repositoryPath(options.userSpaceDir), path.resolve(options.out)]));
}

/** A team as this synth has it: what the cache keeps of it, its output per cluster, and whether it came from the cache. */
interface SynthTeam extends ReusedTeam {
  readonly reused: boolean;
}

/** `folder` as CODEOWNERS names it: relative to the repository root, '/'-separated. */
function repositoryPath(folder: string): string {
  return path.relative(ROOT, path.resolve(folder)).split(path.sep).join('/');
}

/** The cache of the repository's commands, beside the bundles in .build/ (not committed, never in dist/). */
// Stryker disable next-line StringLiteral: only the bundle uses a cache (see runningBundleVersion); test/user-space/synth.test.ts checks it is here, in a child process that Stryker's mutants do not reach
export const SYNTH_CACHE_DIR = path.join(ROOT, '.build', 'synth-cache');

export const SYNTH_COMMAND: CommandSpec = {
  name: 'synth',
  summary:
    'Checks every team file and renders every cluster into dist/ (or --out), then prints objects per cluster and layer and what changed. Teams whose files did not change since the last synth into the same folder are taken from it as they are (see --full). Invalid team files are reported with file:line:col and leave dist/ exactly as it was (exit 1).',
  options: [
    USER_SPACE_OPTION,
    { flag: '--out', value: '<dir>', description: 'Write here instead of dist/ (the generated docs, schemas and .github/CODEOWNERS are then left alone).', default: 'dist/' },
    { flag: '--full', description: 'Render every team, whatever the cache in .build/synth-cache/ says, and write the cache again.' },
    { flag: '--threads', value: '<n>', description: `Threads that render teams, this one included (workers of the command's bundle; from the sources, one).`, default: `one per core, but no more than one per ${TEAMS_PER_THREAD} teams` },
  ],
  examples: ['npm run synth', 'npm run synth -- --out /tmp/dist  # look without touching dist/', 'npm run synth -- --full  # render every team again'],
};

/**
 * `mini-atlas synth [--user-space <dir>] [--out <dir>] [--full] [--threads <n>]`: renders every cluster into
 * dist/ (or `--out`) and prints a summary. Exit 1 on invalid team files, with dist/ untouched.
 */
export async function runSynth(args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const { values, switches } = parseArgs(args, SYNTH_COMMAND);
  // Stryker disable next-line StringLiteral: no test writes the repository's own dist/; test/platform/dist.test.ts checks it holds what synth writes
  const out = path.resolve(values.get('--out') ?? path.join(ROOT, 'dist'));
  // Inside the repository relative to it (`dist`), elsewhere as given in full (`/tmp/dist`, not `../../tmp/dist`).
  const relativeOut = path.relative(ROOT, out);
  const outside = relativeOut === '..' || relativeOut.startsWith(`..${path.sep}`);
  const shownOut = relativeOut && !outside ? relativeOut : out;
  const ownOutput = !values.has('--out');
  const codeVersion = runningBundleVersion();
  const options: SynthOptions = {
    userSpaceDir: userSpaceDir(values),
    out,
    shownOut,
    writeDocs: ownOutput,
    codeOwnersFile: ownOutput ? path.join(ROOT, CODEOWNERS_FILE) : undefined,
    cache: codeVersion ? { file: cacheFile(SYNTH_CACHE_DIR, out), codeVersion } : undefined,
    // Stryker disable next-line StringLiteral: --full matters only with a cache, which only the bundle uses: test/user-space/synth.test.ts runs it
    full: switches.has('--full'),
  };
  const threads = values.has('--threads') ? positiveInteger('--threads', values.get('--threads')!, SYNTH_COMMAND) : undefined;
  // Stryker disable next-line ConditionalExpression: tests run the sources, where RUNNING_BUNDLE is undefined; test/user-space/synth.test.ts runs the bundle's threads in a child process
  const result = RUNNING_BUNDLE ? await synthesizeOnThreads(options, { startThread: workerThreads(RUNNING_BUNDLE), threads }) : synthesize(options);
  report(result.problems);
  if (!result.changes) {
    process.stderr.write(`synth: refused (${countProblems(result.problems)}); ${shownOut}/ was not changed\n`);
    return 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(summary(result, seconds, shownOut));
  return 0;
}

/** One screen: objects per cluster and layer, how the teams were rendered, what changed, and what the cluster would lose. */
function summary({ counts, teams, changes, render }: SynthResult, seconds: number, out: string): string {
  const layers = LAYERS.map((layer) => layer.name);
  // Stryker disable next-line StringLiteral: every layer's name is longer than the header's; the header is counted for a layer that is not
  const width = Math.max(...layers.map((layer) => layer.length), 'layer'.length);
  const clusters = [...counts.keys()];
  const lines = [`${'layer'.padEnd(width)}  ${clusters.map((cluster) => cluster.padStart(6)).join('  ')}`];
  for (const layer of layers) lines.push(`${layer.padEnd(width)}  ${clusters.map((cluster) => String(counts.get(cluster)!.get(layer) ?? 0).padStart(6)).join('  ')}`);
  const total = (cluster: string) => [...counts.get(cluster)!.values()].reduce((sum, count) => sum + count, 0);
  lines.push(`${'objects'.padEnd(width)}  ${clusters.map((cluster) => String(total(cluster)).padStart(6)).join('  ')}`);
  const changed = [changes!.added, changes!.changed, changes!.removed].some((count) => count > 0);
  lines.push('');
  lines.push(`synth: ${clusters.length} clusters, ${layers.length} layers, ${teams} team${teams === 1 ? '' : 's'} in ${seconds.toFixed(2)} s`);
  lines.push(renderLine(render!));
  lines.push(changed ? `${out}/: ${changes!.added} files added, ${changes!.changed} changed, ${changes!.removed} removed` : `${out}/: up to date`);
  lines.push(...supplyChainExceptions(CHARTS).map(exceptionLine));
  lines.push(...removalLines(changes!.removedObjects));
  return `${lines.join('\n')}\n`;
}

/** `teams: 1 rendered, 999 unchanged (taken from the output as it is)`, or why every team was rendered; and on how many threads, when more than one. */
function renderLine({ reused, rendered, threads, doubt }: RenderReport): string {
  // Stryker disable next-line StringLiteral: only the bundle renders on several threads; test/user-space/synth.test.ts checks this line in a child process that Stryker's mutants do not reach
  const onThreads = threads > 1 ? `; ${threads} threads` : '';
  // Stryker disable next-line ConditionalExpression: `if (true)` differs only for a report without doubt, which only the bundle's cache makes (see below); `if (false)` is killed by the summary's test with it
  if (doubt) return `teams: every one rendered (cache: ${doubt})${onThreads}`;
  // Stryker disable next-line StringLiteral: only the bundle uses a cache (see runningBundleVersion); test/user-space/synth.test.ts checks this line in a child process that Stryker's mutants do not reach
  return `teams: ${rendered} rendered, ${reused} unchanged (taken from the output as it is)${onThreads}`;
}

/** A check an OCI chart goes without, on every synth, so that no exception is forgotten. */
function exceptionLine({ name, chart, check, reason }: SupplyChainException): string {
  const missing = check === 'digest' ? 'is pulled by its tag, not by a digest' : 'is used without a signature check';
  return `supply chain: the ${chart.chart} chart ${chart.version} ${missing} (CHARTS.${name}.exceptions.${check}): ${reason}`;
}

/** Pruned objects listed one by one up to this many; beyond it, counted by cluster and kind. */
export const PRUNED_LISTED = 20;

/**
 * What a change removes from the clusters. Every kept object is listed, however many there are:
 * each one is something a reviewer must delete by hand. Pruned objects Flux deletes by itself, so
 * many of them are summed up by kind.
 */
export function removalLines(removed: readonly DistObject[]): string[] {
  if (removed.length === 0) return [];
  const kept = removed.filter((object) => object.kept);
  const pruned = removed.filter((object) => !object.kept);
  const lines = [`this change removes ${plural(removed.length, 'object')} from the clusters:`];
  if (kept.length) {
    lines.push(`  kept: Flux never prunes ${kept.length === 1 ? 'it' : 'them'}; delete ${kept.length === 1 ? 'it' : 'each'} by hand once ${kept.length === 1 ? 'its' : 'their'} data may go (${plural(kept.length, 'object')}):`);
    for (const { id } of kept) lines.push(`  - ${id}`);
  }
  if (pruned.length) {
    lines.push(`  pruned by Flux (${plural(pruned.length, 'object')}):`);
    if (pruned.length <= PRUNED_LISTED) for (const { id } of pruned) lines.push(`  - ${id}`);
    else for (const [cluster, kinds] of countByClusterAndKind(pruned)) lines.push(`  - ${cluster}: ${[...kinds].map(([kind, count]) => `${count} ${kind}`).join(', ')}`);
  }
  return lines;
}

function countByClusterAndKind(objects: readonly DistObject[]): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  for (const { cluster, kind } of objects) {
    const kinds = counts.get(cluster) ?? counts.set(cluster, new Map()).get(cluster)!;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return counts;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
