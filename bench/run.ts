import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs, positiveInteger, usageOf, type CommandSpec } from '../src/cli/args';
import { UsageError } from '../src/cli/usage-error';
import { CLUSTERS } from '../config/clusters';
import { ROOT } from '../src/paths';
import { generateTeams, GeneratedTeams, teamFiles } from './generate-teams';
import { BenchCommand, CommandFailed, measure, Measurement, median } from './measure';
import { CaseName, Outcome, REFERENCE_TEAMS, renderReport, Row } from './report';

/** How `npm run bench` was called. */
export interface BenchOptions {
  /** Numbers of teams to generate, one benchmark round each. */
  readonly sizes: readonly number[];
  /** Rounds that also run the conventional app, which takes seconds even for one team. */
  readonly baselineSizes: readonly number[];
  /** Runs per command and size; the table shows the median. */
  readonly runs: number;
}

const DEFAULT_SIZES = [1, 100, 1000, 3000, 10000];
const DEFAULT_RUNS = 3;
export const BENCH_COMMAND: CommandSpec = {
  name: 'bench',
  summary:
    'Generates each number of teams into a temporary folder, times synth (into an empty folder, over its own output, and after a change to one team), validate, preview, the I/O floor and a conventional cdk8s app side by side, and prints a Markdown table with the goals they are measured against.',
  options: [
    { flag: '--sizes', value: '<n,...>', description: 'Numbers of teams, one round each.', default: DEFAULT_SIZES.join(',') },
    { flag: '--baseline-sizes', value: '<n,...>', description: 'Rounds that also time the conventional cdk8s app (seconds even for one team); each must be among --sizes.', default: `${REFERENCE_TEAMS} when it is among --sizes` },
    { flag: '--runs', value: '<n>', description: 'Runs per command and size; the table shows the median.', default: String(DEFAULT_RUNS) },
  ],
  examples: ['npm run bench', 'npm run bench -- --sizes 1,100 --baseline-sizes 100 --runs 1  # a quick look', 'npm run bench -- --sizes 1000,10000 --runs 1  # the goals only, once each'],
};
const USAGE = usageOf(BENCH_COMMAND);

/** A command to time at one size, and what must be true before each run. */
export interface BenchCase {
  readonly name: CaseName;
  readonly inputFiles: number;
  readonly command: BenchCommand;
  /** Clears the output folder, so every run writes everything, or changes a team (not timed); gets the run's number (0 for the warm-up run). */
  readonly prepare?: (run: number) => void;
}

const CONVENTIONAL_APP = path.join(ROOT, 'bench', 'conventional');
const IO_FLOOR = path.join(ROOT, 'bench', 'io-floor.js');

/**
 * What `npm run <script> -- <args>` runs, without npm: the script's command line (Node with its
 * options, then the launcher and the command) and `args`.
 */
export function scriptCommand(script: string, args: readonly string[], scripts = packageScripts()): BenchCommand {
  const words = scripts[script]?.split(/\s+/) ?? [];
  if (words[0] !== 'node' || words.length < 2) throw new Error(`package.json's script "${script}" does not run node: the bench runs each command as its script does`);
  return { executable: process.execPath, args: [...words.slice(1).map((word) => (word.startsWith('bin/') ? path.join(ROOT, word) : word)), ...args], cwd: ROOT };
}

function packageScripts(): Readonly<Record<string, string>> {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
}

/**
 * `mini-atlas bench [--sizes ...] [--baseline-sizes ...] [--runs N]`: for each size, generates
 * that many teams into a temporary folder, times synth, validate, preview and the conventional
 * cdk8s app side by side, and prints a Markdown table with the goals of the performance issue.
 */
export function runBench(args: string[]): number {
  const options = parseOptions(args);
  const before = os.loadavg()[0];
  const rows = options.sizes.flatMap((teams) => benchSize(teams, options));
  process.stdout.write(renderReport(rows, commandLine(options), { before, after: os.loadavg()[0] }));
  return rows.some((row) => row.outcome.kind === 'failed') ? 1 : 0;
}

/**
 * Parses the options. The baseline runs at the reference size by default, the one the goals
 * compare at, which keeps the default bench within a few minutes.
 */
export function parseOptions(args: readonly string[]): BenchOptions {
  const { values } = parseArgs(args, BENCH_COMMAND);
  const sizes = sizeList(values.get('--sizes'), '--sizes') ?? DEFAULT_SIZES;
  const baselineSizes = sizeList(values.get('--baseline-sizes'), '--baseline-sizes') ?? sizes.filter((size) => size === REFERENCE_TEAMS);
  const stray = baselineSizes.find((size) => !sizes.includes(size));
  if (stray !== undefined) throw new UsageError(`--baseline-sizes ${stray} is not among --sizes; ${USAGE}`);
  const runs = values.has('--runs') ? positiveInteger('--runs', values.get('--runs')!, BENCH_COMMAND) : DEFAULT_RUNS;
  return { sizes, baselineSizes, runs };
}

function sizeList(text: string | undefined, flag: string): number[] | undefined {
  return text?.split(',').map((size) => positiveInteger(flag, size, BENCH_COMMAND));
}


function commandLine({ sizes, baselineSizes, runs }: BenchOptions): string {
  return `npm run bench -- --sizes ${sizes.join(',')} --baseline-sizes ${baselineSizes.join(',') || 'none'} --runs ${runs}`;
}

/** Every case at one size, in a fresh temporary folder that is removed afterwards. */
function benchSize(teams: number, { baselineSizes, runs }: BenchOptions): Row[] {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mini-atlas-bench-'));
  try {
    const cases = benchCases(root, generateTeams(root, teams)).filter((benchCase) => benchCase.name !== 'baseline' || baselineSizes.includes(teams));
    return cases.map((benchCase) => ({ name: benchCase.name, teams, inputFiles: benchCase.inputFiles, outcome: runCase(benchCase, teams, runs) }));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function benchCases(root: string, generated: GeneratedTeams): BenchCase[] {
  const { userSpace, teams, files } = generated;
  const synthOut = path.join(root, 'dist');
  const baselineOut = path.join(root, 'conventional');
  const floorOut = path.join(root, 'floor');
  // Deleting thousands of files keeps the disk busy for seconds after rm returns, which would bill
  // the next timed run; renaming the old output aside is instant, and it goes with `root`.
  const setAside = path.join(root, 'previous-outputs');
  let previous = 0;
  const clear = (folder: string) => () => {
    if (!fs.existsSync(folder)) return;
    fs.mkdirSync(setAside, { recursive: true });
    fs.renameSync(folder, path.join(setAside, String(++previous)));
  };
  const synth = scriptCommand('synth', ['--user-space', userSpace, '--out', synthOut]);
  return [
    // Reads and parses every team file and writes the instance files: what synth cannot do without.
    { name: 'floor', inputFiles: files.length, command: { executable: process.execPath, args: [IO_FLOOR, userSpace, floorOut, ...CLUSTERS.map((cluster) => cluster.name)], cwd: ROOT }, prepare: clear(floorOut) },
    // Into an emptied folder, where the cache of the run before describes nothing: every team is rendered.
    { name: 'synth', inputFiles: files.length, command: synth, prepare: clear(synthOut) },
    // Right after the runs above, so the output is what this synth would write: the everyday case.
    { name: 'resynth', inputFiles: files.length, command: synth },
    // A team's pull request: one line of one team's file changed since the last synth.
    { name: 'resynth-one', inputFiles: files.length, command: synth, prepare: (run) => changeOneTeam(userSpace, teams, run) },
    // A change to the platform's code: every team rendered again, over the output.
    { name: 'resynth-full', inputFiles: files.length, command: scriptCommand('synth', ['--user-space', userSpace, '--out', synthOut, '--full']) },
    { name: 'validate', inputFiles: files.length, command: scriptCommand('validate', ['--user-space', userSpace]) },
    { name: 'preview', inputFiles: files.length / teams.length, command: scriptCommand('preview', [path.join(userSpace, teams[0]), '--cluster', 'dev', '--user-space', userSpace]) },
    {
      name: 'baseline',
      inputFiles: files.length,
      // What `cdk8s synth` runs for an app made by `cdk8s init typescript-app`.
      command: { executable: 'npx', args: ['ts-node', 'main.ts'], cwd: CONVENTIONAL_APP, env: { BENCH_TEAMS: String(teams.length), CDK8S_OUTDIR: baselineOut } },
      prepare: clear(baselineOut),
    },
  ];
}

/**
 * Changes one line of one team's file (its web application's replicas: 4 and 5 in turn, never
 * what the generator wrote), the team in the middle of the user space, so that every run has a
 * change to render.
 */
function changeOneTeam(userSpace: string, teams: readonly string[], run: number): void {
  const index = Math.ceil(teams.length / 2);
  const team = teams[index - 1];
  const file = path.join(userSpace, team, 'web.yaml');
  fs.writeFileSync(file, teamFiles(team, index)['web.yaml'].replace(/replicas: \d+/, `replicas: ${run % 2 ? 4 : 5}`));
}

/**
 * Runs a case once untimed, then `runs` times: median and best wall time, median CPU time and the
 * largest peak RSS, or why there is none. The first run of a command that writes thousands of
 * files took up to four times as long as the next ones, even after `sync` (the file system's
 * first use of fresh space, as far as one can tell), and the floor, which runs first at each
 * size, paid for it: its median said synth was as fast as the floor.
 */
export function runCase(benchCase: BenchCase, teams: number, runs: number): Outcome {
  const results: Measurement[] = [];
  for (let run = 0; run <= runs; run++) {
    benchCase.prepare?.(run);
    let result: Measurement;
    try {
      result = measure(benchCase.command);
    } catch (error) {
      return failure(benchCase.name, error);
    }
    if (run > 0) results.push(result);
    process.stderr.write(`bench: ${benchCase.name} with ${teams} teams, ${run > 0 ? `run ${run}/${runs}` : 'warm-up run'}: ${result.wallSeconds.toFixed(2)} s\n`);
  }
  return {
    kind: 'measured',
    medianSeconds: median(results.map((result) => result.wallSeconds)),
    bestSeconds: Math.min(...results.map((result) => result.wallSeconds)),
    medianCpuSeconds: median(results.map((result) => result.cpuSeconds)),
    peakRssMiB: Math.max(...results.map((result) => result.peakRssMiB)),
  };
}

/**
 * A command or flag the CLI does not have yet skips the case, as commands land one by one; any
 * other error fails it (and the bench), with the whole message on stderr and its end in the table.
 */
function failure(name: CaseName, error: unknown): Outcome {
  if (error instanceof CommandFailed) {
    const command = /unknown command "([^"]*)"/.exec(error.stderr)?.[1];
    if (command !== undefined) return { kind: 'skipped', reason: `no \`${command}\` command yet` };
    if (error.stderr.includes('unknown argument "--user-space')) return { kind: 'skipped', reason: `\`${name}\` takes no --user-space yet` };
  }
  const reason = error instanceof Error ? error.message : String(error);
  // A crash can print hundreds of lines; its head holds the command line and the cause.
  process.stderr.write(`bench: ${name} failed: ${reason.split('\n').slice(0, 30).join('\n')}\n`);
  return { kind: 'failed', reason: error instanceof CommandFailed ? error.summary() : reason.split('\n')[0] };
}
