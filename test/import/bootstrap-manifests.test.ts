import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { BOOTSTRAP_MANIFESTS } from '../../config/versions';
import { CHECKSUMS_FILE, vendorBootstrapManifests } from '../../src/import/bootstrap-manifests';
import { UsageError } from '../../src/cli/usage-error';
import { refusingAddress, tempDir } from '../helpers';

describe('npm run import: what bootstrap applies', () => {
  const [folder, urls] = Object.entries(BOOTSTRAP_MANIFESTS)[0];
  const names = urls.map((url) => path.basename(url));

  /** A folder holding a file for each URL, named like its last segment. */
  function localCopies(): string {
    const from = tempDir('vendor-from');
    for (const name of names) fs.writeFileSync(path.join(from, name), `kind: CustomResourceDefinition # ${name}\n`);
    return from;
  }

  it('copies every file into cluster/<folder>/ with a SHA256SUMS of what it copied', async () => {
    const root = tempDir('vendor-root');
    const from = localCopies();
    await vendorBootstrapManifests(root, from);
    const target = path.join(root, 'cluster', folder);
    expect(fs.readdirSync(target).sort()).toEqual([...names, CHECKSUMS_FILE].sort());
    const sums = names.map((name) => `${createHash('sha256').update(fs.readFileSync(path.join(from, name))).digest('hex')}  ${name}\n`).join('');
    expect(fs.readFileSync(path.join(target, CHECKSUMS_FILE), 'utf8')).toBe(sums);
  });

  it('replaces an earlier copy whole, and clears what an interrupted import left in its staging folder', async () => {
    const root = tempDir('vendor-root');
    const target = path.join(root, 'cluster', folder);
    fs.mkdirSync(target, { recursive: true });
    fs.writeFileSync(path.join(target, 'dropped-upstream.yaml'), 'kind: CustomResourceDefinition\n');
    const staging = `${target}.tmp-${process.pid}`;
    fs.mkdirSync(staging);
    fs.writeFileSync(path.join(staging, 'half-written.yaml'), 'kind: Custom');
    await vendorBootstrapManifests(root, localCopies());
    expect(fs.readdirSync(target).sort()).toEqual([...names, CHECKSUMS_FILE].sort());
    expect(fs.readdirSync(path.join(root, 'cluster'))).toEqual([folder]);
  });

  it('keeps the old copy when a file is missing, and says which', async () => {
    const root = tempDir('vendor-root');
    const from = localCopies();
    await vendorBootstrapManifests(root, from);
    const target = path.join(root, 'cluster', folder);
    const before = fs.readFileSync(path.join(target, CHECKSUMS_FILE), 'utf8');
    fs.rmSync(path.join(from, names[2]));
    await expect(vendorBootstrapManifests(root, from)).rejects.toThrow(`${from} has no ${names[2]}, which bootstrap applies`);
    expect(fs.readFileSync(path.join(target, CHECKSUMS_FILE), 'utf8')).toBe(before);
    expect(fs.readdirSync(path.join(root, 'cluster'))).toEqual([folder]);
  });
});

describe('npm run import: what bootstrap applies, from its URLs', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      if (request.url?.startsWith('/crds/')) return void response.writeHead(200).end(`kind: CustomResourceDefinition # ${request.url}\n`);
      return void response.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads every file into cluster/<folder>/, each folder swapped in whole', async () => {
    const root = tempDir('vendor-online');
    const written = await vendorBootstrapManifests(root, undefined, { crds: [`${base}/crds/a.yaml`, `${base}/crds/b.yaml`], more: [`${base}/crds/c.yaml`] });
    expect(written).toEqual(['cluster/crds/', 'cluster/more/']);
    expect(fs.readdirSync(path.join(root, 'cluster', 'crds'))).toEqual([CHECKSUMS_FILE, 'a.yaml', 'b.yaml']);
    expect(fs.readFileSync(path.join(root, 'cluster', 'more', 'c.yaml'), 'utf8')).toBe('kind: CustomResourceDefinition # /crds/c.yaml\n');
    expect(fs.readdirSync(path.join(root, 'cluster'))).toEqual(['crds', 'more']);
  });

  it('keeps the old copy and names the URL when one answers an error, or cannot be reached', async () => {
    const root = tempDir('vendor-online-failed');
    await vendorBootstrapManifests(root, undefined, { crds: [`${base}/crds/a.yaml`] });
    const before = fs.readFileSync(path.join(root, 'cluster', 'crds', CHECKSUMS_FILE), 'utf8');
    await expect(vendorBootstrapManifests(root, undefined, { crds: [`${base}/crds/a.yaml`, `${base}/gone.yaml`] })).rejects.toThrow(new UsageError(`${base}/gone.yaml answered 404 Not Found`));
    const address = await refusingAddress();
    await expect(vendorBootstrapManifests(root, undefined, { crds: [`http://${address}/crds/a.yaml`] })).rejects.toThrow(
      new UsageError(`cannot download http://${address}/crds/a.yaml: connect ECONNREFUSED ${address}; offline, import with --from <folder of the files>`),
    );
    expect(fs.readFileSync(path.join(root, 'cluster', 'crds', CHECKSUMS_FILE), 'utf8')).toBe(before);
    expect(fs.readdirSync(path.join(root, 'cluster'))).toEqual(['crds']);
  });
});
