import * as fs from 'fs';
import * as path from 'path';
import { generateTeams } from '../../bench/generate-teams';
import { formatProblem } from '../../src/user-space';
import { synthesize, SynthOptions, SynthResult } from '../../src/synth/command';
import { CACHE_BATCH, cacheFile, checkCache, describeFile, readCache, sha256, ValidCache, writeCache, type CachedFile } from '../../src/synth/cache';
import type { OutputFiles } from '../../src/synth/dist-folder';
import { readTree, tempDir } from '../helpers';

/**
 * The incremental cache may make synth faster, never different: every test ends with the output
 * a full render of the same team files writes, byte for byte, whatever state the cache is in.
 */

const FIXTURE_TEAMS = path.join(__dirname, '..', 'platform', 'fixtures', 'user-space');
const CODE = 'the code of this test';

/** A user space (the fixture teams, with overrides and a Secret, and two generated teams), an output folder and a cache file. */
interface Scene {
  readonly userSpace: string;
  readonly out: string;
  readonly cache: string;
}

/** One temporary folder for all: a folder of its own for each scene and each full render. */
const TEMP = tempDir('cache');
const folder = (prefix: string) => fs.mkdtempSync(path.join(TEMP, prefix));

function scene(): Scene {
  const root = folder('scene-');
  const userSpace = path.join(root, 'user-space');
  fs.cpSync(FIXTURE_TEAMS, userSpace, { recursive: true });
  generateTeams(path.join(root, 'generated'), 2);
  fs.cpSync(path.join(root, 'generated', 'user-space'), userSpace, { recursive: true });
  return { userSpace, out: path.join(root, 'dist'), cache: path.join(root, 'cache', 'synth.json') };
}

function synth({ userSpace, out, cache }: Scene, options: Partial<SynthOptions> = {}): SynthResult {
  return synthesize({ userSpaceDir: userSpace, out, cache: { file: cache, codeVersion: CODE }, ...options });
}

/** What a full render of the scene's team files writes, into a folder of its own, without a cache; and its result. */
function fullRender({ userSpace }: Scene): { tree: Map<string, string>; result: SynthResult } {
  const out = path.join(folder('full-'), 'dist');
  const result = synthesize({ userSpaceDir: userSpace, out });
  return { tree: readTree(out), result };
}

/** The output and the CODEOWNERS that go with it are those of a full render. */
function expectFullRenderOutput(at: Scene, result: SynthResult): void {
  const full = fullRender(at);
  expect(readTree(at.out)).toEqual(full.tree);
  expect(result.codeOwners).toBe(full.result.codeOwners);
  expect(result.problems.map(formatProblem)).toEqual(full.result.problems.map(formatProblem));
}

const web = (at: Scene) => path.join(at.userSpace, 'team-0001', 'web.yaml');
const changeOneTeam = (at: Scene) => fs.writeFileSync(web(at), fs.readFileSync(web(at), 'utf8').replace(/replicas: \d+/, 'replicas: 4'));

describe('a synth with the incremental cache', () => {
  it('renders only the team whose files changed, and writes what a full render writes', () => {
    const at = scene();
    expect(synth(at).render).toEqual({ reused: 0, rendered: 4, threads: 1, doubt: 'none yet' });
    changeOneTeam(at);
    const result = synth(at);
    expect(result.render).toEqual({ reused: 3, rendered: 1, threads: 1 });
    expect(result.changes).toMatchObject({ added: 0, changed: 2, removed: 0 });
    expectFullRenderOutput(at, result);
  });

  it('renders every team into an empty output, without reading the cache', () => {
    const at = scene();
    synth(at);
    fs.rmSync(at.out, { recursive: true });
    const result = synth(at);
    expect(result.render).toEqual({ reused: 0, rendered: 4, threads: 1, doubt: 'the output is empty' });
    expectFullRenderOutput(at, result);
  });

  it('goes by content, not by time: a file written again with the same bytes changes nothing', () => {
    const at = scene();
    synth(at);
    fs.writeFileSync(web(at), fs.readFileSync(web(at)));
    fs.utimesSync(web(at), new Date(), new Date(Date.now() + 60_000));
    expect(synth(at)).toMatchObject({ render: { reused: 4, rendered: 0 }, changes: { added: 0, changed: 0, removed: 0 } });
  });

  it('puts the shared files together again when teams come and go, and reports the warnings of the teams it reuses', () => {
    const at = scene();
    synth(at);
    fs.rmSync(path.join(at.userSpace, 'team-0002'), { recursive: true });
    fs.cpSync(path.join(at.userSpace, 'team-0001'), path.join(at.userSpace, 'team-0003'), { recursive: true });
    for (const file of fs.readdirSync(path.join(at.userSpace, 'team-0003'))) {
      const target = path.join(at.userSpace, 'team-0003', file);
      fs.writeFileSync(target, fs.readFileSync(target, 'utf8').replace(/team-0001/g, 'team-0003'));
    }
    const result = synth(at);
    expect(result.render).toEqual({ reused: 3, rendered: 1, threads: 1 });
    expect(result.problems.length).toBeGreaterThan(0);
    expectFullRenderOutput(at, result);
  });

  it('reports a hostname that a changed team takes from an unchanged one where both are written, as a full synth does', () => {
    const at = scene();
    synth(at);
    const host = /host: ([^,}]+)/.exec(fs.readFileSync(path.join(at.userSpace, 'team-0002', 'web.yaml'), 'utf8'))![1];
    fs.writeFileSync(web(at), fs.readFileSync(web(at), 'utf8').replace(/host: [^,}]+/, `host: ${host}`));
    const before = readTree(at.out);
    const result = synth(at);
    expect(result.changes).toBeUndefined();
    expect(result.problems.map(formatProblem)).toEqual(fullRender(at).result.problems.map(formatProblem));
    // team-0001 comes first, so the unchanged team-0002 is told, where its file says so.
    expect(result.problems.map(formatProblem).join('\n')).toMatch(/team-0002\/web\.yaml:\d+:\d+: error: host "[^"]+" is already used by team-0001 WebApplication team-0001-web at [^ ]*team-0001\/web\.yaml:\d+:\d+/);
    expect(readTree(at.out)).toEqual(before);
  });
});

describe('a cache that cannot be trusted means a full render, and the output of one', () => {
  /** A synthesized scene, then `spoil` done to it, one team changed, and a synth. */
  function afterSpoiling(spoil: (at: Scene) => void): { at: Scene; result: SynthResult } {
    const at = scene();
    synth(at);
    spoil(at);
    changeOneTeam(at);
    return { at, result: synth(at) };
  }

  it.each([
    ['cut short', 'unreadable', (at: Scene) => fs.truncateSync(at.cache, Math.floor(fs.statSync(at.cache).size / 2))],
    ['not JSON', 'unreadable', (at: Scene) => fs.writeFileSync(at.cache, fs.readFileSync(at.cache).map((byte, index) => (index % 7 ? byte : 0x7b)))],
    ['JSON of another shape', 'not one synth wrote', (at: Scene) => fs.writeFileSync(at.cache, JSON.stringify({ format: 1, teams: [] }))],
    ['written by other code', 'written by other code, or for another user space or output', (at: Scene) => synth(at, { cache: { file: at.cache, codeVersion: 'other code' } })],
  ])('a cache %s', (_, doubt, spoil) => {
    const { at, result } = afterSpoiling(spoil);
    expect(result.render).toEqual({ reused: 0, rendered: 4, threads: 1, doubt });
    expectFullRenderOutput(at, result);
  });

  it('a stale cache: one written before the last synth', () => {
    const { at, result } = afterSpoiling((scene) => {
      const stale = fs.readFileSync(scene.cache);
      changeOneTeam(scene);
      synth(scene);
      fs.writeFileSync(scene.cache, stale);
      fs.writeFileSync(web(scene), fs.readFileSync(web(scene), 'utf8').replace(/replicas: \d+/, 'replicas: 5'));
    });
    expect(result.render).toEqual({ reused: 0, rendered: 4, threads: 1, doubt: 'the output is not what it recorded' });
    expectFullRenderOutput(at, result);
  });

  it.each([
    ['a file edited', (at: Scene) => fs.appendFileSync(path.join(at.out, 'dev', 'tenants', 'team-0002', 'instances.yaml'), '# edited by hand\n')],
    ['a file added', (at: Scene) => fs.writeFileSync(path.join(at.out, 'dev', 'tenants', 'extra.yaml'), 'kind: ConfigMap\n')],
    ['a file removed', (at: Scene) => fs.rmSync(path.join(at.out, 'prd', 'tenants', 'team-0002', 'instances.yaml'))],
  ])('an output changed by hand after the cache was written: %s', (_, edit) => {
    const { at, result } = afterSpoiling(edit);
    expect(result.render).toEqual({ reused: 0, rendered: 4, threads: 1, doubt: 'the output is not what it recorded' });
    expectFullRenderOutput(at, result);
  });

  it('parts the cache places wrongly in a file all teams share: the teams they belong to are rendered', () => {
    const { at, result } = afterSpoiling((scene) => {
      const cache = JSON.parse(fs.readFileSync(scene.cache, 'utf8'));
      // Move the first document of team-0002's part into team-0001's: the parts still add up to the file.
      const file = 'dev/tenants/tenants.yaml';
      const content = fs.readFileSync(path.join(scene.out, file), 'utf8');
      const parts: [string, number, number, number, string][] = cache.files[file].parts;
      const first = parts.findIndex(([team]) => team === 'team-0001');
      const offset = parts.slice(0, first + 1).reduce((sum, [, length]) => sum + length + 4, 0);
      const moved = content.indexOf('---\n', offset) + 4 - offset;
      parts[first][1] += moved;
      parts[first + 1][1] -= moved;
      fs.writeFileSync(scene.cache, JSON.stringify(cache));
    });
    expect(result.render).toEqual({ reused: 2, rendered: 2, threads: 1 });
    expectFullRenderOutput(at, result);
  });

  it('a cache removed: none yet, though the output is there', () => {
    const { at, result } = afterSpoiling((scene) => fs.rmSync(scene.cache));
    expect(result.render).toEqual({ reused: 0, rendered: 4, threads: 1, doubt: 'none yet' });
    expectFullRenderOutput(at, result);
  });

  it('asked not to read it (--full)', () => {
    const { at } = afterSpoiling(() => undefined);
    const full = synth(at, { full: true });
    expect(full.render).toEqual({ reused: 0, rendered: 4, threads: 1, doubt: 'not read (--full)' });
    expectFullRenderOutput(at, full);
  });
});

describe('the cache file', () => {
  it('is written a file and a team at a time, as JSON that reads back as what was written', () => {
    const file = cacheFile(tempDir('synth-caches'), 'out');
    // More than one batch of the writing (a million characters), and names that need escaping.
    const written = new Map(Array.from({ length: 9000 }, (_, index) => [`dev/tenants/team-${index}/"quoted"\\.yaml`, describeFile(sha256(`${index}`))]));
    const kinds = new Map([['tenants' as const, [{ apiVersion: 'kro.run/v1alpha1', kind: 'WebApplication' }]]]);
    const team = (name: string) => ({ record: { input: name, problems: [], hosts: [], secrets: [] }, outputs: new Map([['dev', { team: name, parts: new Map(), kinds }]]) });
    // The module itself: `fs` here is a namespace of its exports, which cannot be spied on.
    const writes = jest.spyOn(require('fs') as typeof fs, 'writeSync');
    const openFiles = () => fs.readdirSync('/proc/self/fd').length;
    const open = openFiles();
    try {
      writeCache(file, 'key', written, new Map([['team-a', team('team-a')], ['team-b', team('team-b')]]));
      // In batches: each but the last at least CACHE_BATCH characters, and no more than one entry over.
      const sizes = writes.mock.calls.map(([, text]) => (text as string).length);
      expect(sizes.length).toBeGreaterThan(1);
      for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThanOrEqual(CACHE_BATCH);
      for (const size of sizes) expect(size).toBeLessThan(CACHE_BATCH + 200);
      expect(openFiles()).toBe(open);
    } finally {
      writes.mockRestore();
    }
    expect(fs.statSync(file).size).toBeGreaterThan(CACHE_BATCH);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      format: 1,
      key: 'key',
      files: Object.fromEntries(written),
      teams: { 'team-a': { input: 'team-a', problems: [], hosts: [], secrets: [], kinds: { dev: 0 } }, 'team-b': { input: 'team-b', problems: [], hosts: [], secrets: [], kinds: { dev: 0 } } },
      kindSets: [{ tenants: ['kro.run/v1alpha1 WebApplication'] }],
    });
  });

  it('that fails while it is written leaves the cache as it was, and nothing beside it', () => {
    const folder = tempDir('synth-caches');
    const file = cacheFile(folder, 'out');
    writeCache(file, 'key', new Map([['dev/a.yaml', describeFile(sha256('a'))]]), new Map());
    const before = fs.readFileSync(file, 'utf8');
    function* failing(): Generator<readonly [string, CachedFile]> {
      for (let index = 0; index < 9000; index++) yield [`dev/${index}.yaml`, describeFile(sha256(`${index}`))];
      throw new Error('no disk left');
    }
    const openFiles = () => fs.readdirSync('/proc/self/fd').length;
    const open = openFiles();
    expect(() => writeCache(file, 'key', failing(), new Map())).toThrow('no disk left');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.readdirSync(folder)).toEqual([path.basename(file)]);
    expect(openFiles()).toBe(open);
  });
});

describe('the cache folder', () => {
  it('keeps the eight most recently written caches, and removes nothing that is not a cache', () => {
    const folder = tempDir('synth-caches');
    const old = Array.from({ length: 9 }, (_, index) => path.join(folder, `old-${index}.json`));
    old.forEach((file, index) => {
      fs.writeFileSync(file, '{}');
      fs.utimesSync(file, 1_000 + index, 1_000 + index);
    });
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'mine');
    const file = cacheFile(folder, path.join(folder, 'out'));
    writeCache(file, 'key', new Map(), new Map());
    expect(fs.readdirSync(folder).sort()).toEqual([path.basename(file), ...old.slice(2).map((cache) => path.basename(cache)), 'notes.txt'].sort());
  });
});

/** The cache in `file`, read and checked as synth does, against the output `current` whose files have the SHA-256 `hashes`. */
function readAndCheckCache(file: string, key: string, current: OutputFiles, hashes: ReadonlyMap<string, string>) {
  const content = readCache(file, key, current.size);
  return 'doubt' in content ? content : checkCache(content, current, hashes);
}

describe('a cache is opened', () => {
  const text = 'kind: Namespace\n';
  const current = new Map([['dev/namespaces.yaml', text]]);
  const hashes = new Map([['dev/namespaces.yaml', sha256(text)]]);

  it('for the key it was written for only: other code, user space or output means a full render', () => {
    const file = cacheFile(tempDir('synth-caches'), 'out');
    writeCache(file, 'this code', new Map([['dev/namespaces.yaml', describeFile(sha256(text))]]), new Map());
    expect(readAndCheckCache(file, 'this code', current, hashes)).not.toHaveProperty('doubt');
    expect(readAndCheckCache(file, 'other code', current, hashes)).toEqual({ doubt: 'written by other code, or for another user space or output' });
    expect(readAndCheckCache(file, 'this code', current, new Map([['dev/namespaces.yaml', sha256('edited')]]))).toEqual({ doubt: 'the output is not what it recorded' });
  });
});

describe("a cache whose record of a file's parts does not fit the file is doubted", () => {
  const name = 'dev/platform.yaml';
  const text = 'a: 1\n---\nb: 2\n';
  const good = [['', 5, 1, 1, ''], ['', 5, 1, 1, '']];
  const opened = (parts: unknown, content = text) => {
    const file = cacheFile(tempDir('synth-caches'), 'out');
    writeCache(file, 'key', new Map([[name, { hash: sha256(content), parts: parts as never }]]), new Map());
    return readAndCheckCache(file, 'key', new Map([[name, content]]), new Map([[name, sha256(content)]]));
  };

  it('takes a record that fits, part by part', () => {
    const cache = opened(good);
    expect(cache).not.toHaveProperty('doubt');
    expect((cache as ValidCache).parts.get(name)).toEqual([
      { text: 'a: 1\n', documents: 1, owned: true },
      { text: 'b: 2\n', documents: 1, owned: true },
    ]);
  });

  it('takes a part of one character', () => {
    expect((opened([['', 1, 1, 1, ''], good[1]], 'a---\nb: 2\n') as ValidCache).parts.get(name)?.map((part) => part.text)).toEqual(['a', 'b: 2\n']);
  });

  it.each([
    ['parts that are not a list', 'parts'],
    ['a part that is not a list', [5, good[1]]],
    ['a team that is not a name', [[1, 5, 1, 1, ''], good[1]]],
    ['a length that is not a whole number', [['', 4.5, 1, 1, ''], good[1]]],
    ['a part longer than the file', [good[0], ['', 6, 1, 1, '']]],
    ['a count of documents that is not a whole number', [['', 5, '1', 1, ''], good[1]]],
    ['a hash that is not text', [['', 5, 1, 1, null], good[1]]],
    ['a part that does not end where the separator starts', [['', 4, 1, 1, ''], ['', 6, 1, 1, '']]],
    ['parts that end before the file does', [['', 5, 1, 1, ''], ['', 4, 1, 1, '']]],
  ])('%s', (_, parts) => {
    expect(opened(parts)).toEqual({ doubt: `it does not describe ${name}` });
  });

  it('an empty part, even between two separators', () => {
    expect(opened([good[0], ['', 0, 1, 1, ''], good[1]], 'a: 1\n---\n---\nb: 2\n')).toEqual({ doubt: `it does not describe ${name}` });
  });
});

describe("a team's entry in the cache", () => {
  const name = 'dev/tenants/team-a/instances.yaml';
  const text = 'apiVersion: kro.run/v1alpha1\nkind: WebApplication\n';
  const part = { team: 'team-a', text, documents: 1, owned: true };
  const record = {
    input: 'hash of team-a',
    problems: [{ severity: 'warning' as const, location: { file: 'team-a/web.yaml', line: 1, col: 1 }, message: 'a warning' }],
    owners: ['@org/team-a'],
    hosts: [['team-a.example.com', 'web']] as [string, string][],
    secrets: [['api-keys', ['age1key']]] as [string, string[]][],
  };
  const kinds = new Map([['tenants' as const, [{ apiVersion: 'kro.run/v1alpha1', kind: 'WebApplication' }]]]);

  /** A cache of team-a's one part, its entry changed by `spoil` in the file, opened against the output it describes. */
  function opened(spoil: (entry: Record<string, unknown>, cache: Record<string, any>) => void = () => undefined, partHash = sha256(text)) {
    const file = cacheFile(tempDir('synth-caches'), 'out');
    writeCache(file, 'key', new Map([[name, describeFile(sha256(text), [{ ...part, hash: partHash }])]]), new Map([['team-a', { record, outputs: new Map([['dev', { team: 'team-a', parts: new Map([[name, part]]), kinds }]]) }]]));
    const cache = JSON.parse(fs.readFileSync(file, 'utf8'));
    spoil(cache.teams['team-a'], cache);
    fs.writeFileSync(file, JSON.stringify(cache));
    return readAndCheckCache(file, 'key', new Map([[name, text]]), new Map([[name, sha256(text)]]));
  }

  it('gives back the record and the output it was written with, for the hash it recorded only', () => {
    const cache = opened() as ValidCache;
    expect(cache.inputOf('team-a')).toBe('hash of team-a');
    expect(cache.reuse('team-a', 'hash of team-a')).toEqual({ record, outputs: new Map([['dev', { team: 'team-a', parts: new Map([[name, { ...part, hash: sha256(text) }]]), kinds }]]) });
    expect(cache.reuse('team-a', 'another hash')).toBeUndefined();
    expect(cache.inputOf('team-b')).toBeUndefined();
    expect(cache.reuse('team-b', 'hash of team-a')).toBeUndefined();
  });

  it('keeps the kinds two teams have in common once', () => {
    const file = cacheFile(tempDir('synth-caches'), 'out');
    const team = (name: string) => ({ record: { ...record, input: name }, outputs: new Map([['dev', { team: name, parts: new Map(), kinds }]]) });
    writeCache(file, 'key', new Map(), new Map([['team-a', team('team-a')], ['team-b', team('team-b')]]));
    const { teams, kindSets } = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(kindSets).toEqual([{ tenants: ['kro.run/v1alpha1 WebApplication'] }]);
    expect([teams['team-a'].kinds, teams['team-b'].kinds]).toEqual([{ dev: 0 }, { dev: 0 }]);
  });

  it('gives teams with the same kinds one map of them, as rendered teams have', () => {
    const file = cacheFile(tempDir('synth-caches'), 'out');
    const names = ['team-a', 'team-b'].map((team) => `dev/tenants/${team}/instances.yaml`);
    const teamOutput = (team: string, name: string) => ({ record: { ...record, input: team }, outputs: new Map([['dev', { team, parts: new Map([[name, { ...part, team }]]), kinds }]]) });
    writeCache(file, 'key', new Map(names.map((name, index) => [name, describeFile(sha256(text), [{ ...part, team: ['team-a', 'team-b'][index], hash: sha256(text) }])])), new Map([['team-a', teamOutput('team-a', names[0])], ['team-b', teamOutput('team-b', names[1])]]));
    const current = new Map(names.map((name) => [name, text]));
    const cache = readAndCheckCache(file, 'key', current, new Map(names.map((name) => [name, sha256(text)]))) as ValidCache;
    const kindsOf = (team: string) => cache.reuse(team, team)?.outputs.get('dev')?.kinds;
    expect(kindsOf('team-a')).toEqual(kinds);
    expect(kindsOf('team-a')).toBe(kindsOf('team-b'));
  });

  it.each([
    ['not a map', 'tenants'],
    ['kinds that are not a list', { tenants: ['kro.run/v1alpha1 WebApplication'], workspaces: 'kro.run/v1alpha1 Workspace' }],
    ['a kind that is not text', { tenants: ['kro.run/v1alpha1 WebApplication', 1] }],
    ['a kind without its apiVersion', { tenants: ['kro.run/v1alpha1 WebApplication', 'WebApplication'] }],
  ])('a set of kinds that is %s: the team is rendered', (_, set) => {
    const cache = opened((__, content) => (content.kindSets[0] = set)) as ValidCache;
    expect(cache.inputOf('team-a')).toBe('hash of team-a');
    expect(cache.reuse('team-a', 'hash of team-a')).toBeUndefined();
  });

  it("keeps whether a team's part is its own, or the platform's made for it", () => {
    const cache = opened((_, content) => (content.files[name].parts[0][3] = 0)) as ValidCache;
    expect(cache.reuse('team-a', 'hash of team-a')?.outputs.get('dev')?.parts.get(name)?.owned).toBe(false);
  });

  it('takes a team without owners', () => {
    const cache = opened((entry) => delete entry.owners) as ValidCache;
    expect(cache.reuse('team-a', 'hash of team-a')?.record).toEqual({ ...record, owners: undefined });
  });

  it.each([
    ['an entry that is not a map', (_: unknown, cache: Record<string, any>) => (cache.teams['team-a'] = ['hash of team-a'])],
    ['no entry', (_: unknown, cache: Record<string, any>) => delete cache.teams['team-a']],
  ])('a team in the output with %s: the cache is doubted', (_, spoil) => {
    expect(opened(spoil)).toEqual({ doubt: 'it does not describe every team in the output' });
  });

  it.each<[string, (entry: Record<string, any>) => void]>([
    ['an input that is not text', (entry) => (entry.input = 1)],
    ['problems that are not a list', (entry) => (entry.problems = {})],
    ['a problem that is not a map', (entry) => (entry.problems = ['a warning'])],
    ['a problem without location', (entry) => delete entry.problems[0].location],
    ['a problem whose message is not text', (entry) => (entry.problems[0].message = 1)],
    ['owners that are not a list', (entry) => (entry.owners = '@org/team-a')],
    ['an owner that is not text', (entry) => (entry.owners = ['@org/team-a', 1])],
    ['hosts that are not a list', (entry) => (entry.hosts = 'team-a.example.com')],
    ['a host that is not a pair', (entry) => (entry.hosts = [['team-a.example.com']])],
    ['a host of three', (entry) => (entry.hosts = [['team-a.example.com', 'web', 'more']])],
    ['a host that is not text', (entry) => (entry.hosts = [[1, 'web']])],
    ['secrets that are not a list', (entry) => (entry.secrets = {})],
    ['a secret that is not a list', (entry) => (entry.secrets = ['api-keys'])],
    ['a secret whose name is not text', (entry) => (entry.secrets = [[1, ['age1key']]])],
    ['a secret whose keys are not text', (entry) => (entry.secrets = [['api-keys', [1]]])],
    ['kinds that are not a map', (entry) => (entry.kinds = [0])],
  ])('an entry with %s is as good as none: the team is rendered', (_, spoil) => {
    const cache = opened(spoil) as ValidCache;
    expect(cache.inputOf('team-a')).toBeUndefined();
    expect(cache.reuse('team-a', 'hash of team-a')).toBeUndefined();
  });

  it.each<[string, (entry: Record<string, any>) => void]>([
    ['no kinds for a cluster it has output on', (entry) => (entry.kinds = {})],
    ['kinds that are not in the list of kinds', (entry) => (entry.kinds = { dev: 1 })],
  ])('an entry with %s: the team is rendered', (_, spoil) => {
    const cache = opened(spoil) as ValidCache;
    expect(cache.inputOf('team-a')).toBe('hash of team-a');
    expect(cache.reuse('team-a', 'hash of team-a')).toBeUndefined();
  });

  it('a part whose text is not the one recorded: the team is rendered', () => {
    const cache = opened(undefined, sha256('what team-a rendered before')) as ValidCache;
    expect(cache.inputOf('team-a')).toBe('hash of team-a');
    expect(cache.reuse('team-a', 'hash of team-a')).toBeUndefined();
  });

  it.each<[string, (cache: Record<string, any>) => void]>([
    ['a format that is not a number', (cache) => (cache.format = '1')],
    ['a key that is not text', (cache) => (cache.key = ['key'])],
    ['files that are not a map', (cache) => (cache.files = [])],
    ['teams that are not a map', (cache) => (cache.teams = null)],
    ['a list of kinds that is not a list', (cache) => (cache.kindSets = {})],
  ])('a cache with %s is not one synth wrote', (_, spoil) => {
    expect(opened((__, cache) => spoil(cache))).toEqual({ doubt: 'not one synth wrote' });
  });

  it('a cache of another format is doubted', () => {
    expect(opened((_, cache) => (cache.format = 2))).toEqual({ doubt: 'written by other code, or for another user space or output' });
  });

  it("a file's record that is not a map: the output is not what it recorded", () => {
    expect(opened((_, cache) => (cache.files[name] = [sha256(text)]))).toEqual({ doubt: 'the output is not what it recorded' });
  });
});
