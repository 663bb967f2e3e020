import * as path from 'path';

/**
 * What `npm run import` writes under `imports/` (relative paths): the typed classes of
 * `cdk8s import` beside these.
 */
export const IMPORTS_LAYOUT = {
  /** Compact CRD schemas, one `<kind>.<group>.json` each. */
  crds: 'crds',
  /** Charts' own values schemas, one `<chart>.values.schema.json` each. */
  charts: 'charts',
  /** Every imported source with its URL and SHA-256. */
  lock: 'lock.json',
} as const;

/** The imports/ folder of the repository at `root`. */
export function importsDir(root: string): string {
  return path.join(root, 'imports');
}

/** Where a chart's imported values schema lives in `imports`. */
export function valuesSchemaFile(chart: string): string {
  return path.join(IMPORTS_LAYOUT.charts, `${chart}.values.schema.json`);
}

/** The compact CRD schemas of the repository at `root`, which preview and the tests check objects against. */
export function crdSchemaDir(root: string): string {
  return path.join(importsDir(root), IMPORTS_LAYOUT.crds);
}
