import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BOOTSTRAP_MANIFESTS } from '../../config/versions';
import { UsageError } from '../cli/usage-error';
import { fetchOrRefuse } from './fetch';

/** The checksum file beside the copied manifests, in `sha256sum --check` format. */
export const CHECKSUMS_FILE = 'SHA256SUMS';

/**
 * Copies the manifests cluster/bootstrap.sh applies (config/versions.ts's BOOTSTRAP_MANIFESTS)
 * into `cluster/<folder>/`, from their URLs or from `from` (a folder of files named like the
 * URLs' last segment), with a SHA256SUMS of what was copied; returns the folders written. Each
 * folder is staged beside itself and swapped in whole, so a failed download keeps the old copy.
 * `manifests` (the URLs by folder) defaults to BOOTSTRAP_MANIFESTS; tests give their own.
 */
export async function vendorBootstrapManifests(root: string, from?: string, manifests = BOOTSTRAP_MANIFESTS): Promise<string[]> {
  const written: string[] = [];
  for (const [folder, urls] of Object.entries(manifests)) {
    const target = path.join(root, 'cluster', folder);
    const staging = `${target}.tmp-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    try {
      const sums: string[] = [];
      for (const url of urls) {
        const name = path.basename(new URL(url).pathname);
        const bytes = from ? readLocal(from, name) : await download(url);
        fs.writeFileSync(path.join(staging, name), bytes);
        sums.push(`${createHash('sha256').update(bytes).digest('hex')}  ${name}\n`);
      }
      fs.writeFileSync(path.join(staging, CHECKSUMS_FILE), sums.join(''));
      fs.rmSync(target, { recursive: true, force: true });
      fs.renameSync(staging, target);
      written.push(`cluster/${folder}/`);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  return written;
}

function readLocal(folder: string, name: string): Buffer {
  const file = path.join(folder, name);
  if (!fs.existsSync(file)) throw new UsageError(`${folder} has no ${name}, which bootstrap applies`);
  return fs.readFileSync(file);
}

async function download(url: string): Promise<Buffer> {
  const response = await fetchOrRefuse(url, (reason) => `cannot download ${url}: ${reason}; offline, import with --from <folder of the files>`);
  if (!response.ok) throw new UsageError(`${url} answered ${response.status} ${response.statusText}`);
  return Buffer.from(await response.arrayBuffer());
}
