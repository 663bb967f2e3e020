import * as path from 'path';
import { CLUSTERS } from '../../config/clusters';
import { LAYERS } from '../../charts/layers';
import { parseArgs, type CommandSpec } from '../cli/args';
import { ROOT } from '../paths';
import { hasErrors, loadUserSpace, Problem } from '../user-space';
import { countProblems, report, USER_SPACE_OPTION, userSpaceDir } from '../user-space/command';
import { PLATFORM } from '../../config/platform';
import { compareDist, DistChanges, DistIndex } from './changes';
import { codeOwners, CODEOWNERS_FILE } from './codeowners';
import { readTree, replaceTree } from './dist-folder';
import { generatedDocs, writeGeneratedDocs, writeIfChanged } from './docs';
import { DistFiles, ObjectCounts, renderCluster, TeamFiles } from './render';

/** What one synth is asked to do. */
export interface SynthOptions {
  /** Folder of team folders. */
  readonly userSpaceDir: string;
  /** Folder replaced by the rendered dist/. */
  readonly out: string;
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
  const userSpace = loadUserSpace({ root: ROOT, userSpaceDir: options.userSpaceDir });
  const teams = userSpace.teams.length;
  if (hasErrors(userSpace.problems)) return { problems: userSpace.problems, teams, counts: new Map(), teamFiles: new Map() };
  const files: DistFiles = new Map();
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
  return { problems: userSpace.problems, teams, counts, changes, codeOwners: owners, teamFiles };
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
  const result = synthesize({ userSpaceDir: userSpaceDir(values), out, writeDocs: ownOutput, codeOwnersFile: ownOutput ? path.join(ROOT, CODEOWNERS_FILE) : undefined });
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
  if (changes.removedObjects.length) {
    lines.push(`this change removes ${changes.removedObjects.length} object${changes.removedObjects.length === 1 ? '' : 's'} from the clusters (Flux prunes them):`);
    for (const { id, kept } of changes.removedObjects.slice(0, 20)) lines.push(`  - ${id}${kept ? ' (kept: Flux never prunes it; delete it by hand if you mean it)' : ''}`);
    if (changes.removedObjects.length > 20) lines.push(`  … and ${changes.removedObjects.length - 20} more`);
  }
  return `${lines.join('\n')}\n`;
}
