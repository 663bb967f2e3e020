import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MessageChannel } from 'worker_threads';
import { synthesize, synthesizeOnThreads, SynthResult } from '../../src/synth/command';
import { Spool } from '../../src/synth/spool';
import { TeamRenderer } from '../../src/synth/teams';
import { RenderThreads, renderThreads, serveRenderThread, StartRenderThread, TEAMS_PER_THREAD, workerThreads, type RenderThreadData, type RenderThreadMessage } from '../../src/synth/threads';
import { readTeamFolder } from '../../src/user-space/team-folder';
import { tempDir } from '../helpers';
import { makeTempDir, removeFixtures, ROOT, webApplication, workspace, writeTeams } from '../user-space/helpers';

afterAll(removeFixtures);

/** Every file under `folder` with its content. */
function tree(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(folder, file);
    if (fs.statSync(full).isFile()) files[file] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

/**
 * A render thread that runs in this one, over a MessageChannel as a worker would; `rendered`
 * gets the index of each team it posts. Started `sync`, it serves before the main thread renders
 * anything and so claims every team; else it serves once the main thread waits for it, when no
 * team is left.
 */
function inThisThread(sync: boolean, rendered: number[] = []): StartRenderThread {
  return (data, onRendered) =>
    new Promise((resolve) => {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (message: RenderThreadMessage) => {
        if (!('done' in message)) {
          rendered.push(message.index);
          return onRendered(message.index, message.result);
        }
        port1.close();
        resolve();
      });
      const serve = () => serveRenderThread(data, port2);
      if (sync) serve();
      else setImmediate(serve);
    });
}

const TEAMS = {
  'team-a/workspace.yaml': workspace('team-a'),
  'team-a/web.yaml': webApplication('team-a', 'web', 'a.example.com'),
  'team-b/workspace.yaml': workspace('team-b'),
  'team-b/topic.yaml': 'apiVersion: kro.run/v1alpha1\nkind: Topic\nmetadata: {name: team-b-orders}\nspec: {}\n',
  'team-c/workspace.yaml': workspace('team-c'),
  'team-c/web.yaml': webApplication('team-c', 'web', 'c.example.com'),
};

describe('how many threads render the teams', () => {
  it('is what --threads asks for, else one per core, for TEAMS_PER_THREAD teams each, and at least one', () => {
    expect(renderThreads(5, 3, 2)).toBe(3);
    expect(renderThreads(TEAMS_PER_THREAD * 2 - 1, undefined, 8)).toBe(1);
    expect(renderThreads(TEAMS_PER_THREAD * 2, undefined, 8)).toBe(2);
    expect(renderThreads(TEAMS_PER_THREAD * 20, undefined, 2)).toBe(2);
    expect(renderThreads(1, undefined, 8)).toBe(1);
    expect(renderThreads(TEAMS_PER_THREAD * 20)).toBe(os.availableParallelism());
  });
});

describe('synth with its teams rendered on several threads', () => {
  let fixture: ReturnType<typeof writeTeams>;
  let oneThread: { result: SynthResult; files: Record<string, string> };

  beforeAll(() => {
    fixture = writeTeams(TEAMS);
    const out = path.join(ROOT, makeTempDir());
    oneThread = { result: synthesize({ userSpaceDir: fixture.dir, out }), files: tree(out) };
  });

  /** A synth of the fixture on `threads` threads, those besides this one started by `startThread`, into a new folder. */
  async function onThreads(startThread: StartRenderThread, threads = 2): Promise<{ result: SynthResult; files: Record<string, string> }> {
    const out = path.join(ROOT, makeTempDir());
    const result = await synthesizeOnThreads({ userSpaceDir: fixture.dir, out }, { startThread, threads });
    return { result, files: tree(out) };
  }

  it('writes the same files whichever thread rendered which team, and says how many threads there were', async () => {
    for (const sync of [true, false]) {
      const rendered: number[] = [];
      const { result, files } = await onThreads(inThisThread(sync, rendered));
      expect(rendered).toEqual(sync ? [0, 1, 2] : []);
      expect(files).toEqual(oneThread.files);
      expect(result.codeOwners).toBe(oneThread.result.codeOwners);
      expect(result.render).toEqual({ ...oneThread.result.render, threads: 2 });
      expect(oneThread.result.render?.threads).toBe(1);
    }
  });

  it('takes the teams whose files did not change from the output, through the cache, whichever thread looked at them', async () => {
    const teams = writeTeams(TEAMS);
    const out = path.join(ROOT, makeTempDir());
    const cache = { file: path.join(ROOT, makeTempDir(), 'cache.json'), codeVersion: 'test' };
    const synth = (rendered: number[] = []) => synthesizeOnThreads({ userSpaceDir: teams.dir, out, cache }, { startThread: inThisThread(true, rendered), threads: 2 });
    expect((await synth()).render).toEqual({ reused: 0, rendered: 3, threads: 2, doubt: 'none yet' });
    teams.write({ 'team-b/topic.yaml': TEAMS['team-b/topic.yaml'].replace('spec: {}', 'spec: {partitions: 6}') });
    const rendered: number[] = [];
    expect((await synth(rendered)).render).toEqual({ reused: 2, rendered: 1, threads: 2 });
    expect(rendered).toEqual([0, 1, 2]);
    const full = path.join(ROOT, makeTempDir());
    synthesize({ userSpaceDir: teams.dir, out: full });
    expect(tree(out)).toEqual(tree(full));
  });

  /** The files of the spools made while `run` runs. */
  async function spoolsMadeBy(run: () => Promise<unknown>): Promise<string[]> {
    const made: string[] = [];
    const create = Spool.create.bind(Spool);
    const spy = jest.spyOn(Spool, 'create').mockImplementation((parent) => {
      const spool = create(parent);
      made.push(spool.file);
      return spool;
    });
    try {
      await run();
    } finally {
      spy.mockRestore();
    }
    return made;
  }

  it("reads the other threads' parts from spools of their own, and closes and removes every spool when done", async () => {
    const close = jest.spyOn(Spool.prototype, 'close');
    try {
      const made = await spoolsMadeBy(async () => expect((await onThreads(inThisThread(true), 3)).files).toEqual(oneThread.files));
      expect(made).toHaveLength(3);
      expect(made.filter((file) => fs.existsSync(file))).toEqual([]);
      // Each spool by the thread that made it, and by the one that wrote into it.
      expect(close).toHaveBeenCalledTimes(5);
    } finally {
      close.mockRestore();
    }
  });

  it('renders on this thread alone when one thread is asked for, starting none', async () => {
    const startThread = jest.fn(inThisThread(true));
    const { result, files } = await onThreads(startThread, 1);
    expect(startThread).not.toHaveBeenCalled();
    expect(files).toEqual(oneThread.files);
    expect(result.render?.threads).toBe(1);
  });

  it('fails with the error of a thread that fails, writing nothing and removing its spools', async () => {
    const out = path.join(ROOT, makeTempDir());
    const failing: StartRenderThread = () => Promise.reject(new Error('the render thread ran out of memory'));
    const made = await spoolsMadeBy(() => expect(synthesizeOnThreads({ userSpaceDir: fixture.dir, out }, { startThread: failing, threads: 2 })).rejects.toThrow('the render thread ran out of memory'));
    expect(made).toHaveLength(2);
    expect(made.filter((file) => fs.existsSync(file))).toEqual([]);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it("reports this thread's own error when its rendering fails, not another thread's later one, which is left handled", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const render = jest.spyOn(TeamRenderer.prototype, 'render').mockImplementation(() => {
      throw new Error('this thread failed');
    });
    try {
      const failingLater: StartRenderThread = () => new Promise((_, reject) => setImmediate(() => reject(new Error('the other thread failed'))));
      await expect(synthesizeOnThreads({ userSpaceDir: fixture.dir, out: path.join(ROOT, makeTempDir()) }, { startThread: failingLater, threads: 2 })).rejects.toThrow('this thread failed');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      render.mockRestore();
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reports the same problems as one thread, whichever thread found them', async () => {
    const broken = writeTeams({
      ...TEAMS,
      // What the API server would refuse, in two teams; then a loading error, after which none is reported.
      'team-a/web.yaml': webApplication('team-a', 'web', 'a.example.com', '  env:\n    A=B: "2"'),
      'team-c/web.yaml': webApplication('team-c', 'web', 'c.example.com', '  env:\n    C=D: "2"'),
    });
    const problems = async (synth: (out: string) => SynthResult | Promise<SynthResult>) => (await synth(path.join(ROOT, makeTempDir()))).problems;
    const one = await problems((out) => synthesize({ userSpaceDir: broken.dir, out }));
    expect(one.map((problem) => problem.location.file)).toEqual([`${broken.rel}/team-a/web.yaml`, `${broken.rel}/team-c/web.yaml`]);
    for (const threads of [inThisThread(true), inThisThread(false)]) expect(await problems((out) => synthesizeOnThreads({ userSpaceDir: broken.dir, out }, { startThread: threads, threads: 2 }))).toEqual(one);
  });
});

describe('render threads started before the main thread knows what to render with', () => {
  const setup = (userSpaceDir: string) => ({ userSpaceDir, objects: false, failed: false });

  /** A render thread in this thread (see inThisThread) that serves at once, and the promise that settles when it posted it is done. */
  function startedAtOnce(rendered: number[]): { startThread: StartRenderThread; done: Promise<void>[] } {
    const done: Promise<void>[] = [];
    const start = inThisThread(true, rendered);
    return { startThread: (data, onRendered) => done[done.push(start(data, onRendered)) - 1], done };
  }

  it('read the folders of the teams they claim meanwhile, and render those folders as read once the plan comes', async () => {
    const teams = writeTeams(TEAMS);
    const spools: Spool[] = [];
    const rendered: number[] = [];
    const { startThread, done } = startedAtOnce(rendered);
    const threads = new RenderThreads(teams.dir, ['team-a', 'team-b', 'team-c'], 1, startThread, () => spools[spools.push(Spool.create()) - 1]);
    const before = readTeamFolder(teams.dir, 'team-b').hash;
    // Changed after the other thread read it, before the plan: the thread renders what it read.
    teams.write({ 'team-b/topic.yaml': TEAMS['team-b/topic.yaml'].replace('spec: {}', 'spec: {partitions: 6}') });
    expect(readTeamFolder(teams.dir, 'team-b').hash).not.toBe(before);
    expect(rendered).toEqual([]);
    const mainSpool = Spool.create();
    try {
      const results = await threads.render(new TeamRenderer(setup(teams.dir), mainSpool), { setup: setup(teams.dir), recorded: [undefined, before, undefined] });
      await Promise.all(done);
      expect(rendered).toEqual([0, 1, 2]);
      expect(results.map((result) => [result.team, result.reused])).toEqual([
        ['team-a', false],
        ['team-b', true],
        ['team-c', false],
      ]);
      expect(results[1].input).toBe(before);
    } finally {
      for (const spool of [mainSpool, ...spools]) spool.close();
    }
  });

  it('stop, rendering nothing, when told to before the plan comes', async () => {
    const rendered: number[] = [];
    const { startThread, done } = startedAtOnce(rendered);
    const spool = Spool.create();
    try {
      new RenderThreads(writeTeams(TEAMS).dir, ['team-a', 'team-b', 'team-c'], 1, startThread, () => spool).stop();
      await Promise.all(done);
      expect(rendered).toEqual([]);
    } finally {
      spool.close();
    }
  });

  it('stop when told to while reading, before the plan comes', () => {
    const spool = Spool.create();
    const plans = new MessageChannel();
    const posted: RenderThreadMessage[] = [];
    const next = new Int32Array(new SharedArrayBuffer(4));
    try {
      plans.port1.postMessage(null);
      serveRenderThread({ userSpaceDir: writeTeams(TEAMS).dir, teams: ['team-a', 'team-b', 'team-c'], next, spoolFile: spool.file, plans: plans.port2 }, { postMessage: (message: RenderThreadMessage) => posted.push(message) });
      expect(posted).toEqual([{ done: true }]);
      expect(next[0]).toBe(1);
    } finally {
      spool.close();
      plans.port1.close();
    }
  });

  it('stop when told to while rendering, rendering no team they claim after', () => {
    const teams = writeTeams(TEAMS);
    const spool = Spool.create();
    const plans = new MessageChannel();
    const posted: RenderThreadMessage[] = [];
    const next = new Int32Array(new SharedArrayBuffer(4));
    try {
      plans.port1.postMessage({ setup: setup(teams.dir), recorded: [undefined, undefined, undefined] });
      plans.port1.postMessage(null);
      serveRenderThread({ userSpaceDir: teams.dir, teams: ['team-a', 'team-b', 'team-c'], next, spoolFile: spool.file, plans: plans.port2 }, { postMessage: (message: RenderThreadMessage) => posted.push(message) });
      // The plan came with the first team, which it rendered; told to stop with the second, which it left.
      expect(posted.map((message) => ('done' in message ? 'done' : message.index))).toEqual([0, 'done']);
      expect(next[0]).toBe(2);
    } finally {
      spool.close();
      plans.port1.close();
    }
  });

  it('are stopped when the synth fails before it renders, which it reports', async () => {
    const out = path.join(ROOT, makeTempDir());
    const cache = { file: path.join(ROOT, makeTempDir(), 'cache.json'), codeVersion: 'test' };
    const userSpaceDir = writeTeams(TEAMS).dir;
    await synthesizeOnThreads({ userSpaceDir, out, cache }, { startThread: inThisThread(true), threads: 1 });
    // A file of the output that cannot be read, where the cache lists one: reading the output fails, after the other thread started.
    const namespaces = path.join(out, 'dev', 'namespaces', fs.readdirSync(path.join(out, 'dev', 'namespaces'))[0]);
    fs.rmSync(namespaces);
    fs.symlinkSync(path.join(out, 'gone'), namespaces);
    const rendered: number[] = [];
    const { startThread, done } = startedAtOnce(rendered);
    await expect(synthesizeOnThreads({ userSpaceDir, out, cache }, { startThread, threads: 2 })).rejects.toThrow(/ENOENT/);
    await Promise.all(done);
    expect(done).toHaveLength(1);
    expect(rendered).toEqual([]);
  });
});

describe('render threads that are workers', () => {
  /** A worker script that acts as a render thread would, as its workerData `act` says: renders two teams, stops early, or fails. */
  const script = path.join(tempDir('render-thread'), 'thread.js');
  fs.writeFileSync(
    script,
    [
      "const { parentPort, workerData } = require('worker_threads');",
      "if (workerData.act === 'fail') throw new Error('the render thread ran out of memory');",
      "if (workerData.act === 'cache') parentPort.postMessage({ index: 0, result: require('module').getCompileCacheDir() ?? 'none' });",
      "parentPort.postMessage({ index: 1, result: 'second' });",
      "if (workerData.act === 'stop') process.exit(3);",
      "parentPort.postMessage({ index: 0, result: 'first' });",
      'parentPort.postMessage({ done: true });',
    ].join('\n'),
  );
  const run = (act: string, rendered: unknown[][] = [], compileCache?: string) => workerThreads(script, compileCache)({ act, plans: new MessageChannel().port2 } as unknown as RenderThreadData, (...message) => rendered.push(message));

  it('runs the script given, with the data given, and hands over every team it posted before it was done', async () => {
    const rendered: unknown[][] = [];
    await run('render', rendered);
    expect(rendered).toEqual([
      [1, 'second'],
      [0, 'first'],
    ]);
  });

  it("turns on the main thread's compile cache, which Node does not share with workers", async () => {
    const cache = tempDir('compile-cache');
    const withCache: unknown[][] = [];
    await run('cache', withCache, cache);
    expect(withCache[0]).toEqual([0, expect.stringMatching(new RegExp(`^${cache}/v\\d`))]);
    // Tests run without one.
    const without: unknown[][] = [];
    await run('cache', without);
    expect(without[0]).toEqual([0, 'none']);
  });

  it('fails with the error a thread stops with, or because it stopped before it was done', async () => {
    await expect(run('fail')).rejects.toThrow('the render thread ran out of memory');
    await expect(run('stop')).rejects.toThrow('a render thread stopped (exit code 3) before it was done');
  });
});
