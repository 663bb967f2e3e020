import { getCompileCacheDir } from 'module';
import * as os from 'os';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'worker_threads';
import { readTeamFolder, type TeamFolder } from '../user-space/team-folder';
import { Spool } from './spool';
import { PostedTeamResult, RendererSetup, TeamRenderer, TeamResult } from './teams';

/**
 * What a render thread needs to render teams, which the main thread knows only once it has read
 * dist/ and the cache: until then a render thread reads the folders of the teams it claims.
 */
export interface RenderPlan {
  /** Its TeamRenderer's setup, the main thread's. */
  readonly setup: RendererSetup;
  /** Each team's folder hash in the cache, if any, in the order of the teams. */
  readonly recorded: readonly (string | undefined)[];
}

/** What a render thread is started with (its workerData). */
export interface RenderThreadData {
  /** The folder of team folders. */
  readonly userSpaceDir: string;
  readonly teams: readonly string[];
  /** The index of the next team to claim, shared by every thread (backed by a SharedArrayBuffer). */
  readonly next: Int32Array;
  /** The spool this thread writes its parts' texts into, which the main thread made and reads. */
  readonly spoolFile: string;
  /** Where the main thread posts the RenderPlan, or `null` when the synth stopped (failed) and the thread should too. */
  readonly plans: MessagePort;
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
 * Teams rendered on several threads: this one, and others started by `startThread`. Every
 * thread takes the next team not yet taken until none is left. The others start before this
 * thread knows what to render with (it reads dist/ and the cache meanwhile, see RenderPlan) and
 * read their teams' folders until it does. Each thread has its own TeamRenderer; what another
 * thread renders it posts as plain data, its parts' texts in a spool made by `newSpool` that this
 * thread reads from. The results are in team order, whichever thread rendered which team.
 */
export class RenderThreads {
  private readonly next = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  private readonly plans: MessagePort[] = [];
  private readonly posted: { readonly result: PostedTeamResult; readonly spool: Spool }[] = [];
  private readonly othersDone: Promise<unknown>;

  /** @param others how many threads to start besides this one */
  constructor(
    private readonly userSpaceDir: string,
    private readonly teams: readonly string[],
    others: number,
    startThread: StartRenderThread,
    newSpool: () => Spool,
  ) {
    this.othersDone = Promise.all(Array.from({ length: others }, () => this.start(startThread, newSpool())));
    // Handled from here on: should this thread fail first (before it renders, or while it does), its error is the one reported, not another thread's later one.
    // Stryker disable next-line ArrowFunction: what the handler returns is never read; that there is one is what counts (tested)
    this.othersDone.catch(() => undefined);
  }

  private start(startThread: StartRenderThread, spool: Spool): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    this.plans.push(port1);
    const data: RenderThreadData = { userSpaceDir: this.userSpaceDir, teams: this.teams, next: this.next, spoolFile: spool.file, plans: port2 };
    return startThread(data, (index, result) => (this.posted[index] = { result, spool }));
  }

  /** Hands `plan` to the other threads, renders the teams left on this one with `renderer`, and waits for the others. */
  async render(renderer: TeamRenderer, plan: RenderPlan): Promise<TeamResult[]> {
    this.post(plan);
    const results: TeamResult[] = [];
    claimTeams(this.teams, this.next, (index) => {
      results[index] = renderer.render(this.teams[index], plan.recorded[index]);
    });
    await this.othersDone;
    return this.teams.map((team, index) => {
      const posted = this.posted[index];
      // Stryker disable next-line ConditionalExpression,StringLiteral: an internal error no input reaches: every team is claimed, and every claimed team posted before its thread is done
      if (!results[index] && !posted) throw new Error(`no render thread rendered ${team}`);
      return results[index] ?? renderer.received(posted.result, posted.spool);
    });
  }

  /** Tells the other threads to stop after the team at hand, the synth having failed (nothing when they are done). */
  stop(): void {
    this.post(null);
  }

  private post(message: RenderPlan | null): void {
    for (const port of this.plans) port.postMessage(message);
  }
}

/**
 * What a render thread does: reads the folders of the teams it claims until the main thread
 * posts the plan, then renders them and the teams it claims next, posting each result on `port`,
 * then that it is done. It stops early when the main thread posts `null`.
 */
export function serveRenderThread(data: RenderThreadData, port: Pick<MessagePort, 'postMessage'>): void {
  new RenderThread(data, port).serve();
}

/** A render thread's work: the teams it read before the plan came, then its TeamRenderer (see serveRenderThread). */
class RenderThread {
  private readonly spool: Spool;
  /** Teams claimed before the plan came, with their folders as read. */
  private readonly read = new Map<number, TeamFolder>();
  private renderer?: TeamRenderer;
  private plan?: RenderPlan;
  private stopped = false;

  constructor(
    private readonly data: RenderThreadData,
    private readonly port: Pick<MessagePort, 'postMessage'>,
  ) {
    this.spool = Spool.join(data.spoolFile);
  }

  serve(): void {
    claimTeams(
      this.data.teams,
      this.data.next,
      (index) => {
        this.take(receiveMessageOnPort(this.data.plans)?.message);
        if (this.stopped) return;
        if (this.plan) this.render(index);
        else this.read.set(index, readTeamFolder(this.data.userSpaceDir, this.data.teams[index]));
      },
      () => this.stopped,
    );
    if (this.plan || this.stopped) return this.finish();
    // Every team is claimed, those of this thread only read: the plan comes as a message, once the main thread has read dist/.
    this.data.plans.once('message', (message: RenderPlan | null) => {
      this.take(message);
      this.finish();
    });
  }

  /** Takes what the main thread posted, if anything: the plan, which renders the teams read so far, or `null`. */
  private take(message: RenderPlan | null | undefined): void {
    if (message === null) this.stopped = true;
    if (!message) return;
    this.plan = message;
    this.renderer = new TeamRenderer(message.setup, this.spool);
    for (const index of this.read.keys()) this.render(index);
    this.read.clear();
  }

  private render(index: number): void {
    const team = this.data.teams[index];
    const result = this.renderer!.render(team, this.plan!.recorded[index], this.read.get(index));
    this.port.postMessage({ index, result: TeamRenderer.posted(result) } satisfies RenderThreadMessage);
  }

  private finish(): void {
    this.data.plans.close();
    this.spool.close();
    this.port.postMessage({ done: true } satisfies RenderThreadMessage);
  }
}

/** Calls `claimed` with the index of each team this thread claims, until every team is claimed or the thread is `stopped`. */
function claimTeams(teams: readonly string[], next: Int32Array, claimed: (index: number) => void, stopped = () => false): void {
  while (!stopped()) {
    const index = Atomics.add(next, 0, 1);
    if (index >= teams.length) return;
    claimed(index);
  }
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
      const worker = new Worker(entry, { eval: true, workerData: data, transferList: [data.plans] });
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
