import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as net from 'net';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../src/paths';
import { FilesOnDisk, listTree } from '../src/synth/dist-folder';
import type { DistFiles } from '../src/synth/render';

/**
 * Why the repository is not the top of a git checkout, or undefined when it is: tests that read
 * its history (`preview --diff`, the files Git would commit) need one. A clone and Stryker's
 * sandbox (given a copy of .git by stryker.config.json) are; an unpacked archive is not.
 */
export const NOT_A_CHECKOUT: string | undefined = (() => {
  const top = spawnSync('git', ['-C', ROOT, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  return top.status === 0 && path.resolve(top.stdout.trim()) === ROOT ? undefined : `${ROOT} is not the top of a git checkout`;
})();

/** A Kubernetes object as read from YAML. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  [key: string]: unknown;
}

/** The temporary folders this test file made (every test file loads this module anew). */
const tempDirs: string[] = [];
// After the file's last test, not at the process's exit, which Jest's workers (and Stryker's
// runners, which run the tests thousands of times) never reach.
afterAll(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test file's last test. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mini-atlas-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/**
 * An App for charts under test, which writes nothing unless synthesized, and then into a
 * temporary folder (cdk8s's Testing.app() makes one each time and never removes it).
 */
export function testApp(): App {
  return new App({ outdir: tempDir('cdk8s') });
}

/** Every object in the YAML files of one cluster of a dist/ tree, with the file it came from. */
export function objectsOf(tree: ReadonlyMap<string, string>, cluster: string): Array<{ file: string; object: KubeObject }> {
  const result: Array<{ file: string; object: KubeObject }> = [];
  for (const [file, content] of tree) {
    if (!file.startsWith(`${cluster}/`) || !file.endsWith('.yaml') || file.endsWith('kustomization.yaml') || file.includes('/bootstrap/')) continue;
    for (const document of parseAllDocuments(content)) result.push({ file, object: document.toJS() as KubeObject });
  }
  return result;
}

/** The committed dist/ of the repository. */
export const COMMITTED_DIST = path.join(ROOT, 'dist');

/** `items` as an array, once it is checked to hold some: a loop over nothing asserts nothing. */
export function some<T>(items: Iterable<T>): T[] {
  const array = [...items];
  expect(array.length).toBeGreaterThan(0);
  return array;
}

/** Whether this is a CI run (`CI=true`), which must run every test. */
const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false';

/**
 * `describe` or `it` (`run`) for tests that need what `missing` names (a tool, a folder), as it is
 * when nothing is missing. Where something is, a developer's run skips them and says what is
 * missing; a CI run, which must run every test, fails instead.
 */
export function ifAvailable(run: jest.Describe | jest.It, missing: string | undefined): (name: string, body: () => void) => void {
  if (missing === undefined) return run;
  if (IN_CI) {
    return (name) =>
      it(name, () => {
        throw new Error(`cannot run here: ${missing}`);
      });
  }
  process.stderr.write(`skipped, as a CI run would not: ${missing}\n`);
  return run.skip;
}

/** `127.0.0.1:<port>` of a port that was free a moment ago and nothing listens on: a connection to it is refused. */
export async function refusingAddress(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

/** Every file under `folder` with its text, as synth reads an output; empty if it doesn't exist. */
export function readTree(folder: string): DistFiles {
  return new FilesOnDisk(folder, listTree(folder)).readAll();
}
