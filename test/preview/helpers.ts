import * as path from 'path';
import type { Instance } from '../../src/user-space/model';
import { loadRgds, readRgd, type Rgd, type RgdSet } from '../../src/preview/rgd';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(__dirname, 'fixtures');

/** The fixture RGDs of `test/preview/fixtures/<dir>`. */
export function fixtureRgds(dir = 'abstractions'): RgdSet {
  return loadRgds(ROOT, path.join(FIXTURES, dir));
}

/** A namespaced kro instance in the team-a workspace. */
export function instance(kind: string, name: string, spec: Record<string, unknown>): Instance {
  return { apiVersion: 'kro.run/v1alpha1', kind, metadata: { name, namespace: 'team-a' }, spec };
}

export const SOURCE = { file: 'user-space/team-a/app.yaml', line: 3, col: 1 };

/** The RGD `text` defines, read as the file `file`; one that cannot be read fails the test. */
export function rgdOf(text: string, file = 'rgds.yaml'): Rgd {
  const result = readRgd(file, text);
  if (!('rgd' in result)) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  return result.rgd;
}
