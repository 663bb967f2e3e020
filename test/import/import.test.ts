import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { changedUnderSameUrl, importSources, type ImportLock } from '../../src/import/command';
import { type CompactCrd } from '../../src/import/crd-schema';
import { importsDir } from '../../src/import/layout';
import { pinnedSources, type ImportSource } from '../../src/import/sources';
import { ROOT } from '../../src/paths';
import { tempDir } from '../helpers';

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

describe('npm run import', () => {
  it('reads the sources pinned in cdk8s.yaml and config/versions.ts, with {version} filled in', () => {
    expect(pinnedSources(FIXTURES, [GADGET_CHART, { repository: 'https://charts.example.com', chart: 'plain', version: '1.0.0' }])).toEqual([
      { type: 'crd', module: 'gadget', url: 'https://example.com/config/crds/example.com_gadgets.yaml' },
      { type: 'values-schema', chart: 'gadget', version: '1.2.3', url: 'https://example.com/gadget/v1.2.3/values.schema.json' },
    ]);
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
    beforeAll(async () => {
      server = http.createServer((request, response) => {
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

    it('keeps the previous imports when a source fails, and names it', async () => {
      const out = path.join(tempDir('import-failed'), 'imports');
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'lock.json'), '{}\n');
      await expect(importSources({ root: ROOT, sources: sources('/crds/missing.yaml'), out })).rejects.toThrow(`${base}/crds/missing.yaml (gadget) answered 404 Not Found`);
      expect(fs.readdirSync(out)).toEqual(['lock.json']);
      expect(fs.readdirSync(path.dirname(out))).toEqual(['imports']);
    });
  });

  it('refuses a local folder that is not there, or lacks a pinned file, in one sentence with exit 2, and changes nothing', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['bin/mini-atlas.js', 'import', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const lockBefore = fs.readFileSync(path.join(importsDir(ROOT), 'lock.json'), 'utf8');
    const missing = run('--from', path.join(FIXTURES, 'nowhere'));
    expect({ status: missing.status, stderr: missing.stderr }).toEqual({ status: 2, stderr: `mini-atlas: --from ${path.join(FIXTURES, 'nowhere')} does not exist: give the folder that holds the pinned CRD files, named like the last segment of their URLs in cdk8s.yaml\n` });
    const file = run('--from', path.join(FIXTURES, 'crds', fs.readdirSync(path.join(FIXTURES, 'crds'))[0]));
    expect({ status: file.status, stderr: file.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(/^mini-atlas: --from .* is a file: give the folder that holds the pinned CRD files/) });
    const incomplete = run('--from', path.join(FIXTURES, 'crds'), '--charts-from', path.join(FIXTURES, 'crds'));
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

    it('hold each chart values schema byte for byte as its recorded SHA-256 says, and nothing the lock does not name', () => {
      for (const [chart, entry] of Object.entries(lock.charts)) expect({ chart, sha256: sha256(path.join(importsDir(ROOT), entry.schema)) }).toEqual({ chart, sha256: entry.sha256 });
      const named = [...Object.values(lock.crds), ...Object.values(lock.charts)].map((entry) => entry.schema).sort();
      const present = ['crds', 'charts'].flatMap((folder) => fs.readdirSync(path.join(importsDir(ROOT), folder)).map((file) => `${folder}/${file}`)).sort();
      expect(present).toEqual(named);
    });
  });
});
