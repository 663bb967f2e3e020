import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from '../src/paths';

/** A command the benchmark times, run as a child process. */
export interface BenchCommand {
  readonly executable: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Variables added to the benchmark's own environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** One run of a command. */
export interface Measurement {
  readonly wallSeconds: number;
  /** Largest peak RSS of any Node process the command ran, in MiB. */
  readonly peakRssMiB: number;
  /**
   * User and system CPU time of all its Node processes: less swayed than wall time by other work
   * on a shared machine, though it counts work done in parallel twice.
   */
  readonly cpuSeconds: number;
}

/** A run that exited with an error, with what it printed on stderr. */
export class CommandFailed extends Error {
  constructor(
    command: BenchCommand,
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`${[command.executable, ...command.args].join(' ')} exited with ${status ?? 'a signal'}:\n${stderr.trim()}`);
  }

  /**
   * Exit status and the line of stderr that gives the reason, cut to fit a table cell: the first
   * line saying "error" (a crash ends with Node's version, not with its cause), else the last.
   */
  summary(): string {
    const lines = this.stderr.trim().split('\n');
    const reason = lines.find((line) => /error/i.test(line)) ?? lines[lines.length - 1];
    return `exit ${this.status ?? 'by signal'}: ${reason.length > 120 ? `${reason.slice(0, 117)}...` : reason}`;
  }
}

const PRELOAD = path.join(ROOT, 'bench', 'peak-rss.js');

/**
 * Runs `command` once, timing it from spawn to exit and collecting the resource usage of its Node
 * processes. What earlier work left to be written to the disk is written first (`sync`), or a
 * command that writes many files would wait for it: the first run after the teams were
 * generated took up to four times as long as the next.
 */
export function measure(command: BenchCommand): Measurement {
  writeBack({ ...process.env, ...command.env });
  const rssFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mini-atlas-rss-')), 'peak');
  try {
    const env = { ...process.env, ...command.env, BENCH_PEAK_RSS_FILE: rssFile, NODE_OPTIONS: withPreload(process.env.NODE_OPTIONS) };
    const start = process.hrtime.bigint();
    const result = spawnSync(command.executable, command.args, { cwd: command.cwd, env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.error) throw result.error;
    if (result.status !== 0) throw new CommandFailed(command, result.status, result.stderr);
    return { wallSeconds, ...resourceUsage(rssFile) };
  } finally {
    fs.rmSync(path.dirname(rssFile), { recursive: true, force: true });
  }
}

/** Writes back every file system's pending writes (`sync`, on every Linux and macOS; found on the PATH of `env`). */
function writeBack(env: NodeJS.ProcessEnv): void {
  const result = spawnSync('sync', { stdio: 'ignore', env });
  if (result.error || result.status !== 0) throw new Error(`\`sync\` failed (${result.error?.message ?? `exit ${result.status}`}): the bench writes back pending writes before each run`);
}

function withPreload(nodeOptions: string | undefined): string {
  return [nodeOptions, `--require "${PRELOAD}"`].filter(Boolean).join(' ');
}

/** What peak-rss.js recorded: the largest peak RSS of the processes, and their CPU time summed. */
function resourceUsage(file: string): Omit<Measurement, 'wallSeconds'> {
  if (!fs.existsSync(file)) throw new Error('no Node process of the command reported its resource usage');
  const processes = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => line.split(' ').map(Number));
  return {
    peakRssMiB: Math.max(...processes.map(([rssKiB]) => rssKiB)) / 1024,
    cpuSeconds: processes.reduce((sum, [, cpuMicros]) => sum + cpuMicros, 0) / 1e6,
  };
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
