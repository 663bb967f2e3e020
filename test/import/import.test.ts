import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { CHARTS, isOciChart, type ChartVersion } from '../../config/versions';
import { changedUnderSameUrl, chartsFolder, digestReport, importSources, keptOciCharts, resolveOciCharts, type ImportLock, type ImportOptions, type OciChartLock } from '../../src/import/command';
import { HELM_CONFIG_MEDIA_TYPE, MANIFEST_MEDIA_TYPES, ociReference, registryBaseUrl, resolveDigest } from '../../src/import/oci-digest';
import { UsageError } from '../../src/cli/usage-error';
import { type CompactCrd } from '../../src/import/crd-schema';
import { importsDir } from '../../src/import/layout';
import { pinnedSources, type ImportSource } from '../../src/import/sources';
import { ROOT } from '../../src/paths';
import { refusingAddress, tempDir } from '../helpers';
import { runInProcess } from '../in-process';

const FIXTURES = path.join(__dirname, 'fixtures');
const GADGET_CRD = path.join(FIXTURES, 'crds', 'example.com_gadgets.yaml');
const GADGET_VALUES = path.join(FIXTURES, 'charts', 'gadget-1.2.3', 'values.schema.json');
const GADGET_CHART = { repository: 'https://charts.example.com', chart: 'gadget', version: '1.2.3', valuesSchema: 'https://example.com/gadget/v{version}/values.schema.json' };

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** What an import of the gadget fixtures must write, wherever it read them from. */
function expectGadgetImport(out: string, urls: { crd: string; values: string }): void {
  expect(readJson<ImportLock>(path.join(out, 'lock.json'))).toEqual({
    crds: { gadget: { url: urls.crd, sha256: sha256(GADGET_CRD), schema: 'crds/gadget.example.com.json' } },
    charts: { gadget: { version: '1.2.3', url: urls.values, sha256: sha256(GADGET_VALUES), schema: 'charts/gadget.values.schema.json' } },
    ociCharts: {},
  });
  expect(readJson<CompactCrd>(path.join(out, 'crds', 'gadget.example.com.json'))).toEqual({
    group: 'example.com',
    kind: 'Gadget',
    plural: 'gadgets',
    scope: 'Namespaced',
    versions: {
      v1: { type: 'object', properties: { spec: { type: 'object', properties: { description: { type: 'string' }, size: { type: 'integer', minimum: 1 } } } } },
    },
  });
  expect(fs.readFileSync(path.join(out, 'charts', 'gadget.values.schema.json'))).toEqual(fs.readFileSync(GADGET_VALUES));
  expect(fs.readFileSync(path.join(out, 'gadget-example.com.ts'), 'utf8')).toContain('export class Gadget extends ApiObject');
}

// An import generates TypeScript with cdk8s's importer: about a second on an idle machine, more
// than Jest's 5 s default on a loaded one (it failed so in CI beside a mutation run). These tests
// check what it writes, not how fast.
jest.setTimeout(60_000);

describe('npm run import', () => {
  it('reads the sources pinned in cdk8s.yaml and config/versions.ts, with {version} filled in', () => {
    expect(pinnedSources(FIXTURES, [GADGET_CHART, { repository: 'https://charts.example.com', chart: 'plain', version: '1.0.0' }])).toEqual([
      { type: 'crd', module: 'gadget', url: 'https://example.com/config/crds/example.com_gadgets.yaml' },
      { type: 'values-schema', chart: 'gadget', version: '1.2.3', url: 'https://example.com/gadget/v1.2.3/values.schema.json' },
    ]);
    const noImports = tempDir('import-no-crds');
    fs.writeFileSync(path.join(noImports, 'cdk8s.yaml'), 'language: typescript\napp: npx ts-node main.ts\n');
    expect(pinnedSources(noImports, [GADGET_CHART]).map((source) => source.type)).toEqual(['values-schema']);
  });

  it('imports from local copies: typed classes, a compact schema per CRD, values schemas as they are, and a lock of SHA-256s', async () => {
    const out = path.join(tempDir('import-offline'), 'imports');
    const sources = pinnedSources(FIXTURES, [GADGET_CHART]);
    await importSources({ root: ROOT, sources, folders: { crds: path.join(FIXTURES, 'crds'), charts: path.join(FIXTURES, 'charts') }, out });
    expectGadgetImport(out, { crd: sources[0].url, values: sources[1].url });
    expect(fs.readdirSync(out).sort()).toEqual(['charts', 'crds', 'gadget-example.com.ts', 'lock.json']);
  });

  describe('from the upstream URLs', () => {
    let server: http.Server;
    let base: string;
    const served = new Map([
      ['/crds/example.com_gadgets.yaml', GADGET_CRD],
      ['/gadget/values.schema.json', GADGET_VALUES],
    ]);
    /** What the temporary directory held at each request. */
    let tmpdirAtRequests: string[][] = [];
    beforeAll(async () => {
      server = http.createServer((request, response) => {
        tmpdirAtRequests.push(fs.readdirSync(os.tmpdir()));
        const file = served.get(request.url ?? '');
        response.writeHead(file ? 200 : 404).end(file ? fs.readFileSync(file) : 'not found');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const sources = (crd: string): ImportSource[] => [
      { type: 'crd', module: 'gadget', url: `${base}${crd}` },
      { type: 'values-schema', chart: 'gadget', version: '1.2.3', url: `${base}/gadget/values.schema.json` },
    ];

    it('downloads each source and writes what a local import writes', async () => {
      const out = path.join(tempDir('import-online'), 'imports');
      await importSources({ root: ROOT, sources: sources('/crds/example.com_gadgets.yaml'), out });
      expectGadgetImport(out, { crd: `${base}/crds/example.com_gadgets.yaml`, values: `${base}/gadget/values.schema.json` });
    });

    it('downloads into a folder of its own in the temporary directory, removed afterwards', async () => {
      const tmpdir = tempDir('import-tmpdir');
      const out = path.join(tempDir('import-online'), 'imports');
      // Jest's process.env is a copy that Node's os.tmpdir() does not read.
      const spy = jest.spyOn(require('os') as typeof os, 'tmpdir').mockReturnValue(tmpdir);
      tmpdirAtRequests = [];
      try {
        await importSources({ root: ROOT, sources: sources('/crds/example.com_gadgets.yaml'), out });
      } finally {
        spy.mockRestore();
      }
      expect(tmpdirAtRequests).toEqual([[expect.stringMatching(/^mini-atlas-import-\w{6}$/)], [expect.stringMatching(/^mini-atlas-import-\w{6}$/)]]);
      expect(fs.readdirSync(tmpdir)).toEqual([]);
    });

    it('keeps the previous imports when a source fails, and names it', async () => {
      const out = path.join(tempDir('import-failed'), 'imports');
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'lock.json'), '{}\n');
      await expect(importSources({ root: ROOT, sources: sources('/crds/missing.yaml'), out })).rejects.toThrow(`${base}/crds/missing.yaml (gadget) answered 404 Not Found`);
      expect(fs.readdirSync(out)).toEqual(['lock.json']);
      expect(fs.readdirSync(path.dirname(out))).toEqual(['imports']);
    });
  });

  describe('a failed import, which leaves imports/ as it was and nothing of its own behind', () => {
    const crdSource: ImportSource = { type: 'crd', module: 'gadget', url: 'https://example.com/config/crds/example.com_gadgets.yaml' };
    const valuesSource: ImportSource = { type: 'values-schema', chart: 'gadget', version: '1.2.3', url: 'https://example.com/gadget/v1.2.3/values.schema.json' };

    /** imports/ holding one old file, and what the import's folders hold when it is over. */
    async function failedImport(options: Omit<ImportOptions, 'out'>): Promise<unknown> {
      const out = path.join(tempDir('import-refused'), 'imports');
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'lock.json'), '{"old":true}\n');
      const downloadsBefore = fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('mini-atlas-import-'));
      const outcome = await importSources({ ...options, out }).then(
        () => 'imported',
        (error: Error) => error,
      );
      expect(fs.readdirSync(path.dirname(out))).toEqual(['imports']);
      expect(fs.readdirSync(out)).toEqual(['lock.json']);
      expect(fs.readFileSync(path.join(out, 'lock.json'), 'utf8')).toBe('{"old":true}\n');
      expect(fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('mini-atlas-import-'))).toEqual(downloadsBefore);
      return outcome;
    }

    /** A repository whose node_modules/.bin/cdk8s records its arguments, writes `writes` files into --output, prints `stderr` and exits `status`. */
    function fakeCdk8s(status: number, stderr: string, writes: number): { root: string; calls: string } {
      const root = tempDir('import-fake-cdk8s');
      const calls = path.join(root, 'calls');
      fs.mkdirSync(path.join(root, 'node_modules', '.bin'), { recursive: true });
      const script = [
        '#!/bin/sh',
        `printf '%s\\n' "$@" > '${calls}'`,
        ...Array.from({ length: writes }, (_, index) => `touch "$5/written-${index}.ts"`),
        `printf '${stderr}' >&2`,
        `exit ${status}`,
      ].join('\n');
      fs.writeFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), `${script}\n`, { mode: 0o755 });
      return { root, calls };
    }

    const folders = { crds: path.join(FIXTURES, 'crds'), charts: path.join(FIXTURES, 'charts') };

    it("names the last line cdk8s printed when `cdk8s import` fails, or that it printed nothing when it wrote nothing, and calls it with the CRD's module and file", async () => {
      const spec = `gadget:=${GADGET_CRD}`;
      const failing = fakeCdk8s(1, 'resolving gadget\\nerror: the schema has a cycle\\n', 1);
      expect(await failedImport({ root: failing.root, sources: [crdSource], folders })).toEqual(new UsageError(`cdk8s import ${spec} failed: error: the schema has a cycle`));
      expect(fs.readFileSync(failing.calls, 'utf8').trim().split('\n')).toEqual(['import', '--no-save', '--no-check-upgrade', '--output', expect.stringContaining(`${path.sep}.imports-`), spec]);
      const silent = fakeCdk8s(0, '', 0);
      expect(await failedImport({ root: silent.root, sources: [crdSource], folders })).toEqual(new UsageError(`cdk8s import ${spec} failed: no output`));
      const noCdk8s = tempDir('import-no-cdk8s');
      const cdk8s = path.join(noCdk8s, 'node_modules', '.bin', 'cdk8s');
      expect(await failedImport({ root: noCdk8s, sources: [crdSource], folders })).toEqual(new UsageError(`cdk8s import ${spec} failed: spawnSync ${cdk8s} ENOENT`));
    });

    it('refuses a CRD file that is not a CRD, and a values schema that is not JSON, naming the source', async () => {
      const notCrd = tempDir('import-not-crd');
      fs.writeFileSync(path.join(notCrd, 'example.com_gadgets.yaml'), 'kind: ConfigMap\n');
      expect(await failedImport({ root: ROOT, sources: [crdSource], folders: { crds: notCrd } })).toEqual(new UsageError(`gadget (${crdSource.url}) is not a CustomResourceDefinition`));
      const notJson = tempDir('import-not-json');
      fs.mkdirSync(path.join(notJson, 'gadget-1.2.3'));
      fs.writeFileSync(path.join(notJson, 'gadget-1.2.3', 'values.schema.json'), '{ "type": ');
      const refused = await failedImport({ root: ROOT, sources: [valuesSource], folders: { charts: notJson } });
      expect(refused).toBeInstanceOf(UsageError);
      expect((refused as Error).message).toMatch(new RegExp(`^the values schema of gadget 1\\.2\\.3 \\(${valuesSource.url.replaceAll('.', '\\.')}\\) is not JSON: \\S`));
    });

    it('refuses a local folder that holds no copy, or two, of a pinned file, and a chart that is not unpacked there', async () => {
      const twice = tempDir('import-two-copies');
      for (const name of ['example.com_gadgets.yaml', 'v1-example.com_gadgets.yaml', 'crds_example.com_gadgets.yaml', 'example.com_gadgets.yaml.orig']) fs.writeFileSync(path.join(twice, name), GADGET_CRD);
      expect(await failedImport({ root: ROOT, sources: [crdSource], folders: { crds: twice } })).toEqual(
        new UsageError(`${twice} must hold exactly one file named like example.com_gadgets.yaml, found crds_example.com_gadgets.yaml, example.com_gadgets.yaml, v1-example.com_gadgets.yaml`),
      );
      const empty = tempDir('import-no-copy');
      expect(await failedImport({ root: ROOT, sources: [crdSource], folders: { crds: empty } })).toEqual(new UsageError(`${empty} must hold exactly one file named like example.com_gadgets.yaml, found none`));
      expect(await failedImport({ root: ROOT, sources: [valuesSource], folders: { charts: empty } })).toEqual(
        new UsageError(`${path.join(empty, 'gadget-1.2.3', 'values.schema.json')} does not exist: ${empty} must hold the chart gadget 1.2.3 unpacked as gadget-1.2.3/`),
      );
    });

    it('names a source it cannot download and says how to import offline', async () => {
      const address = await refusingAddress();
      const url = `http://${address}/crds/example.com_gadgets.yaml`;
      expect(await failedImport({ root: ROOT, sources: [{ ...crdSource, url }] })).toEqual(
        new UsageError(`cannot download ${url} (gadget): connect ECONNREFUSED ${address}; offline, import from local copies with --from and --charts-from`),
      );
    });

    it('replaces what imports/ held before when it succeeds', async () => {
      const out = path.join(tempDir('import-again'), 'imports');
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'stale.ts'), '// imported by an older version\n');
      await importSources({ root: ROOT, sources: [valuesSource], folders, out });
      expect(fs.readdirSync(out).sort()).toEqual(['charts', 'crds', 'lock.json']);
    });
  });

  it('refuses a local folder that is not there, or lacks a pinned file, in one sentence with exit 2, and changes nothing', async () => {
    const run = (...args: string[]) => runInProcess('import', ...args);
    const lockBefore = fs.readFileSync(path.join(importsDir(ROOT), 'lock.json'), 'utf8');
    const missing = await run('--from', path.join(FIXTURES, 'nowhere'));
    expect({ status: missing.status, stderr: missing.stderr }).toEqual({ status: 2, stderr: `mini-atlas: --from ${path.join(FIXTURES, 'nowhere')} does not exist: give the folder that holds the pinned CRD files, named like the last segment of their URLs in cdk8s.yaml\n` });
    const file = await run('--from', path.join(FIXTURES, 'crds', fs.readdirSync(path.join(FIXTURES, 'crds'))[0]));
    expect({ status: file.status, stderr: file.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(/^mini-atlas: --from .* is a file: give the folder that holds the pinned CRD files/) });
    const noCharts = await run('--from', path.join(FIXTURES, 'crds'), '--charts-from', path.join(FIXTURES, 'nowhere'));
    expect({ status: noCharts.status, stderr: noCharts.stderr }).toEqual({ status: 2, stderr: `mini-atlas: --charts-from ${path.join(FIXTURES, 'nowhere')} does not exist: give the folder that holds the pinned charts, each unpacked as <chart>-<version>/\n` });
    const incomplete = await run('--from', path.join(FIXTURES, 'crds'), '--charts-from', path.join(FIXTURES, 'crds'));
    expect(incomplete.status).toBe(2);
    expect(incomplete.stderr).toMatch(/^mini-atlas: \S+ must hold exactly one file named like source\.toolkit\.fluxcd\.io_gitrepositories\.yaml, found none\n$/);
    expect(fs.readFileSync(path.join(importsDir(ROOT), 'lock.json'), 'utf8')).toBe(lockBefore);
  });

  it('points out a source whose content changed under the same URL, and only that', () => {
    const entry = (url: string, sha256: string) => ({ url, sha256, schema: 'crds/x.json' });
    const before: ImportLock = { crds: { moved: entry('https://x/v1/a.yaml', 'a'.repeat(64)), bumped: entry('https://x/v1/b.yaml', 'b'.repeat(64)), same: entry('https://x/v1/c.yaml', 'c'.repeat(64)) }, charts: {} };
    const after: ImportLock = { crds: { moved: entry('https://x/v1/a.yaml', 'd'.repeat(64)), bumped: entry('https://x/v2/b.yaml', 'e'.repeat(64)), same: entry('https://x/v1/c.yaml', 'c'.repeat(64)), added: entry('https://x/v1/f.yaml', 'f'.repeat(64)) }, charts: {} };
    expect(changedUnderSameUrl(before, after)).toEqual([
      `moved: https://x/v1/a.yaml changed although its URL did not (SHA-256 ${'a'.repeat(12)}… is now ${'d'.repeat(12)}…); review the diff of imports/ before committing it`,
    ]);
    expect(changedUnderSameUrl(undefined, after)).toEqual([]);
    // A lock written before values schemas were imported has no `charts`.
    expect(changedUnderSameUrl({ crds: before.crds } as ImportLock, { ...after, charts: { gadget: entry('https://x/v1/values.json', 'a'.repeat(64)) } })).toHaveLength(1);
  });

  it('reads the values schemas from --charts-from, else from the folder `charts` beside --from if there is one, else from their URLs', () => {
    const shared = tempDir('import-shared');
    fs.mkdirSync(path.join(shared, 'crds'));
    expect(chartsFolder(path.join(shared, 'crds'), undefined)).toBeUndefined();
    fs.mkdirSync(path.join(shared, 'charts'));
    expect(chartsFolder(path.join(shared, 'crds'), undefined)).toBe(path.join(shared, 'charts'));
    expect(chartsFolder(path.relative(process.cwd(), path.join(shared, 'crds')), undefined)).toBe(path.join(shared, 'charts'));
    expect(chartsFolder(path.join(shared, 'crds'), 'elsewhere')).toBe('elsewhere');
    expect(chartsFolder(undefined, 'elsewhere')).toBe('elsewhere');
    expect(chartsFolder(undefined, undefined)).toBeUndefined();
  });

  describe("an OCI chart's digest, from its registry", () => {
    /** A Helm chart's manifest as `helm push` writes it, and a container image's. */
    const manifest = (configType: string) =>
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: configType, digest: `sha256:${'1'.repeat(64)}`, size: 117 },
          layers: [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: `sha256:${'2'.repeat(64)}`, size: 3658 }],
        }),
      );
    // Spelled out as Helm's registry docs give it, not taken from the code under test.
    const chart = manifest('application/vnd.cncf.helm.config.v1+json');
    const chartDigest = `sha256:${createHash('sha256').update(chart).digest('hex')}`;
    let server: http.Server;
    let mirror: http.Server;
    let registry: string;
    let requests: Array<{ url: string; accept?: string; authorization?: string }>;

    /** A server on a free loopback port, and its `http://127.0.0.1:<port>`. */
    const listen = async (handler: http.RequestListener): Promise<[http.Server, string]> => {
      const listening = http.createServer(handler);
      await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
      return [listening, `http://127.0.0.1:${(listening.address() as AddressInfo).port}`];
    };
    const close = (closing: http.Server) => new Promise<void>((resolve) => closing.close(() => resolve()));
    const challenge = (realm: string, rest = '') => ({ 'www-authenticate': `Bearer realm="${registry}${realm}"${rest}` });

    /**
     * A registry as the distribution spec has it: charts/gadget wants a bearer token from /token
     * (as quay.io and ghcr.io do), charts/moved redirects to a mirror on another origin (as
     * registry.k8s.io does), charts/liar sends a Docker-Content-Digest that is not its manifest's,
     * charts/app holds a container image; the rest answer each one way a registry can fail.
     */
    beforeAll(async () => {
      let mirrorUrl = '';
      [server, registry] = await listen((request, response) => {
        const url = request.url ?? '';
        requests.push({ url, accept: request.headers.accept, authorization: request.headers.authorization });
        const send = (body: Buffer | string, digest: string) => void response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': digest }).end(body);
        const deny = (headers: http.OutgoingHttpHeaders) => void response.writeHead(401, headers).end();
        const token = (status: number, body: string) => void response.writeHead(status, { 'content-type': 'application/json' }).end(body);
        switch (url) {
          case '/token?service=fake-registry&scope=repository%3Acharts%2Fgadget%3Apull':
            return token(200, '{"token":"pull-token"}');
          case '/v2/charts/gadget/manifests/1.2.3':
            return request.headers.authorization === 'Bearer pull-token' ? send(chart, chartDigest) : deny(challenge('/token', ',service="fake-registry",scope="repository:charts/gadget:pull"'));
          case '/oauth?scope=repository%3Acharts%2Fplain%3Apull':
            return token(200, '{"access_token":"oauth-token"}');
          case '/v2/charts/plain/manifests/1.0.0':
            return request.headers.authorization === 'Bearer oauth-token' ? send(chart, '') : deny(challenge('/oauth'));
          case '/v2/charts/moved/manifests/1.2.3':
            return void response.writeHead(307, { location: `${mirrorUrl}/v2/charts/gadget/manifests/1.2.3` }).end();
          case '/v2/charts/liar/manifests/1.0.0':
            return send(chart, `sha256:${'0'.repeat(64)}`);
          case '/v2/charts/app/manifests/1.0.0':
            return send(manifest('application/vnd.oci.image.config.v1+json'), '');
          case '/v2/charts/index/manifests/1.0.0':
            return send(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }), '');
          case '/v2/charts/bare/manifests/1.0.0':
            return send('{"schemaVersion":2}', '');
          case '/v2/charts/garbled/manifests/1.0.0':
            return send('<html>maintenance</html>', '');
          case '/v2/charts/broken/manifests/1.0.0':
            return void response.writeHead(500, 'Internal Server Error').end();
          case '/v2/charts/basic/manifests/1.0.0':
            return deny({ 'www-authenticate': 'Basic realm="Bearer tokens are not served here"' });
          case '/v2/charts/silent/manifests/1.0.0':
            return deny({});
          case '/v2/charts/tokenless/manifests/1.0.0':
            return deny(challenge('/token-empty'));
          case '/token-empty?scope=repository%3Acharts%2Ftokenless%3Apull':
            return token(200, '{}');
          case '/v2/charts/refused/manifests/1.0.0':
            return deny(challenge('/token-down'));
          case '/token-down?scope=repository%3Acharts%2Frefused%3Apull':
            return token(503, '');
          case '/v2/charts/slow/manifests/1.0.0':
            return; // never answers
          default:
            return void response.writeHead(404).end();
        }
      });
      [mirror, mirrorUrl] = await listen((request, response) => {
        requests.push({ url: `mirror${request.url}`, authorization: request.headers.authorization });
        if (request.headers.authorization === 'Bearer pull-token') return void response.writeHead(200).end(chart);
        return void response.writeHead(401, challenge('/token', ',service="fake-registry",scope="repository:charts/gadget:pull"')).end();
      });
    });
    beforeEach(() => (requests = []));
    afterAll(async () => {
      server.closeAllConnections();
      await Promise.all([close(server), close(mirror)]);
    });

    const host = () => registry.replace('http://', '');
    const at = (path: string, tag: string) => ociReference(`oci://${host()}/${path}`, tag);

    it('is the SHA-256 of the manifest the registry serves for the tag, fetched with the token its challenge names', async () => {
      await expect(resolveDigest(at('charts/gadget', '1.2.3'))).resolves.toBe(chartDigest);
      expect(requests.map(({ url, authorization }) => ({ url, authorization }))).toEqual([
        { url: '/v2/charts/gadget/manifests/1.2.3', authorization: undefined },
        { url: '/token?service=fake-registry&scope=repository%3Acharts%2Fgadget%3Apull', authorization: undefined },
        { url: '/v2/charts/gadget/manifests/1.2.3', authorization: 'Bearer pull-token' },
      ]);
      expect(requests[0].accept?.split(', ')).toEqual([...MANIFEST_MEDIA_TYPES]);
    });

    it("asks for pulling the repository when the challenge names no scope, and no service when it names none, and takes an OAuth2 token's access_token", async () => {
      await expect(resolveDigest(at('charts/plain', '1.0.0'))).resolves.toBe(chartDigest);
      expect(requests.map(({ url }) => url)).toEqual(['/v2/charts/plain/manifests/1.0.0', '/oauth?scope=repository%3Acharts%2Fplain%3Apull', '/v2/charts/plain/manifests/1.0.0']);
    });

    it('follows a redirect to another origin and sends the token to where the manifest is', async () => {
      await expect(resolveDigest(at('charts/moved', '1.2.3'))).resolves.toBe(chartDigest);
      expect(requests.map(({ url, authorization }) => ({ url, authorization }))).toEqual([
        { url: '/v2/charts/moved/manifests/1.2.3', authorization: undefined },
        { url: 'mirror/v2/charts/gadget/manifests/1.2.3', authorization: undefined },
        { url: '/token?service=fake-registry&scope=repository%3Acharts%2Fgadget%3Apull', authorization: undefined },
        { url: 'mirror/v2/charts/gadget/manifests/1.2.3', authorization: 'Bearer pull-token' },
      ]);
    });

    it.each([
      ['a Docker-Content-Digest that is not the bytes sent', 'charts/liar', `the registry says its manifest is sha256:${'0'.repeat(64)}, but the manifest it sent is ${chartDigest}; not recording either`],
      ['an unknown tag', 'charts/gadget:9.9.9', "the registry has no such tag (404); check the chart's version and repository in config/versions.ts"],
      ['a container image', 'charts/app', `is not a Helm chart: its manifest's config is application/vnd.oci.image.config.v1+json, not ${HELM_CONFIG_MEDIA_TYPE}`],
      ['an index', 'charts/index', `is not a Helm chart: its manifest's config is missing (a application/vnd.oci.image.index.v1+json), not ${HELM_CONFIG_MEDIA_TYPE}`],
      ['a manifest of no media type', 'charts/bare', `is not a Helm chart: its manifest's config is missing (a manifest of no media type), not ${HELM_CONFIG_MEDIA_TYPE}`],
      ['a manifest that is not JSON', 'charts/garbled', "the registry's manifest is not JSON"],
      ['a failing registry', 'charts/broken', 'the registry answered 500 Internal Server Error for its manifest'],
      ['a challenge that is not Bearer', 'charts/basic', `the registry asks for credentials (Basic realm="Bearer tokens are not served here"), but the platform's charts must be public`],
      ['a 401 with no challenge', 'charts/silent', "the registry asks for credentials (no WWW-Authenticate), but the platform's charts must be public"],
      ['a token service that sends no token', 'charts/tokenless', () => `the token service ${registry} sent no token`],
      ['a failing token service', 'charts/refused', () => `the token service ${registry} answered 503 Service Unavailable`],
    ])('refuses %s, naming the reference', async (_name, repositoryAndTag, problem) => {
      const [repository, tag = '1.0.0'] = repositoryAndTag.split(':');
      const expected = typeof problem === 'string' ? problem : problem();
      await expect(resolveDigest(at(repository, tag))).rejects.toThrow(new UsageError(`oci://${host()}/${repository}:${tag}${expected.startsWith('is ') ? ' ' : ': '}${expected}`));
    });

    it('names a registry it cannot reach, and one that does not answer in time, and says how to import offline', async () => {
      const port = await refusingAddress();
      const offline = 'offline, import with --from (the digests recorded before are kept)';
      await expect(resolveDigest(ociReference(`oci://${port}/charts/gadget`, '1.2.3'))).rejects.toThrow(
        new UsageError(`cannot reach the registry of oci://${port}/charts/gadget:1.2.3: connect ECONNREFUSED ${port}; ${offline}`),
      );
      await expect(resolveDigest(at('charts/slow', '1.0.0'), 200)).rejects.toThrow(
        new UsageError(`cannot reach the registry of oci://${host()}/charts/slow:1.0.0: The operation was aborted due to timeout; ${offline}`),
      );
    });

    it('reads oci://<registry>[:port]/<path> only, and refuses anything else in one sentence', () => {
      expect(ociReference('oci://ghcr.io/kro-run/kro/kro', '0.4.1')).toEqual({ registry: 'ghcr.io', repository: 'kro-run/kro/kro', tag: '0.4.1' });
      expect(ociReference('oci://localhost:5000/charts/my_chart.v2', '1.0.0')).toEqual({ registry: 'localhost:5000', repository: 'charts/my_chart.v2', tag: '1.0.0' });
      for (const url of ['https://ghcr.io/kro-run/kro', 'xoci://ghcr.io/kro-run/kro', 'oci://ghcr.io/kro-run/kro/', 'oci://ghcr.io/kro-run//kro', 'oci://ghcr.io/Kro', 'oci://ghcr.io', 'oci://ghcr io/kro']) {
        expect(() => ociReference(url, '1.0.0')).toThrow(new UsageError(`${url} is not an OCI chart repository: it must look like oci://<registry>/<path>`));
      }
    });

    it('speaks plain HTTP to a registry on this machine only (127.0.0.0/8, localhost, [::1]), and HTTPS to every other', () => {
      for (const registry of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.10.20.30', '[::1]', '[::1]:5000']) expect(registryBaseUrl(registry)).toBe(`http://${registry}`);
      for (const registry of ['ghcr.io', 'registry.k8s.io:443', 'localhost.example.com', '127.0.0.1.example.com', '10.127.0.0.1', '[::2]:5000', 'my-localhost:5000']) expect(registryBaseUrl(registry)).toBe(`https://${registry}`);
    });

    it('is resolved for each OCI chart of the pinned ones, and only those', async () => {
      const charts: Record<string, ChartVersion> = {
        gadget: { repository: `oci://${host()}/charts/gadget`, chart: 'gadget', version: '1.2.3' },
        plain: { repository: registry, chart: 'plain', version: '1.0.0' },
      };
      await expect(resolveOciCharts(charts)).resolves.toEqual({ gadget: { url: `${charts.gadget.repository}:1.2.3`, digest: chartDigest } });
    });
  });

  describe('the recorded OCI digests against config/versions.ts', () => {
    const oci = (version: string, digest?: string): ChartVersion => ({ repository: 'oci://registry.example/charts/gadget', chart: 'gadget', version, ...(digest ? { digest } : {}) });
    const recorded = (digest: string): Record<string, OciChartLock> => ({ gadget: { url: 'oci://registry.example/charts/gadget:1.2.3', digest } });
    const [a, b] = [`sha256:${'a'.repeat(64)}`, `sha256:${'b'.repeat(64)}`];

    it('says a pinned digest matches, gives an unpinned one to paste, and names a moved tag apart', () => {
      expect(digestReport({ gadget: oci('1.2.3', a) }, recorded(a), false)).toEqual({ lines: [`gadget 1.2.3: ${a} matches config/versions.ts`], moved: [] });
      expect(digestReport({ gadget: oci('1.2.3', a) }, recorded(a), true).lines).toEqual([`gadget 1.2.3: ${a} matches config/versions.ts (recorded before; offline, not resolved again)`]);
      expect(digestReport({ gadget: oci('1.2.3') }, recorded(a), false)).toEqual({
        lines: [`gadget 1.2.3: oci://registry.example/charts/gadget:1.2.3 is ${a}; to pin it, paste digest: '${a}' into CHARTS.gadget in config/versions.ts and drop its exceptions.digest`],
        moved: [],
      });
      expect(digestReport({ gadget: oci('1.2.3', a) }, recorded(b), false)).toEqual({
        lines: [],
        moved: [`gadget 1.2.3: oci://registry.example/charts/gadget:1.2.3 is now ${b}, but config/versions.ts pins ${a}: the tag was moved to other bytes; find out why before changing the pin`],
      });
      expect(digestReport({ gadget: oci('1.2.3', a) }, {}, true).lines).toEqual(['gadget 1.2.3: digest not resolved (offline import); run `npm run import` online to resolve oci://registry.example/charts/gadget:1.2.3']);
    });

    it('keeps, offline, only the digests recorded for the very tags pinned now', () => {
      const previous: ImportLock = { crds: {}, charts: {}, ociCharts: recorded(a) };
      expect(keptOciCharts(previous, { gadget: oci('1.2.3') })).toEqual(recorded(a));
      expect(keptOciCharts(previous, { gadget: oci('1.3.0') })).toEqual({});
      expect(keptOciCharts(undefined, { gadget: oci('1.2.3') })).toEqual({});
    });

    it('are written to the lock beside the sources', async () => {
      const out = path.join(tempDir('import-oci'), 'imports');
      await importSources({ root: ROOT, sources: [], out, ociCharts: recorded(a) });
      expect(readJson<ImportLock>(path.join(out, 'lock.json')).ociCharts).toEqual(recorded(a));
    });
  });

  describe('the committed imports/', () => {
    const lock = readJson<ImportLock>(path.join(importsDir(ROOT), 'lock.json'));
    const sources = pinnedSources(ROOT);

    it('were imported from exactly the sources pinned now (rerun `npm run import` after changing a version)', () => {
      const pinned = { crds: {} as Record<string, string>, charts: {} as Record<string, string> };
      for (const source of sources) {
        if (source.type === 'crd') pinned.crds[source.module] = source.url;
        else pinned.charts[source.chart] = `${source.version} ${source.url}`;
      }
      expect({
        crds: Object.fromEntries(Object.entries(lock.crds).map(([name, entry]) => [name, entry.url])),
        charts: Object.fromEntries(Object.entries(lock.charts).map(([name, entry]) => [name, `${entry.version} ${entry.url}`])),
      }).toEqual(pinned);
      expect(Object.keys(lock.charts).sort()).toEqual(['cert-manager', 'cilium', 'cloudnative-pg', 'loki', 'vcluster']);
    });

    it('record OCI digests only for the tags pinned now, each equal to the pinned digest (paste an unpinned one)', () => {
      const oci = Object.fromEntries((Object.values(CHARTS) as ChartVersion[]).filter(isOciChart).map((chart) => [chart.chart, chart]));
      expect(Object.keys(oci).length).toBeGreaterThan(0);
      for (const [name, entry] of Object.entries(lock.ociCharts ?? {})) {
        const chart = oci[name];
        expect({ name, url: entry.url }).toEqual({ name, url: `${chart?.repository}:${chart?.version}` });
        expect({ name, digest: entry.digest }).toEqual({ name, digest: chart.digest });
      }
    });

    it('hold each chart values schema byte for byte as its recorded SHA-256 says, and nothing the lock does not name', () => {
      for (const [chart, entry] of Object.entries(lock.charts)) expect({ chart, sha256: sha256(path.join(importsDir(ROOT), entry.schema)) }).toEqual({ chart, sha256: entry.sha256 });
      const named = [...Object.values(lock.crds), ...Object.values(lock.charts)].map((entry) => entry.schema).sort();
      const present = ['crds', 'charts'].flatMap((folder) => fs.readdirSync(path.join(importsDir(ROOT), folder)).map((file) => `${folder}/${file}`)).sort();
      expect(present).toEqual(named);
    });
  });
});
