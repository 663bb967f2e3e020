import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BOOTSTRAP_MANIFESTS } from '../../config/versions';
import { CHECKSUMS_FILE, vendorBootstrapManifests } from '../../src/import/bootstrap-manifests';
import { tempDir } from '../helpers';

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
