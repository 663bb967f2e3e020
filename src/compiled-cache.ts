/**
 * Generated modules compiled once into a cache folder (`.build/`) and loaded from there on every
 * later run: validators that ajv generates from JSON Schemas, kubernetes-models' validators, and
 * parsed YAML. A run with a warm cache loads one self-contained CommonJS file per module instead
 * of ajv's compiler, esbuild, a YAML parse or the many files of the packages the code comes from.
 *
 * A module's file is named by a hash of everything its code depends on (its key), so a changed
 * input names another file and a stale one is never loaded. Files are written under a temporary
 * name and renamed into place, so concurrent runs (jest workers, parallel previews) never read a
 * half-written file; a damaged file is detected (see loadCompiled) and rebuilt.
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './paths';

/** The cache folder of the repository's commands (.build/ is not committed; CI starts without it). */
export const CACHE_DIR = path.join(ROOT, '.build', 'compiled');

/** One module of the cache. */
export interface CompiledModule {
  /** The cache folder (created when missing). */
  readonly cacheDir: string;
  /** Readable start of the file name, e.g. `user-space-validators`. */
  readonly name: string;
  /** Everything the generated code depends on (schemas, file versions, package versions). */
  readonly key: string;
  /** Folder that the source's imports and requires resolve from. */
  readonly resolveDir: string;
  /** The module's ES module source; only called when the cache has no valid file for `key`. */
  source(): string;
}

/** Bump when bundle() changes the files it writes: keys cover what modules are made of, not how. */
const BUNDLE_FORMAT = 4;

/** Options of ajv's code generation that change the code it generates. */
export interface StandaloneOptions {
  readonly allErrors?: boolean;
  readonly verbose?: boolean;
  readonly strict?: boolean;
  readonly validateFormats?: boolean;
  /** false: each `$ref` is a call of one function, instead of a copy of its code. */
  readonly inlineRefs?: boolean;
}

/**
 * The exports of `module`, compiled from its source on the first run that needs it. The file
 * ends with a line naming its key's hash: a file without it was cut short (or is not ours) and
 * is as good as missing, and so is one that does not load.
 */
export function loadCompiled<T extends object>(module: CompiledModule): T {
  const hash = createHash('sha256').update(`${BUNDLE_FORMAT}\n${module.key}`).digest('hex').slice(0, 16);
  const file = path.join(module.cacheDir, `${module.name}.${hash}.js`);
  const trailer = `\n//# cacheKey=${hash}\n`;
  if (!endsWith(file, trailer)) writeAtomically(file, bundle(module) + trailer);
  try {
    return requireFile(file) as T;
  } catch {
    writeAtomically(file, bundle(module) + trailer);
    return requireFile(file) as T;
  }
}

/**
 * The version of package `name` in `root`'s node_modules, for keys: generated code depends on it.
 * Read from the file, as not every package exports its package.json to require.
 */
export function packageVersion(root: string, name: string): string {
  const file = path.join(root, 'node_modules', name, 'package.json');
  return `${name}@${(JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version}`;
}

/**
 * ES module source exporting one ajv validate function per entry of `schemas`, under the entry's
 * name (a JavaScript identifier), all sharing one copy of ajv's runtime helpers. Loads ajv, so
 * call it only from a `CompiledModule`'s `source`.
 */
export function standaloneValidators(schemas: Readonly<Record<string, object>>, options: StandaloneOptions): string {
  /* eslint-disable @typescript-eslint/no-require-imports -- ajv's compiler is only needed when the cache is cold */
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const ajv = new Ajv({ ...options, code: { source: true, esm: true } });
  for (const [exportName, schema] of Object.entries(schemas)) ajv.addSchema(schema, exportName);
  return standaloneCode(ajv, Object.fromEntries(Object.keys(schemas).map((exportName) => [exportName, exportName])));
}

/** Whether `file` exists and ends with `text`, read without reading the whole file. */
function endsWith(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const tail = Buffer.alloc(Buffer.byteLength(text));
    // Stryker disable next-line EqualityOperator: no module is its end marker alone, so none is exactly as long as it
    if (size < tail.length) return false;
    return fs.readSync(fd, tail, 0, tail.length, size - tail.length) === tail.length && tail.toString('utf8') === text;
  } finally {
    fs.closeSync(fd);
  }
}

function requireFile(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a generated module, found at run time
  return require(file);
}

/**
 * One self-contained CommonJS file: esbuild inlines what the source imports (ajv's runtime,
 * kubernetes-models' ES modules, which CommonJS cannot require), minified because a run reads
 * and parses all of it (minifying halves ajv's generated code). kubernetes-models' format
 * checks require `punycode`, which Node resolves to its deprecated built-in (a
 * DeprecationWarning on every run from Node 21 on): the userland package they depend on is
 * bundled instead.
 */
function bundle(module: CompiledModule): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- esbuild is only needed when the cache is cold
  const esbuild = require('esbuild') as typeof import('esbuild');
  const [output] = esbuild.buildSync({
    stdin: { contents: module.source(), resolveDir: module.resolveDir, loader: 'js' },
    bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'silent',
    // Stryker disable next-line BooleanLiteral,StringLiteral: minify and target change the bundle's size and syntax, not what it does
    minify: true, target: 'node22',
    alias: { punycode: 'punycode/' },
  }).outputFiles;
  return output.text;
}

/** Writes under a name no other process uses, then renames: readers see the old file or the whole new one. */
function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}
