/**
 * What `npm run import` imports, from the two places versions are pinned: the CRD URLs of
 * cdk8s.yaml and the charts of config/versions.ts that ship a values schema.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { CHARTS, type ChartVersion } from '../../config/versions';
import { UsageError } from '../cli/usage-error';

/** One upstream file to import. */
export type ImportSource =
  /** A CRD: typed classes (cdk8s import, as `module`) and a compact schema. */
  | { readonly type: 'crd'; readonly module: string; readonly url: string }
  /** A chart's values.schema.json, copied as it is. */
  | { readonly type: 'values-schema'; readonly chart: string; readonly version: string; readonly url: string };

/** The CRDs of cdk8s.yaml's `imports` (`module:=url`) and the values schemas of `charts`. */
export function pinnedSources(root: string, charts: readonly ChartVersion[] = Object.values(CHARTS)): ImportSource[] {
  const config = parse(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8')) as { imports?: string[] };
  const crds = (config.imports ?? []).map((entry): ImportSource => {
    const [module, url] = entry.split(':=');
    return { type: 'crd', module, url };
  });
  const schemas = charts
    .filter((chart) => chart.valuesSchema)
    .map((chart): ImportSource => ({ type: 'values-schema', chart: chart.chart, version: chart.version, url: chart.valuesSchema!.replaceAll('{version}', chart.version) }));
  return [...crds, ...schemas];
}

/** Local folders standing in for the upstream URLs (offline imports). */
export interface LocalFolders {
  /** CRD files, named like the URL's last segment (optionally after a `prefix-`). */
  readonly crds?: string;
  /** Unpacked charts, one `<chart>-<version>/` folder each. */
  readonly charts?: string;
}

/** The local file standing in for `source`, or undefined when its kind is read from the URL. */
export function localFile(source: ImportSource, folders: LocalFolders): string | undefined {
  if (source.type === 'crd') return folders.crds === undefined ? undefined : localCrd(folders.crds, source.url);
  if (folders.charts === undefined) return undefined;
  const file = path.join(folders.charts, `${source.chart}-${source.version}`, 'values.schema.json');
  if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist: ${folders.charts} must hold the chart ${source.chart} ${source.version} unpacked as ${source.chart}-${source.version}/`);
  return file;
}

/**
 * The local copy of an upstream CRD: the file named like the URL's last segment, or ending in it
 * after a prefix (`strimzi-040-Crd-kafka.yaml` for `.../040-Crd-kafka.yaml`).
 */
function localCrd(folder: string, url: string): string {
  const name = path.basename(url);
  const matches = fs.readdirSync(folder).filter((file) => file === name || file.endsWith(`-${name}`) || file.endsWith(`_${name}`));
  if (matches.length !== 1) {
    throw new UsageError(`${folder} must hold exactly one file named like ${name}, found ${matches.length ? matches.join(', ') : 'none'}`);
  }
  return path.join(folder, matches[0]);
}

/** How a source is named in messages and in the lock file. */
export function sourceName(source: ImportSource): string {
  return source.type === 'crd' ? source.module : source.chart;
}
