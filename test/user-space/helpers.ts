import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { execute, type Command } from '../../src/cli/run';
import { formatProblem, loadUserSpace, UserSpace } from '../../src/user-space';

export const ROOT = path.resolve(__dirname, '..', '..');

/** Files of a user-space tree, by path relative to it (`team-x/app.yaml`); Buffers are written as they are. */
export type TreeFiles = Record<string, string | Buffer>;

/** One problem, its location relative to the fixture's user-space folder. */
export interface ReportedProblem {
  /** `team-x/app.yaml:4:3` */
  readonly at: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** A temporary user-space folder inside the repository, so problem paths are short and relative. */
export interface UserSpaceFixture {
  /** Absolute path of the user-space folder. */
  readonly dir: string;
  /** The same, relative to the repository root (the prefix of every problem's file). */
  readonly rel: string;
  /** Adds or replaces files. */
  write(files: TreeFiles): void;
  /** Deletes a file, or a folder with everything in it. */
  remove(file: string): void;
  load(): UserSpace;
  /** `load().problems` through formatProblem, split back into location, severity and message. */
  problems(): ReportedProblem[];
}

const created: string[] = [];

/** Writes `files` into a fresh `.test-user-space-*` folder; `removeFixtures` deletes it. */
export function writeTeams(files: TreeFiles = {}): UserSpaceFixture {
  const rel = makeTempDir();
  const dir = path.join(ROOT, rel);
  const fixture: UserSpaceFixture = {
    dir,
    rel,
    write(more) {
      for (const [file, content] of Object.entries(more)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
      }
    },
    remove(file) {
      fs.rmSync(path.join(dir, file), { recursive: true });
    },
    load: () => loadUserSpace({ root: ROOT, userSpaceDir: dir }),
    problems: () => fixture.load().problems.map((problem) => parseProblem(formatProblem(problem), rel)),
  };
  fixture.write(files);
  return fixture;
}

/** An empty `.test-user-space-*` folder (e.g. for `synth --out`), deleted by `removeFixtures`; relative to the repository root. */
export function makeTempDir(): string {
  const dir = fs.mkdtempSync(path.join(ROOT, '.test-user-space-'));
  created.push(dir);
  return path.relative(ROOT, dir);
}

/** Deletes every fixture folder made so far; call it from afterAll. */
export function removeFixtures(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

const PROBLEM_LINE = /^(\S+?:\d+:\d+): (error|warning): (.+)$/;

/**
 * Splits a `<file>:<line>:<col>: <severity>: <message>` line; the file must be inside the
 * fixture's folder (its path relative to the repository root), which is then left off.
 */
export function parseProblem(line: string, rel: string): ReportedProblem {
  const match = PROBLEM_LINE.exec(line);
  if (!match || !match[1].startsWith(`${rel}/`)) throw new Error(`not a problem line of ${rel}/: ${line}`);
  return { at: match[1].slice(rel.length + 1), severity: match[2] as ReportedProblem['severity'], message: match[3] };
}

/** The Workspace document of `team`, in the seed's flow style, owned by `@acme/<team>` unless `owners` says otherwise. */
export function workspace(team: string, owners: readonly string[] = [`@acme/${team}`]): string {
  const ownersField = owners.length ? `, owners: [${owners.map((owner) => JSON.stringify(owner)).join(', ')}]` : '';
  return `apiVersion: kro.run/v1alpha1\nkind: Workspace\nmetadata: {name: ${team}}\nspec: {name: ${team}${ownersField}}\n`;
}

/** A valid WebApplication of `team`, block style, `spec` fields one a line from line 7. */
export function webApplication(team: string, name: string, host: string, extraSpec = ''): string {
  return [
    'apiVersion: kro.run/v1alpha1',
    'kind: WebApplication',
    'metadata:',
    `  name: ${team}-${name}`,
    `  namespace: ${team}`,
    'spec:',
    '  image: ghcr.io/acme/web',
    '  tag: "1.2.3"',
    `  host: ${host}`,
    ...(extraSpec ? [extraSpec] : []),
    '',
  ].join('\n');
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/mini-atlas.js <args>` from the repository root. */
export function runCli(...args: string[]): CliResult {
  const result = spawnSync('node', ['bin/mini-atlas.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The commands tests run in their own process, each loaded only when a test runs it. Not status,
 * logs, dashboard and kubeconfig: @kubernetes/client-node is an ES module, which Jest's CommonJS
 * runtime cannot load, so their tests run them in a child process (test/status/fake-cluster.ts).
 */
const COMMANDS = {
  validate: async (): Promise<Command> => (await import('../../src/user-space/command')).runValidate,
  synth: async (): Promise<Command> => (await import('../../src/synth/command')).runSynth,
  preview: async (): Promise<Command> => (await import('../../src/preview/command')).runPreview,
  new: async (): Promise<Command> => (await import('../../src/new/command')).runNew,
};

/** The run in progress: one at a time, since a run takes over stdout and stderr. */
let running: Promise<unknown> = Promise.resolve();

/**
 * Runs a command in this process, as `bin/mini-atlas.js` runs it in its own: the same exit code and
 * output, without starting Node.js and, unlike a child process, seen by Stryker as covered by the
 * test that runs it.
 */
export function runInProcess(name: keyof typeof COMMANDS, ...args: string[]): Promise<CliResult> {
  const run = running.then(async () => {
    const command = await COMMANDS[name]();
    const output = { stdout: '', stderr: '' };
    const streams = { stdout: process.stdout, stderr: process.stderr } as const;
    const writes = { stdout: streams.stdout.write, stderr: streams.stderr.write };
    for (const name of ['stdout', 'stderr'] as const) {
      streams[name].write = ((chunk: string | Uint8Array) => {
        output[name] += chunk.toString();
        return true;
      }) as typeof process.stdout.write;
    }
    try {
      const status = await execute(command, args);
      return { status, ...output };
    } finally {
      streams.stdout.write = writes.stdout;
      streams.stderr.write = writes.stderr;
    }
  });
  running = run.catch(() => undefined);
  return run;
}
