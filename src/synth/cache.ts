import { hash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { KindRef } from '../../charts/health-checks';
import { RUNNING_BUNDLE } from '../paths';
import type { LayerName } from '../../charts/layers';
import type { Problem } from '../user-space';
import type { TeamClaims } from '../user-space/claims';
import type { Part } from './changes';
import type { OutputFiles } from './dist-folder';
import { DOCUMENT_SEPARATOR, FilePart, TeamOutput } from './render';

/**
 * The incremental cache of `npm run synth`: what each team's files rendered to last time, so that
 * a synth renders again only the teams whose files changed and takes the others' output from
 * dist/ as it is. It lives in `.build/synth-cache/` (never in dist/, which Flux applies).
 *
 * It is trusted for nothing it does not prove. Its key covers everything outside the team
 * folders that a team's output depends on: the code that runs (the command's bundle, which holds
 * the platform's configuration, the abstractions and every package), the Node.js version, and
 * where the repository, the user space and the output are. A team is reused only when the
 * SHA-256 of its folder (every entry and the bytes of every YAML file) is the one recorded, and
 * only from a dist/ whose every file has the content the cache recorded (SHA-256) and that holds
 * no other file. Anything else (no cache, unreadable or cut short, another format, key or
 * dist/) means a full render. What crosses teams is never taken from the cache: the files all
 * teams share are put together again from every team's part, the platform's objects,
 * flux-system and CODEOWNERS are rendered again, and the hostnames and SOPS data keys of all
 * teams, reused or not, are checked across teams again.
 */

/** Bump when what the cache holds, or what an entry stands for, changes. */
const FORMAT = 1;

/** What the cache keeps of a team, besides its output. */
export interface TeamRecord {
  /** SHA-256 of the team's folder (TeamFolder.hash). */
  readonly input: string;
  /** The team's problems (a team in the cache has warnings at most). */
  readonly problems: readonly Problem[];
  readonly owners?: readonly string[];
  /** What the team claims that no other team may use (see TeamClaims). */
  readonly hosts: TeamClaims['hosts'];
  readonly secrets: TeamClaims['secrets'];
}

/** A team as the cache file holds it. */
interface CachedTeam extends TeamRecord {
  /** Per cluster, the index in `kindSets` of the kinds of the team's documents per layer. */
  readonly kinds: Readonly<Record<string, number>>;
}

/**
 * One file of dist/: its SHA-256 and its parts, as [team ('' for the platform), length, documents,
 * owned (1) or not (0), SHA-256 of the part's text ('' for the platform's, which is rendered again)].
 */
export interface CachedFile {
  readonly hash: string;
  readonly parts: readonly (readonly [string, number, number, number, string])[];
}

/** What the cache file holds. */
export interface CacheContent {
  readonly format: number;
  readonly key: string;
  readonly files: Readonly<Record<string, CachedFile>>;
  readonly teams: Readonly<Record<string, CachedTeam>>;
  /** Distinct kinds of a team's documents per layer (`apiVersion kind`): most teams have the same. */
  readonly kindSets: readonly Readonly<Record<string, readonly string[]>>[];
}

/** A team the cache lets synth reuse: its record, and its output on each cluster, taken from dist/. */
export interface ReusedTeam {
  readonly record: TeamRecord;
  readonly outputs: ReadonlyMap<string, TeamOutput>;
}

/** A cache proven to match dist/. */
export interface ValidCache {
  /** The hash of the team's folder when its output was cached, if it was. */
  inputOf(team: string): string | undefined;
  /** The team's record and output, when `input` is the hash the cache recorded for it. */
  reuse(team: string, input: string): ReusedTeam | undefined;
  /** The parts of dist/'s files, as they are now. */
  readonly parts: ReadonlyMap<string, readonly Part[]>;
}

/** Why the cache cannot be used (a full render follows), as `cache: <doubt>` shows it. */
export interface CacheDoubt {
  readonly doubt: string;
}

/** The cache file of the output folder `out`, in `folder`. */
export function cacheFile(folder: string, out: string): string {
  // Stryker disable next-line MethodExpression: the whole hash names the file as well as its first 16 characters
  return path.join(folder, `${sha256(path.resolve(out)).slice(0, 16)}.json`);
}

/**
 * The cache in `file`, if it was written for `key` and lists as many files as the output holds
 * (`files`), else why not: checked before the output is read, which only a cache that passes
 * needs (see checkCache).
 */
export function readCache(file: string, key: string, files: number): CacheContent | CacheDoubt {
  // Nothing to take from an empty output: the cache, megabytes for thousands of teams, is not read.
  if (files === 0) return { doubt: fs.existsSync(file) ? 'the output is empty' : 'none yet' };
  let content: CacheContent;
  try {
    content = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheContent;
  } catch (error) {
    return { doubt: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'none yet' : 'unreadable' };
  }
  if (!isCacheContent(content)) return { doubt: 'not one synth wrote' };
  if (content.format !== FORMAT || content.key !== key) return { doubt: 'written by other code, or for another user space or output' };
  if (Object.keys(content.files).length !== files) return { doubt: 'the output is not what it recorded' };
  return content;
}

/**
 * `content` (readCache's) checked against what the output holds now (`current`, and `hashes`:
 * the SHA-256 of each file's bytes): a ValidCache, or why not.
 */
export function checkCache(content: CacheContent, current: OutputFiles, hashes: ReadonlyMap<string, string>): ValidCache | CacheDoubt {
  const files = Object.keys(content.files);
  if (files.some((name) => !isRecord(content.files[name]) || hashes.get(name) !== content.files[name].hash)) return { doubt: 'the output is not what it recorded' };
  const parts = new Map<string, FilePart[]>();
  const byTeam = new Map<string, Map<string, Map<string, FilePart>>>();
  for (const name of files) {
    const split = splitParts(current.get(name)!, content.files[name].parts);
    if (!split) return { doubt: `it does not describe ${name}` };
    parts.set(name, split);
    const cluster = name.split('/')[0];
    for (const part of split.filter((candidate) => candidate.team)) {
      const clusters = byTeam.get(part.team!) ?? byTeam.set(part.team!, new Map()).get(part.team!)!;
      (clusters.get(cluster) ?? clusters.set(cluster, new Map()).get(cluster)!).set(name, part);
    }
  }
  if ([...byTeam.keys()].some((team) => !isRecord(content.teams[team]))) return { doubt: 'it does not describe every team in the output' };
  // One map per set of kinds, shared by the teams that have it, as by the teams rendered (see appliedKinds).
  const kindMaps = new Map<number, TeamOutput['kinds'] | undefined>();
  const kindsAt = (index: number) => {
    if (!kindMaps.has(index)) kindMaps.set(index, isKindSet(content.kindSets[index]) ? kindsOf(content.kindSets[index]) : undefined);
    return kindMaps.get(index);
  };
  return {
    parts,
    inputOf: (team) => (isTeamEntry(content.teams[team]) ? content.teams[team].input : undefined),
    reuse(team, input) {
      const entry = content.teams[team];
      if (!isTeamEntry(entry) || entry.input !== input) return undefined;
      const outputs = new Map<string, TeamOutput>();
      for (const [cluster, teamParts] of byTeam.get(team) ?? []) {
        const kinds = kindsAt(entry.kinds[cluster]);
        // Each part is what the team's input rendered to, not merely where the cache says it is.
        if (!kinds || [...teamParts.values()].some((part) => sha256(part.text) !== part.hash)) return undefined;
        outputs.set(cluster, { team, parts: teamParts, kinds });
      }
      const { input: recorded, problems, owners, hosts, secrets } = entry;
      return { record: { input: recorded, problems, owners, hosts, secrets }, outputs };
    },
  };
}

/** A file as the cache describes it: its content's SHA-256, and its parts (none for a file not made of documents). */
export function describeFile(hash: string, parts: readonly FilePart[] = []): CachedFile {
  return { hash, parts: parts.map((part) => [part.team ?? '', part.length ?? part.text.length, part.documents, part.owned ? 1 : 0, part.team ? (part.hash ?? sha256(part.text)) : ''] as const) };
}

/**
 * Writes the cache of a synth that wrote `written` (described by describeFile) for `teams`, under
 * a name no other process uses, then renamed: a reader sees the old cache or the whole new one.
 * It is written as it is put together, a file and a team at a time: as one object and one
 * string, the cache of 10,000 teams (13 MB) added 25 to 30 MiB to a synth's peak memory.
 */
export function writeCache(file: string, key: string, written: Iterable<readonly [string, CachedFile]>, teams: ReadonlyMap<string, ReusedTeam>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const out = new BatchedText(temporary);
  try {
    try {
      out.add(`{"format":${FORMAT},"key":${JSON.stringify(key)},"files":{`);
      out.addEntries(written);
      out.add('},"teams":{');
      const kindSets = new KindSets();
      out.addEntries(cachedTeams(teams, kindSets));
      out.add(`},"kindSets":${JSON.stringify(kindSets.list)}}`);
    } finally {
      out.close();
    }
  } catch (error) {
    fs.rmSync(temporary);
    throw error;
  }
  fs.renameSync(temporary, file);
  forgetOldCaches(path.dirname(file));
}

function* cachedTeams(teams: ReadonlyMap<string, ReusedTeam>, kindSets: KindSets): Generator<readonly [string, CachedTeam]> {
  for (const [team, { record, outputs }] of teams) yield [team, { ...record, kinds: kindSets.indexes(outputs) }];
}

/** The distinct kinds of the teams' documents per layer, each kept once (see CacheContent.kindSets). */
class KindSets {
  readonly list: Record<string, string[]>[] = [];
  private readonly indexOf = new Map<string, number>();

  /** Per cluster, the index in `list` of the kinds of a team's output there. */
  indexes(outputs: ReadonlyMap<string, TeamOutput>): Record<string, number> {
    const kinds: Record<string, number> = {};
    for (const [cluster, output] of outputs) {
      const set = Object.fromEntries([...output.kinds].map(([layer, refs]) => [layer, refs.map((ref) => `${ref.apiVersion} ${ref.kind}`)]));
      const text = JSON.stringify(set);
      if (!this.indexOf.has(text)) this.indexOf.set(text, this.list.push(set) - 1);
      kinds[cluster] = this.indexOf.get(text)!;
    }
    return kinds;
  }
}

/** Characters of the cache put together before they are written. */
export const CACHE_BATCH = 1 << 20;

/** Text written to `file` in batches of CACHE_BATCH characters. */
class BatchedText {
  private readonly fd: number;
  private pending: string[] = [];
  private length = 0;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  add(text: string): void {
    this.pending.push(text);
    this.length += text.length;
    // Stryker disable next-line EqualityOperator: a batch of exactly CACHE_BATCH characters written with the next one is as good
    if (this.length >= CACHE_BATCH) this.flush();
  }

  /** `entries` as the members of a JSON object, separated by commas. */
  addEntries(entries: Iterable<readonly [string, unknown]>): void {
    let first = true;
    for (const [name, value] of entries) {
      this.add(`${first ? '' : ','}${JSON.stringify(name)}:${JSON.stringify(value)}`);
      first = false;
    }
  }

  close(): void {
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
  }

  private flush(): void {
    fs.writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.length = 0;
  }
}

/** Caches kept, one per output folder, the most recently written: a cache forgotten costs one full render. */
const CACHES_KEPT = 8;

/** Removes all but the CACHES_KEPT newest caches of `folder` (outputs of tests and benchmarks come and go). */
function forgetOldCaches(folder: string): void {
  const caches = fs.readdirSync(folder).filter((name) => name.endsWith('.json')).map((name) => path.join(folder, name));
  const byAge = caches.flatMap((cache) => {
    try {
      return [{ cache, written: fs.statSync(cache).mtimeMs }];
    } catch {
      return []; // removed meanwhile by another synth
    }
  });
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: `force` is for a cache another synth removes between the listing and here, which no test can time
  for (const { cache } of byAge.sort((a, b) => b.written - a.written).slice(CACHES_KEPT)) fs.rmSync(cache, { force: true });
}

/** The shape of a team's entry: one that is not is as good as missing, and the team is rendered. */
function isTeamEntry(value: unknown): value is CachedTeam {
  const entry = value as Partial<CachedTeam> | undefined;
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string');
  return (
    isRecord(entry) &&
    typeof entry.input === 'string' &&
    Array.isArray(entry.problems) &&
    entry.problems.every((problem) => isRecord(problem) && isRecord(problem.location) && typeof problem.message === 'string') &&
    (entry.owners === undefined || strings(entry.owners)) &&
    Array.isArray(entry.hosts) &&
    entry.hosts.every((host) => strings(host) && host.length === 2) &&
    Array.isArray(entry.secrets) &&
    entry.secrets.every((secret) => Array.isArray(secret) && typeof secret[0] === 'string' && strings(secret[1])) &&
    isRecord(entry.kinds)
  );
}

/** The shape of a set of kinds per layer: `apiVersion kind` strings. */
function isKindSet(value: unknown): value is Readonly<Record<string, readonly string[]>> {
  return isRecord(value) && Object.values(value).every((refs) => Array.isArray(refs) && refs.every((ref) => typeof ref === 'string' && ref.includes(' ')));
}

/** The shape of a cache file, checked before it is trusted with anything. */
function isCacheContent(value: unknown): value is CacheContent {
  const content = value as Partial<CacheContent> | null;
  return isRecord(content) && typeof content.format === 'number' && typeof content.key === 'string' && isRecord(content.files) && isRecord(content.teams) && Array.isArray(content.kindSets);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `text` cut into the parts the cache says it has, or undefined when they do not make it up exactly. */
function splitParts(text: string, recorded: CachedFile['parts'] | undefined): FilePart[] | undefined {
  if (!Array.isArray(recorded)) return undefined;
  const parts: FilePart[] = [];
  let at = 0;
  for (const [index, entry] of recorded.entries()) {
    if (!Array.isArray(entry)) return undefined;
    const [team, length, documents, owned, hash] = entry;
    if (index > 0) {
      if (!text.startsWith(DOCUMENT_SEPARATOR, at)) return undefined;
      at += DOCUMENT_SEPARATOR.length;
    }
    // A length past the end leaves `at` beyond it: no separator and no end of the file follow, so the record is refused all the same.
    if (typeof team !== 'string' || !Number.isInteger(length) || length < 1 || !Number.isInteger(documents) || typeof hash !== 'string') return undefined;
    parts.push({ ...(team ? { team, hash } : {}), text: text.slice(at, at + length), documents, owned: owned === 1 });
    at += length;
  }
  return recorded.length === 0 || at === text.length ? parts : undefined;
}

/** Kinds per layer, from `apiVersion kind` strings. */
function kindsOf(set: Readonly<Record<string, readonly string[]>>): Map<LayerName, KindRef[]> {
  return new Map(Object.entries(set).map(([layer, refs]) => [layer as LayerName, refs.map((ref) => ({ apiVersion: ref.slice(0, ref.indexOf(' ')), kind: ref.slice(ref.indexOf(' ') + 1) }))]));
}

/**
 * The version of the code that runs, when it runs from one of the commands' esbuild bundles
 * (bin/mini-atlas.js, `npm run synth`): the SHA-256 of the bundle, which holds every line that
 * runs (the platform's configuration, the charts, the abstractions and the packages), and of the
 * Node.js version. Undefined when run from the sources (tests, ts-node), whose code is many
 * files: no cache is used then, rather than one that might be stale.
 */
export function runningBundleVersion(): string | undefined {
  // Stryker disable next-line all: tests run the sources, where RUNNING_BUNDLE is undefined; test/user-space/synth.test.ts runs the bundle, in a child process that Stryker's mutants do not reach
  return RUNNING_BUNDLE && sha256(Buffer.concat([Buffer.from(`${process.version}\n`), fs.readFileSync(RUNNING_BUNDLE)]));
}

/** SHA-256 of `data`, in hex; one call, without a Hash object (a synth hashes tens of thousands of small parts). */
export function sha256(data: string | Buffer): string {
  return hash('sha256', data);
}
