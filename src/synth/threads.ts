import { getCompileCacheDir } from 'module';
import * as os from 'os';
import * as path from 'path';
import { Worker, type MessagePort } from 'worker_threads';
import { Spool } from './spool';
import { PostedTeamResult, RendererSetup, TeamRenderer, TeamResult } from './teams';

/** What a render thread is started with (its workerData): its TeamRenderer's setup, as the main thread's, and the teams. */
export interface RenderThreadData extends RendererSetup {
  readonly teams: readonly string[];
  /** Each team's folder hash in the cache, if any, in the order of `teams`. */
  readonly recorded: readonly (string | undefined)[];
  /** The index of the next team to render, shared by every thread (backed by a SharedArrayBuffer). */
  readonly next: Int32Array;
  /** The spool this thread writes its parts' texts into, which the main thread made and reads. */
  readonly spoolFile: string;
}

/** What a render thread posts: each team it rendered, then that it is done. */
export type RenderThreadMessage = { readonly index: number; readonly result: PostedTeamResult } | { readonly done: true };

/**
 * Starts a render thread that serves `data` (see serveRenderThread): the returned promise settles
 * once the thread posted it is done, every team it rendered handed to `onRendered` before.
 */
export type StartRenderThread = (data: RenderThreadData, onRendered: (index: number, result: PostedTeamResult) => void) => Promise<void>;

/** Teams a thread must have, on average, to be worth starting: a render thread takes about as long to start as rendering this many teams. */
export const TEAMS_PER_THREAD = 1500;

/**
 * How many threads render `teams` teams: `requested` (--threads), else one per core, but no more
 * than the teams keep busy (TEAMS_PER_THREAD each) and at least one.
 */
export function renderThreads(teams: number, requested?: number, cores = os.availableParallelism()): number {
  return requested ?? Math.max(1, Math.min(cores, Math.floor(teams / TEAMS_PER_THREAD)));
}

/**
 * Renders `teams` on `threads` threads: this one, and threads - 1 started by `startThread`.
 * Every thread takes the next team not yet taken until none is left, each with its own
 * TeamRenderer; what another thread renders it posts as plain data, its parts' texts in a spool
 * made by `newSpool` that this thread reads from. The results are in team order, whichever
 * thread rendered which team.
 */
export async function renderOnThreads(renderer: TeamRenderer, setup: RendererSetup, teams: readonly string[], recorded: (team: string) => string | undefined, threads: number, startThread: StartRenderThread, newSpool: () => Spool): Promise<TeamResult[]> {
  const shared: Omit<RenderThreadData, 'spoolFile'> = { ...setup, teams, recorded: teams.map(recorded), next: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) };
  const results: TeamResult[] = [];
  const others = Array.from({ length: threads - 1 }, () => {
    const spool = newSpool();
    return startThread({ ...shared, spoolFile: spool.file }, (index, result) => (results[index] = renderer.received(result, spool)));
  });
  const othersDone = Promise.all(others);
  // Handled from here on: should this thread's own rendering throw, its error is the one reported, not another thread's later one.
  // Stryker disable next-line ArrowFunction: what the handler returns is never read; that there is one is what counts (tested)
  othersDone.catch(() => undefined);
  renderClaimed(shared, (index) => (results[index] = renderer.render(teams[index], shared.recorded[index])));
  await othersDone;
  return teams.map((team, index) => {
    // Stryker disable next-line ConditionalExpression,StringLiteral: an internal error no input reaches: every team is claimed, and every claimed team posted before its thread is done
    if (!results[index]) throw new Error(`no render thread rendered ${team}`);
    return results[index];
  });
}

/** What a render thread does: renders the teams it claims and posts each result on `port`, then that it is done. */
export function serveRenderThread(data: RenderThreadData, port: Pick<MessagePort, 'postMessage'>): void {
  const spool = Spool.join(data.spoolFile);
  try {
    const renderer = new TeamRenderer(data, spool);
    renderClaimed(data, (index) => port.postMessage({ index, result: TeamRenderer.posted(renderer.render(data.teams[index], data.recorded[index])) } satisfies RenderThreadMessage));
  } finally {
    spool.close();
  }
  port.postMessage({ done: true } satisfies RenderThreadMessage);
}

/** Calls `render` with the index of each team this thread claims, until every team is claimed. */
function renderClaimed({ teams, next }: Pick<RenderThreadData, 'teams' | 'next'>, render: (index: number) => void): void {
  for (let index = Atomics.add(next, 0, 1); index < teams.length; index = Atomics.add(next, 0, 1)) render(index);
}

/**
 * Render threads that are workers running `bundle`: the command's own, which serves as one when
 * it is not the main thread (see src/cli/commands/synth.ts). A worker does not share the main
 * thread's compile cache (bin/mini-atlas.js turns it on), so it turns on the same one before it
 * loads the bundle.
 */
export function workerThreads(bundle: string, compileCache = compileCacheOfThisThread()): StartRenderThread {
  const turnOnCache = compileCache ? `require('module').enableCompileCache(${JSON.stringify(compileCache)}); ` : '';
  const entry = `${turnOnCache}require(${JSON.stringify(bundle)});`;
  return (data, onRendered) =>
    new Promise((resolve, reject) => {
      const worker = new Worker(entry, { eval: true, workerData: data });
      worker.on('message', (message: RenderThreadMessage) => ('done' in message ? resolve() : onRendered(message.index, message.result)));
      worker.on('error', reject);
      // Node hands over a worker's last messages before it says it stopped: after `done` the promise is resolved, and this changes nothing.
      worker.on('exit', (code) => reject(new Error(`a render thread stopped (exit code ${code}) before it was done`)));
    });
}

/** The folder this thread's compile cache was turned on with (Node adds a folder of its version below it), if it was. */
function compileCacheOfThisThread(): string | undefined {
  const folder = getCompileCacheDir();
  return folder && path.dirname(folder);
}
