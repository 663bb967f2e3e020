import * as path from 'path';

/** The repository root, whether running from sources (ts-jest, tsc) or from the esbuild bundle in .build/. */
export const ROOT = findRoot(__dirname);

/** The nearest folder at or above `start` that holds cdk8s.yaml. */
export function findRoot(start: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('fs') as typeof import('fs');
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'cdk8s.yaml'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no cdk8s.yaml above ${start}`);
    dir = parent;
  }
  return dir;
}

/**
 * The esbuild bundle this code runs from (bin/mini-atlas.js builds one per command, into .build/),
 * or undefined when it runs from the sources (ts-jest, ts-node).
 */
// Stryker disable next-line MethodExpression: tests run this file from its sources (.ts), where both are undefined; the bundles run in child processes, which Stryker's mutants do not reach
export const RUNNING_BUNDLE: string | undefined = __filename.endsWith('.js') ? __filename : undefined;
