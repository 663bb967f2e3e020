import * as path from 'path';
import { CLUSTERS } from '../../config/clusters';
import { CHARTS, supplyChainExceptions, versionConflicts, VERSIONS, type SupplyChainException } from '../../config/versions';
import { LAYERS } from '../../charts/layers';
import { parseArgs, type CommandSpec } from '../cli/args';
import { UsageError } from '../cli/usage-error';
import { ROOT } from '../paths';
import { hasErrors, loadUserSpace, Problem } from '../user-space';
import { checkUserSpace, countProblems, report, USER_SPACE_OPTION, userSpaceDir } from '../user-space/command';
import { rgdSet, type RgdSource } from '../preview/rgd';
import { PLATFORM } from '../../config/platform';
import { compareDist, DistChanges, DistIndex, DistObject } from './changes';
import { codeOwners, CODEOWNERS_FILE } from './codeowners';
import { checkReplaceable, OWNER_MARKER, OWNER_MARKER_TEXT, readTree, replaceTree } from './dist-folder';
import { generatedDocs, writeGeneratedDocs, writeIfChanged } from './docs';
import { DistFiles, ObjectCounts, renderCluster, TeamFiles } from './render';

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
}

/**
 * Loads and checks user-space/, renders every cluster in memory, and only then replaces `out`:
 * invalid input or a failing chart leaves it exactly as it was.
 */
export function synthesize(options: SynthOptions): SynthResult {
  const conflicts = versionConflicts(CHARTS, VERSIONS);
  if (conflicts.length) throw new UsageError(conflicts.join('; '));
  checkReplaceable(options.out, options.shownOut ?? options.out);
  const userSpace = loadUserSpace({ root: ROOT, userSpaceDir: options.userSpaceDir });
  const teams = userSpace.teams.length;
  if (hasErrors(userSpace.problems)) return { problems: userSpace.problems, teams, counts: new Map(), teamFiles: new Map() };
  const files: DistFiles = new Map([[OWNER_MARKER, OWNER_MARKER_TEXT]]);
  const index: DistIndex = new Map();
  const teamFiles: TeamFiles = new Map();
  const counts = new Map<string, ObjectCounts>();
  for (const cluster of CLUSTERS) {
    const rendered = renderCluster(cluster, userSpace.teamsFor(cluster.name));
    for (const [file, content] of rendered.files) files.set(file, content);
    for (const [file, objects] of rendered.index) index.set(file, objects);
    for (const [file, team] of rendered.teamFiles) teamFiles.set(file, team);
    counts.set(cluster.name, rendered.counts);
  }
  // What the API server would refuse, expanded with the RGDs just rendered (dist/ may be older).
  const problems = checkUserSpace(userSpace, (cluster) => rgdSet(ROOT, abstractionFiles(files, cluster)));
  if (hasErrors(problems)) return { problems, teams, counts: new Map(), teamFiles: new Map() };
  const owners = codeOwners({
    platformOwners: PLATFORM.owners,
    teamOwners: userSpace.owners,
    distFiles: files.keys(),
    teamFiles,
    userSpace: repositoryPath(options.userSpaceDir),
    // What the repository's dist/ holds, wherever this synth writes it (a test's folder, say).
    dist: 'dist',
  });
  const current = readTree(options.out);
  const changes = compareDist(current, files, index);
  if (changes.added || changes.changed || changes.removed) replaceTree(options.out, files, current);
  if (options.codeOwnersFile) writeIfChanged(options.codeOwnersFile, owners);
  if (options.writeDocs) writeGeneratedDocs(generatedDocs());
  return { problems, teams, counts, changes, codeOwners: owners, teamFiles };
}

/** The rendered RGD files of `cluster`, named by their path in the repository. */
function abstractionFiles(files: DistFiles, cluster: string): RgdSource[] {
  const prefix = `${cluster}/abstractions/`;
  return [...files].filter(([file]) => file.startsWith(prefix) && file.endsWith('.yaml')).map(([file, text]) => ({ file: `dist/${file}`, text }));
}

/** `folder` as CODEOWNERS names it: relative to the repository root, '/'-separated. */
function repositoryPath(folder: string): string {
  return path.relative(ROOT, path.resolve(folder)).split(path.sep).join('/');
}

export const SYNTH_COMMAND: CommandSpec = {
  name: 'synth',
  summary:
    'Checks every team file and renders every cluster into dist/ (or --out), then prints objects per cluster and layer and what changed. Invalid team files are reported with file:line:col and leave dist/ exactly as it was (exit 1).',
  options: [
    USER_SPACE_OPTION,
    { flag: '--out', value: '<dir>', description: 'Write here instead of dist/ (the generated docs, schemas and .github/CODEOWNERS are then left alone).', default: 'dist/' },
  ],
  examples: ['npm run synth', 'npm run synth -- --out /tmp/dist  # look without touching dist/'],
};

/**
 * `mini-atlas synth [--user-space <dir>] [--out <dir>]`: renders every cluster into dist/ (or
 * `--out`) and prints a summary. Exit 1 on invalid team files, with dist/ untouched.
 */
export function runSynth(args: string[]): number {
  const started = process.hrtime.bigint();
  const { values } = parseArgs(args, SYNTH_COMMAND);
  const out = path.resolve(values.get('--out') ?? path.join(ROOT, 'dist'));
  const shownOut = path.relative(ROOT, out) || out;
  const ownOutput = !values.has('--out');
  const result = synthesize({ userSpaceDir: userSpaceDir(values), out, shownOut, writeDocs: ownOutput, codeOwnersFile: ownOutput ? path.join(ROOT, CODEOWNERS_FILE) : undefined });
  report(result.problems);
  if (!result.changes) {
    process.stderr.write(`synth: refused (${countProblems(result.problems)}); ${shownOut}/ was not changed\n`);
    return 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(summary(result.counts, result.teams, result.changes, seconds, shownOut));
  return 0;
}

/** One screen: objects per cluster and layer, what changed, and what the cluster would lose. */
function summary(counts: ReadonlyMap<string, ObjectCounts>, teams: number, changes: DistChanges, seconds: number, out: string): string {
  const layers = LAYERS.map((layer) => layer.name);
  const width = Math.max(...layers.map((layer) => layer.length), 'layer'.length);
  const clusters = [...counts.keys()];
  const lines = [`${'layer'.padEnd(width)}  ${clusters.map((cluster) => cluster.padStart(6)).join('  ')}`];
  for (const layer of layers) lines.push(`${layer.padEnd(width)}  ${clusters.map((cluster) => String(counts.get(cluster)!.get(layer) ?? 0).padStart(6)).join('  ')}`);
  const total = (cluster: string) => [...counts.get(cluster)!.values()].reduce((sum, count) => sum + count, 0);
  lines.push(`${'objects'.padEnd(width)}  ${clusters.map((cluster) => String(total(cluster)).padStart(6)).join('  ')}`);
  const changed = changes.added + changes.changed + changes.removed;
  lines.push('');
  lines.push(`synth: ${clusters.length} clusters, ${layers.length} layers, ${teams} team${teams === 1 ? '' : 's'} in ${seconds.toFixed(2)} s`);
  lines.push(changed ? `${out}/: ${changes.added} files added, ${changes.changed} changed, ${changes.removed} removed` : `${out}/: up to date`);
  lines.push(...supplyChainExceptions(CHARTS).map(exceptionLine));
  lines.push(...removalLines(changes.removedObjects));
  return `${lines.join('\n')}\n`;
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
function removalLines(removed: readonly DistObject[]): string[] {
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
