import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
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

export { runInProcess } from '../in-process';
