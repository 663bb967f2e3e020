/**
 * `mini-atlas import`: regenerates imports/ from the pinned upstream sources (cdk8s.yaml's CRDs,
 * the values schemas of config/versions.ts's charts): typed classes by `cdk8s import`, compact
 * CRD schemas, the charts' values schemas, and a lock file naming each source's URL and SHA-256,
 * and each OCI chart's tag with the digest its registry serves (compared with config/versions.ts).
 * Everything is generated beside imports/ and swapped in only when every source imported.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs, type CommandSpec } from '../cli/args';
import { UsageError } from '../cli/usage-error';
import { ROOT } from '../paths';
import { vendorBootstrapManifests } from './bootstrap-manifests';
import { compactCrd, crdSchemaFile } from './crd-schema';
import { fetchOrRefuse } from './fetch';
import { IMPORTS_LAYOUT, importsDir, valuesSchemaFile } from './layout';
import { CHARTS, isOciChart, type ChartVersion } from '../../config/versions';
import { ociReference, referenceName, resolveDigest } from './oci-digest';
import { localFile, pinnedSources, sourceName, type ImportSource, type LocalFolders } from './sources';

export const IMPORT_COMMAND: CommandSpec = {
  name: 'import',
  summary:
    'Regenerates imports/ from the pinned upstream sources: the CRDs listed in cdk8s.yaml (typed classes and compact schemas) and the values.schema.json of each chart in config/versions.ts that ships one, with the SHA-256 of every source in imports/lock.json; the digest the registry of each OCI chart serves for its tag, also in imports/lock.json and compared with config/versions.ts (what to paste is printed; exit 1 if a pinned tag now has other bytes); and the manifests cluster/bootstrap.sh applies (config/versions.ts BOOTSTRAP_MANIFESTS) into cluster/<folder>/ with a SHA256SUMS. Reads the upstream URLs and registries unless told to read local copies (offline, the digests recorded before are kept).',
  options: [
    { flag: '--from', value: '<folder>', description: 'Read the CRDs from this folder (files named like the URLs\' last segment) instead of their URLs.' },
    {
      flag: '--charts-from',
      value: '<folder>',
      description: 'Read the values schemas from this folder of unpacked charts (<chart>-<version>/values.schema.json) instead of their URLs.',
      default: 'the folder "charts" beside the --from folder, when there is one',
    },
  ],
  examples: ['npm run import  # from the upstream URLs', 'npm run import -- --from <copies>/crds  # offline: local copies (charts from ../charts)'],
};

/** One imported source, as imports/lock.json records it. */
export interface LockEntry {
  readonly url: string;
  readonly sha256: string;
  /** The chart version, for values schemas. */
  readonly version?: string;
  /** The schema file generated from it, relative to imports/. */
  readonly schema: string;
}

/** An OCI chart's tag as the registry resolved it, as imports/lock.json records it. */
export interface OciChartLock {
  /** `oci://<registry>/<repository>:<tag>`. */
  readonly url: string;
  /** The manifest's digest the registry served for the tag. */
  readonly digest: string;
}

/** imports/lock.json: every source by its name in cdk8s.yaml or config/versions.ts. */
export interface ImportLock {
  readonly crds: Record<string, LockEntry>;
  readonly charts: Record<string, LockEntry>;
  /** The digest of each OCI chart's tag, by chart name (absent in a lock written before digests were recorded). */
  readonly ociCharts?: Record<string, OciChartLock>;
}

/** What one import reads and where it writes. */
export interface ImportOptions {
  /** The repository (cdk8s is run from its node_modules). */
  readonly root: string;
  readonly sources: readonly ImportSource[];
  /** Local copies that stand in for the URLs. @default none: everything from its URL */
  readonly folders?: LocalFolders;
  /** The folder replaced by the result. @default imports/ of `root` */
  readonly out?: string;
  /** The OCI charts' digests to record. @default none */
  readonly ociCharts?: Record<string, OciChartLock>;
}

/** Runs the command; returns the exit code. */
export async function runImport(args: string[]): Promise<number> {
  const { values } = parseArgs(args, IMPORT_COMMAND);
  const crds = values.get('--from');
  const charts = chartsFolder(crds, values.get('--charts-from'));
  for (const [flag, folder] of [['--from', crds], ['--charts-from', charts]] as const) {
    if (folder === undefined || fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) continue;
    throw new UsageError(`${flag} ${folder} ${fs.existsSync(folder) ? 'is a file' : 'does not exist'}: give the folder that holds the pinned ${flag === '--from' ? 'CRD files, named like the last segment of their URLs in cdk8s.yaml' : 'charts, each unpacked as <chart>-<version>/'}`);
  }
  const sources = pinnedSources(ROOT);
  const previous = readLock(path.join(importsDir(ROOT), IMPORTS_LAYOUT.lock));
  const offline = crds !== undefined;
  const ociCharts = offline ? keptOciCharts(previous, CHARTS) : await resolveOciCharts(CHARTS);
  const lock = await importSources({ root: ROOT, sources, folders: { crds: crds && path.resolve(crds), charts: charts && path.resolve(charts) }, ociCharts });
  process.stdout.write(`import: ${Object.keys(lock.crds).length} CRDs and ${Object.keys(lock.charts).length} chart values schemas into imports/\n`);
  const copied = await vendorBootstrapManifests(ROOT, crds && path.resolve(crds));
  process.stdout.write(`import: ${copied.join(', ')} for cluster/bootstrap.sh, with their SHA256SUMS\n`);
  for (const change of changedUnderSameUrl(previous, lock)) process.stdout.write(`import: ${change}\n`);
  const report = digestReport(CHARTS, ociCharts, offline);
  for (const line of report.lines) process.stdout.write(`import: ${line}\n`);
  for (const line of report.moved) process.stderr.write(`import: ${line}\n`);
  return report.moved.length ? 1 : 0;
}

/**
 * Where the values schemas are read from: `--charts-from`, else the folder `charts` beside the
 * `--from` folder when there is one (a copy of the pinned sources keeps `crds/` and `charts/`
 * side by side), else their URLs (undefined).
 */
export function chartsFolder(crdsFrom: string | undefined, chartsFrom: string | undefined): string | undefined {
  if (chartsFrom !== undefined || crdsFrom === undefined) return chartsFrom;
  const sibling = path.join(path.resolve(crdsFrom), '..', 'charts');
  return fs.existsSync(sibling) ? sibling : undefined;
}

/** The OCI charts of `charts`, by their key in CHARTS. */
function ociCharts(charts: Readonly<Record<string, ChartVersion>>): Array<[string, ChartVersion]> {
  return Object.entries(charts).filter(([, chart]) => isOciChart(chart));
}

/** `oci://...:<tag>` of an OCI chart, as the lock records it. */
function ociChartUrl(chart: ChartVersion): string {
  return referenceName(ociReference(chart.repository, chart.version));
}

/** Each OCI chart's tag resolved to its digest by its registry, by chart name. */
export async function resolveOciCharts(charts: Readonly<Record<string, ChartVersion>>): Promise<Record<string, OciChartLock>> {
  const resolved: Record<string, OciChartLock> = {};
  for (const [, chart] of ociCharts(charts)) {
    resolved[chart.chart] = { url: ociChartUrl(chart), digest: await resolveDigest(ociReference(chart.repository, chart.version)) };
  }
  return resolved;
}

/** Offline, the digests the previous lock recorded for the same tags: nothing is resolved, nothing forgotten. */
export function keptOciCharts(previous: ImportLock | undefined, charts: Readonly<Record<string, ChartVersion>>): Record<string, OciChartLock> {
  const kept: Record<string, OciChartLock> = {};
  for (const [, chart] of ociCharts(charts)) {
    const entry = previous?.ociCharts?.[chart.chart];
    if (entry && entry.url === ociChartUrl(chart)) kept[chart.chart] = entry;
  }
  return kept;
}

/**
 * What the recorded digests mean for config/versions.ts: each OCI chart's digest matches the pin,
 * is there to paste (no pin yet), was not resolved (offline), or differs from the pin (`moved`:
 * the registry now serves other bytes under the reviewed tag).
 */
export function digestReport(charts: Readonly<Record<string, ChartVersion>>, recorded: Readonly<Record<string, OciChartLock>>, offline: boolean): { lines: string[]; moved: string[] } {
  const lines: string[] = [];
  const moved: string[] = [];
  for (const [name, chart] of ociCharts(charts)) {
    const entry = recorded[chart.chart];
    const what = `${chart.chart} ${chart.version}`;
    if (!entry) lines.push(`${what}: digest not resolved (offline import); run \`npm run import\` online to resolve ${ociChartUrl(chart)}`);
    else if (chart.digest === entry.digest) lines.push(`${what}: ${entry.digest} matches config/versions.ts${offline ? ' (recorded before; offline, not resolved again)' : ''}`);
    else if (chart.digest === undefined) lines.push(`${what}: ${entry.url} is ${entry.digest}; to pin it, paste digest: '${entry.digest}' into CHARTS.${name} in config/versions.ts and drop its exceptions.digest`);
    else moved.push(`${what}: ${entry.url} is now ${entry.digest}, but config/versions.ts pins ${chart.digest}: the tag was moved to other bytes; find out why before changing the pin`);
  }
  return { lines, moved };
}

/**
 * The sources whose content changed while their URL stayed the same (a moved tag, a branch, a
 * replaced file upstream, or a local copy that differs from upstream): a version bump changes the
 * URL, so anything listed here deserves a look before the imports are committed.
 */
export function changedUnderSameUrl(previous: ImportLock | undefined, current: ImportLock): string[] {
  const changes: string[] = [];
  for (const kind of ['crds', 'charts'] as const) {
    for (const [name, entry] of Object.entries(current[kind])) {
      const before = previous?.[kind]?.[name];
      if (before && before.url === entry.url && before.sha256 !== entry.sha256) {
        changes.push(`${name}: ${entry.url} changed although its URL did not (SHA-256 ${before.sha256.slice(0, 12)}… is now ${entry.sha256.slice(0, 12)}…); review the diff of imports/ before committing it`);
      }
    }
  }
  return changes;
}

function readLock(file: string): ImportLock | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ImportLock;
  } catch {
    return undefined;
  }
}

/** Imports every source into a staging folder, then replaces `out` with it; returns the lock written. */
export async function importSources(options: ImportOptions): Promise<ImportLock> {
  const out = options.out ?? importsDir(options.root);
  const staging = fs.mkdtempSync(path.join(path.dirname(out), '.imports-'));
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'mini-atlas-import-'));
  try {
    fs.mkdirSync(path.join(staging, IMPORTS_LAYOUT.crds));
    fs.mkdirSync(path.join(staging, IMPORTS_LAYOUT.charts));
    const lock: ImportLock = { crds: {}, charts: {}, ociCharts: options.ociCharts ?? {} };
    for (const source of options.sources) {
      const file = localFile(source, options.folders ?? {}) ?? (await download(source, downloads));
      const bytes = fs.readFileSync(file);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (source.type === 'crd') {
        const crd = compactCrd(bytes.toString('utf8'), `${source.module} (${source.url})`);
        const schema = path.join(IMPORTS_LAYOUT.crds, crdSchemaFile(crd.group, crd.kind));
        fs.writeFileSync(path.join(staging, schema), `${JSON.stringify(crd, null, 2)}\n`);
        cdk8sImport(options.root, `${source.module}:=${file}`, staging);
        lock.crds[source.module] = { url: source.url, sha256, schema };
      } else {
        parseJson(bytes, `the values schema of ${source.chart} ${source.version} (${source.url})`);
        const schema = valuesSchemaFile(source.chart);
        fs.writeFileSync(path.join(staging, schema), bytes);
        lock.charts[source.chart] = { version: source.version, url: source.url, sha256, schema };
      }
    }
    fs.writeFileSync(path.join(staging, IMPORTS_LAYOUT.lock), `${JSON.stringify(lock, null, 2)}\n`);
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(staging, out);
    return lock;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(downloads, { recursive: true });
  }
}

/** Downloads `source` into `folder`; a failure is one sentence naming the URL. */
async function download(source: ImportSource, folder: string): Promise<string> {
  const response = await fetchOrRefuse(source.url, (reason) => `cannot download ${source.url} (${sourceName(source)}): ${reason}; offline, import from local copies with --from and --charts-from`);
  if (!response.ok) throw new UsageError(`${source.url} (${sourceName(source)}) answered ${response.status} ${response.statusText}`);
  const file = path.join(folder, `${sourceName(source)}-${path.basename(new URL(source.url).pathname)}`);
  fs.writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  return file;
}

/** `cdk8s import` of one CRD into `out`: given several specs, cdk8s-cli 2.207 fails after the first. */
function cdk8sImport(root: string, spec: string, out: string): void {
  const before = fs.readdirSync(out).length;
  const cdk8s = path.join(root, 'node_modules', '.bin', 'cdk8s');
  // Stryker disable next-line ArrayDeclaration: stdout is not kept (cdk8s prints its progress there); kept, no test could tell
  const result = spawnSync(cdk8s, ['import', '--no-save', '--no-check-upgrade', '--output', out, spec], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0 || fs.readdirSync(out).length === before) throw new UsageError(`cdk8s import ${spec} failed: ${result.error?.message ?? lastLine(result.stderr)}`);
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new UsageError(`${what} is not JSON: ${(error as Error).message}`);
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] || 'no output';
}
