/** `mini-atlas status`: is the platform on a cluster ready, and if not, what is not. */
import { setTimeout as sleep } from 'timers/promises';
import { interrupted } from '../cli/interrupted';
import { ClusterApi, createClusterApi } from './api';
import { StatusOptions, formatDuration, parseStatusArgs } from './args';
import { ClusterError } from './errors';
import { StatusReport, evaluate, exitCodeOf } from './evaluate';
import { fetchSnapshot } from './fetch';
import { loadClusterTarget } from './kubeconfig';
import { renderJson, renderTable, summaryLine } from './render';

const POLL_INTERVAL_MS = 5_000;
const CLEAR_SCREEN = '\x1b[H\x1b[2J';

/** One look at the cluster: a report, or why there is none. */
type Check = { readonly report: StatusReport } | { readonly error: ClusterError };

/** Runs the command; exit code 0 all ready, 1 something not ready, 2 cluster or kubeconfig unusable. */
export async function runStatus(args: string[]): Promise<number> {
  const options = parseStatusArgs(args);
  let client: ClusterApi;
  try {
    client = createClusterApi(loadClusterTarget({ context: options.context, cluster: options.cluster }), options.requestTimeoutMs);
  } catch (error) {
    return reportError(error);
  }
  if (options.watch) return watch(client, options);
  if (options.waitMs !== undefined) return waitUntilReady(client, options, options.waitMs);
  return finish(await check(client, options), options);
}

async function check(client: ClusterApi, options: StatusOptions): Promise<Check> {
  try {
    return { report: evaluate(await fetchSnapshot(client, options.team)) };
  } catch (error) {
    if (error instanceof ClusterError) return { error };
    throw error;
  }
}

/** Prints the outcome of the last check and turns it into the exit code. */
function finish(result: Check, options: StatusOptions): number {
  if ('error' in result) return reportError(result.error);
  process.stdout.write(options.json ? renderJson(result.report) : renderTable(result.report, { color: useColor() }));
  return exitCodeOf(result.report);
}

function reportError(error: unknown): number {
  if (!(error instanceof ClusterError)) throw error;
  process.stderr.write(`mini-atlas status: ${error.message}\n`);
  return 2;
}

/**
 * Polls until all is ready or the time is up. A cluster still coming up (refusing connections,
 * Flux not yet having installed kro) is worth waiting for; rejected credentials are not.
 */
async function waitUntilReady(client: ClusterApi, options: StatusOptions, waitMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  let lastProgress: string | undefined;
  for (;;) {
    const result = await check(client, options);
    const left = deadline - Date.now();
    if (('report' in result && result.report.ready) || ('error' in result && !result.error.retryable)) return finish(result, options);
    // Stryker disable next-line EqualityOperator: at exactly 0 ms left, the next round sleeps 0 ms, checks once more and runs out the same way
    if (left <= 0) return ranOut(result, options, waitMs);
    const progress = 'error' in result ? result.error.message : summaryLine(result.report);
    if (progress !== lastProgress) process.stderr.write(`[${formatDuration(left)} left] ${progress}\n`);
    lastProgress = progress;
    await sleep(Math.min(POLL_INTERVAL_MS, left));
  }
}

/**
 * The end of a --wait that ran out: exit 1, "not ready", also when the cluster never answered, since
 * with --wait an unreachable cluster is one still coming up (exit 2 stays for what waiting cannot
 * fix: the kubeconfig, the credentials, the flags).
 */
function ranOut(result: Check, options: StatusOptions, waitMs: number): number {
  if ('error' in result) {
    process.stderr.write(`mini-atlas status: not ready after ${formatDuration(waitMs)}: ${result.error.message}\n`);
    return 1;
  }
  process.stderr.write(`mini-atlas status: not ready after ${formatDuration(waitMs)}\n`);
  return finish(result, options);
}

/** Redraws the table until Ctrl-C (exit 0); only a lasting problem (credentials, kubeconfig) ends it otherwise. */
async function watch(client: ClusterApi, options: StatusOptions): Promise<number> {
  const stop = new AbortController();
  void interrupted().then(() => stop.abort());
  for (;;) {
    const result = await check(client, options);
    if ('error' in result && !result.error.retryable) return reportError(result.error);
    const screen = 'error' in result ? `mini-atlas status: ${result.error.message}\n` : renderTable(result.report, { color: useColor() });
    const footer = `\nrefreshed ${new Date().toLocaleTimeString()}, every ${formatDuration(POLL_INTERVAL_MS)}; Ctrl-C to stop\n`;
    process.stdout.write(`${process.stdout.isTTY ? CLEAR_SCREEN : '\n'}${screen}${footer}`);
    try {
      await sleep(POLL_INTERVAL_MS, undefined, { signal: stop.signal });
    } catch {
      return 0;
    }
  }
}

function useColor(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}
