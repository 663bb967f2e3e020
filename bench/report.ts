import * as os from 'os';

/**
 * The commands the benchmark compares: `synth` writes into an empty folder, `resynth` finds its
 * output already there, `resynth-one` finds it there after a change to one team, `resynth-full`
 * renders every team again over it (`--full`, as after a change to the platform's code); `floor` only
 * reads, parses and writes (bench/io-floor.js); `baseline` is the conventional cdk8s app in
 * bench/conventional.
 */
export type CaseName = 'floor' | 'synth' | 'resynth' | 'resynth-one' | 'resynth-full' | 'validate' | 'preview' | 'baseline';

/** How a case fared at one size over all its runs. */
export type Outcome =
  | {
      readonly kind: 'measured';
      readonly medianSeconds: number;
      /** The least disturbed run: on a shared machine, the closest to the command's own cost. */
      readonly bestSeconds: number;
      readonly medianCpuSeconds: number;
      readonly peakRssMiB: number;
    }
  | { readonly kind: 'skipped' | 'failed'; readonly reason: string };

/** One row of the table: a case at a number of teams. */
export interface Row {
  readonly name: CaseName;
  readonly teams: number;
  /** Team files the command reads (for the baseline: the files of the teams it stands for). */
  readonly inputFiles: number;
  readonly outcome: Outcome;
}

/** The goals of the performance issue are stated for this many teams. */
export const REFERENCE_TEAMS = 1000;
/** And these for this many. */
export const LARGE_TEAMS = 10000;

const GOALS = { synthShareOfBaseline: 0.25, synthPeakRssMiB: 400, previewSeconds: 0.5, marginalCostGrowth: 1.5, synthOverFloor: 1.5, resynthOneShareOfSynth: 0.25 } as const;

const LABELS: Record<CaseName, string> = {
  floor: 'I/O floor (`node bench/io-floor.js`)',
  synth: '`npm run synth`',
  resynth: '`npm run synth`, output up to date',
  'resynth-one': '`npm run synth`, one team changed',
  'resynth-full': '`npm run synth -- --full`, over its output',
  validate: '`npm run validate`',
  preview: '`npm run preview` (one team)',
  baseline: 'conventional cdk8s app (`npx ts-node main.ts`)',
};

/** The machine the numbers come from, in one line. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const memoryGiB = (os.totalmem() / 1024 ** 3).toFixed(1);
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${memoryGiB} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
}

/**
 * The whole report in Markdown: machine, command, table, then each goal against its measurement.
 * The load averages around the run tell a reader whether other work on the machine skewed it.
 */
export function renderReport(rows: readonly Row[], command: string, loadAverages: { readonly before: number; readonly after: number }): string {
  return [
    `Machine: ${describeMachine()}; 1-minute load average ${loadAverages.before.toFixed(2)} before the run, ${loadAverages.after.toFixed(2)} after`,
    `Command: \`${command}\``,
    '',
    renderTable(rows),
    '',
    '\\* The baseline reads no team files; its files/s counts the five files of each team it stands for. Files/s is from the median wall time.',
    '',
    `Goals at ${REFERENCE_TEAMS} teams:`,
    ...renderGoals(rows).map((line) => `- ${line}`),
    '',
    `Goals at ${LARGE_TEAMS} teams:`,
    ...renderLargeGoals(rows).map((line) => `- ${line}`),
    '',
  ].join('\n');
}

function renderTable(rows: readonly Row[]): string {
  const header = ['| command | teams | input files | median wall (s) | best wall (s) | median CPU (s) | peak RSS (MiB) | files/s |', '|---|---:|---:|---:|---:|---:|---:|---:|'];
  return [...header, ...rows.map(renderRow)].join('\n');
}

function renderRow(row: Row): string {
  const files = row.name === 'baseline' ? `${row.inputFiles}\\*` : String(row.inputFiles);
  const { outcome } = row;
  if (outcome.kind !== 'measured') return `| ${LABELS[row.name]} | ${row.teams} | ${files} | ${outcome.kind}: ${outcome.reason.replace(/\|/g, '\\|')} | | | | |`;
  const perSecond = Math.round(row.inputFiles / outcome.medianSeconds);
  return `| ${LABELS[row.name]} | ${row.teams} | ${files} | ${outcome.medianSeconds.toFixed(2)} | ${outcome.bestSeconds.toFixed(2)} | ${outcome.medianCpuSeconds.toFixed(2)} | ${Math.round(outcome.peakRssMiB)} | ${perSecond} |`;
}

type Measured = Extract<Outcome, { kind: 'measured' }>;

function measured(rows: readonly Row[], name: CaseName, teams: number): Measured | undefined {
  const outcome = rows.find((row) => row.name === name && row.teams === teams)?.outcome;
  return outcome?.kind === 'measured' ? outcome : undefined;
}

function verdict(met: boolean): string {
  return met ? 'met' : '**not met**';
}

function renderGoals(rows: readonly Row[]): string[] {
  const missing = (what: string) => `${what}: not measured at ${REFERENCE_TEAMS} teams`;
  const synth = measured(rows, 'synth', REFERENCE_TEAMS);
  const baseline = measured(rows, 'baseline', REFERENCE_TEAMS);
  const validate = measured(rows, 'validate', REFERENCE_TEAMS);
  const preview = measured(rows, 'preview', REFERENCE_TEAMS);
  return [
    synth && baseline ? synthVersusBaseline(synth, baseline) : missing('synth vs the conventional app'),
    synthPeakRss(rows, REFERENCE_TEAMS) ?? missing('synth peak RSS'),
    synth && validate ? `validate vs synth: ${seconds(validate)} vs ${seconds(synth)} (goal: no slower): ${verdict(validate.medianSeconds <= synth.medianSeconds)}` : missing('validate vs synth'),
    preview ? `preview of one team: ${seconds(preview)} (goal < ${GOALS.previewSeconds} s): ${verdict(preview.medianSeconds < GOALS.previewSeconds)}` : missing('preview'),
    ...(['synth', 'resynth', 'validate'] as const).map((name) => linearity(rows, name)),
  ];
}

function renderLargeGoals(rows: readonly Row[]): string[] {
  const missing = (what: string) => `${what}: not measured at ${LARGE_TEAMS} teams`;
  const floor = measured(rows, 'floor', LARGE_TEAMS);
  const synth = measured(rows, 'synth', LARGE_TEAMS);
  const one = measured(rows, 'resynth-one', LARGE_TEAMS);
  return [
    synth && floor ? synthVersusFloor(synth, floor) : missing('synth vs the I/O floor'),
    synthPeakRss(rows, LARGE_TEAMS) ?? missing('synth peak RSS'),
    synth && one ? `synth after a change to one team vs a full synth: ${seconds(one)} vs ${seconds(synth)} = ${percent(one.medianSeconds / synth.medianSeconds)} (goal ≤ ${percent(GOALS.resynthOneShareOfSynth)}): ${verdict(one.medianSeconds <= GOALS.resynthOneShareOfSynth * synth.medianSeconds)}; CPU time ${percent(one.medianCpuSeconds / synth.medianCpuSeconds)}` : missing('synth after a change to one team'),
  ];
}

/**
 * The largest peak RSS of a synth that renders every team: into an empty folder, and over its
 * output (which it compares with what it writes), when measured.
 */
function synthPeakRss(rows: readonly Row[], teams: number): string | undefined {
  const synth = measured(rows, 'synth', teams);
  if (!synth) return undefined;
  const full = measured(rows, 'resynth-full', teams);
  const peak = Math.max(synth.peakRssMiB, full?.peakRssMiB ?? 0);
  const over = full ? `, ${Math.round(full.peakRssMiB)} MiB over its output (--full)` : '';
  return `synth peak RSS: ${Math.round(synth.peakRssMiB)} MiB into an empty folder${over} (goal ≤ ${GOALS.synthPeakRssMiB} MiB): ${verdict(peak <= GOALS.synthPeakRssMiB)}`;
}

/**
 * Compared by their best runs: what disturbs a run (the file system's state, above all) only
 * ever slows it, and the floor, which is nearly all file creation, swings far more than synth
 * (from 2.3 to 13.4 s a run at 10,000 teams on the development machine on one day, synth from 6.9 to 11.4):
 * its median would decide the verdict by the disk's mood.
 */
function synthVersusFloor(synth: Measured, floor: Measured): string {
  const ratio = synth.bestSeconds / floor.bestSeconds;
  return `synth vs the I/O floor, best runs: ${synth.bestSeconds.toFixed(2)} s vs ${floor.bestSeconds.toFixed(2)} s = ${ratio.toFixed(2)}× (goal ≤ ${GOALS.synthOverFloor}×): ${verdict(ratio <= GOALS.synthOverFloor)}; medians ${seconds(synth)} vs ${seconds(floor)}; CPU time ${(synth.medianCpuSeconds / floor.medianCpuSeconds).toFixed(2)}×`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function seconds(outcome: Measured): string {
  return `${outcome.medianSeconds.toFixed(2)} s`;
}

function synthVersusBaseline(synth: Measured, baseline: Measured): string {
  const share = synth.medianSeconds / baseline.medianSeconds;
  const cpuShare = synth.medianCpuSeconds / baseline.medianCpuSeconds;
  return `synth vs the conventional app: ${seconds(synth)} vs ${seconds(baseline)} wall = ${percent(share)} (goal ≤ ${percent(GOALS.synthShareOfBaseline)}): ${verdict(share <= GOALS.synthShareOfBaseline)}; CPU time ${percent(cpuShare)}`;
}

/**
 * Whether the cost of one more team stays flat: the marginal cost per team between consecutive
 * sizes (fixed costs such as Node's start cancel out) must not grow by more than half from the
 * next-to-last interval to the last; the first interval, from one team, is too short to be more
 * than noise. Time per team at each size is shown too, as the issue asks.
 */
function linearity(rows: readonly Row[], name: CaseName): string {
  const points = rows.flatMap((row) => (row.name === name && row.outcome.kind === 'measured' ? [{ teams: row.teams, seconds: row.outcome.medianSeconds }] : []));
  if (points.length < 3) return `${name} linearity: needs three sizes or more`;
  const perTeam = points.map(({ teams, seconds }) => `${((seconds / teams) * 1000).toFixed(2)} ms at ${teams}`).join(', ');
  const marginals = points.slice(1).map((point, index) => (point.seconds - points[index].seconds) / (point.teams - points[index].teams));
  const marginalText = marginals.map((cost, index) => `${(cost * 1000).toFixed(2)} ms ${points[index].teams}→${points[index + 1].teams}`).join(', ');
  const growth = marginals[marginals.length - 1] / marginals[marginals.length - 2];
  return `${name} linearity: time per team ${perTeam}; marginal cost per team ${marginalText} (goal: last ≤ ${GOALS.marginalCostGrowth}× the one before): ${verdict(growth <= GOALS.marginalCostGrowth)}`;
}
