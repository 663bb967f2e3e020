import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ROOT } from '../paths';
import { UsageError } from './usage-error';
import { vendorBootstrapManifests } from './vendor';

/** One entry of cdk8s.yaml's `imports`: `module:=url`. */
interface ImportSpec {
  readonly module: string;
  readonly url: string;
}

function readImportSpecs(): ImportSpec[] {
  const config = parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')) as { imports: string[] };
  return config.imports.map((entry) => {
    const [module, url] = entry.split(':=');
    return { module, url };
  });
}

/**
 * Finds the local copy of an upstream CRD: the file named like the URL's last segment, or ending
 * in it after a prefix (`strimzi-040-Crd-kafka.yaml` for `.../040-Crd-kafka.yaml`).
 */
function localCopy(folder: string, url: string): string {
  const name = path.basename(url);
  const matches = fs.readdirSync(folder).filter((file) => file === name || file.endsWith(`-${name}`) || file.endsWith(`_${name}`));
  if (matches.length !== 1) {
    throw new UsageError(`${folder} must hold exactly one file named like ${name}, found ${matches.length ? matches.join(', ') : 'none'}`);
  }
  return path.join(folder, matches[0]);
}

function lastLine(text: string | null): string {
  const lines = (text ?? '').trim().split('\n');
  return lines[lines.length - 1] || 'no output';
}

/**
 * `mini-atlas import [--from <folder>]`: regenerates imports/ with `cdk8s import`, and the copies
 * of what bootstrap applies in cluster/.
 */
export async function runImport(args: string[]): Promise<number> {
  const fromIndex = args.indexOf('--from');
  const folder = fromIndex >= 0 ? args[fromIndex + 1] : undefined;
  if (fromIndex >= 0 && !folder) throw new UsageError('--from needs a folder of CRD files');
  const specs = readImportSpecs().map(({ module, url }) => `${module}:=${folder ? localCopy(path.resolve(folder), url) : url}`);
  // Generate beside imports/ and swap only when every CRD imported: a failed download keeps the old imports.
  const staging = fs.mkdtempSync(path.join(ROOT, '.imports-'));
  try {
    const cdk8s = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
    // One `cdk8s import` per CRD: given several specs, cdk8s-cli 2.207 fails after the first.
    for (const spec of specs) {
      const before = fs.readdirSync(staging).length;
      const result = spawnSync(cdk8s, ['import', '--no-save', '--no-check-upgrade', '--output', staging, spec], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      if (result.status !== 0 || fs.readdirSync(staging).length === before) throw new UsageError(`cdk8s import ${spec} failed: ${lastLine(result.stderr)}`);
    }
    fs.rmSync(path.join(ROOT, 'imports'), { recursive: true, force: true });
    fs.renameSync(staging, path.join(ROOT, 'imports'));
    await vendorBootstrapManifests(ROOT, folder && path.resolve(folder));
    return 0;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
