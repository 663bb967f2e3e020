/**
 * Schema checks of expanded objects, before anything reaches a cluster: core Kubernetes kinds
 * against kubernetes-models' validators (loaded per kind, on first use), custom kinds against the
 * openAPIV3Schema of the pinned CRDs in `../shared/crds/`. Each kind's validator is built once
 * and kept as one bundled module in a cache folder (`.build/`), so later runs neither parse the
 * (large) CRD YAML nor load ajv, and load one file per kind.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { isRecord, toJsPattern } from './simple-schema';

/** One way an object breaks its kind's schema. */
export interface SchemaError {
  /** JSON pointer into the object, e.g. `/spec/replicas`. */
  readonly pointer: string;
  readonly message: string;
}

/** How an object fared: checked (with errors, possibly none) or not checkable, and why. */
export type CheckResult = { readonly errors: readonly SchemaError[] } | { readonly unchecked: string };

interface AjvError {
  readonly instancePath: string;
  readonly message?: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
}

type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

/** Where the checker finds its inputs. */
export interface CheckerOptions {
  /** The repository root (kubernetes-models is read from its node_modules). */
  readonly root: string;
  /** Folder of the pinned CRD files. */
  readonly crdDir: string;
  /** Folder for compiled CRD validators. */
  readonly cacheDir: string;
}

/** Checks objects against their kind's schema, loading each kind's validator once. */
export class SchemaChecker {
  private readonly validators = new Map<string, Validator | string>();
  private crdIndex: Map<string, string> | undefined;

  constructor(private readonly options: CheckerOptions) {}

  /** The schema errors of `object`, ignoring values that are `<unresolved: ...>` placeholders. */
  check(object: Record<string, unknown>): CheckResult {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const key = `${apiVersion}/${kind}`;
    let validator = this.validators.get(key);
    if (validator === undefined) {
      validator = this.coreValidator(apiVersion, kind) ?? this.crdValidator(apiVersion, kind);
      this.validators.set(key, validator);
    }
    if (typeof validator === 'string') return { unchecked: validator };
    if (validator(object)) return { errors: [] };
    const errors = (validator.errors ?? []).filter((error) => !isPlaceholder(valueAt(object, error.instancePath)));
    return { errors: dedupe(errors.map(describe)) };
  }

  private coreValidator(apiVersion: string, kind: string): Validator | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const file = path.join(this.options.root, 'node_modules', 'kubernetes-models', group || version, group ? version : '', `${kind}.js`);
    if (!fs.existsSync(file)) return undefined;
    const name = `k8s.${group || 'core'}.${version}.${kind}.${Math.round(fs.statSync(file).mtimeMs)}.js`;
    const { Model } = this.compiled(name, () => `export { ${kind} as Model } from ${JSON.stringify(file)};`) as { Model: new (data: unknown) => { validate(): void } };
    // The models throw their ajv errors instead of leaving them on a validate function.
    const validator: Validator = (data: unknown): boolean => {
      try {
        new Model(data).validate();
        validator.errors = null;
        return true;
      } catch (error) {
        validator.errors = (error as { errors?: AjvError[] }).errors ?? [{ instancePath: '', keyword: 'error', params: {}, message: String(error) }];
        return false;
      }
    };
    return validator;
  }

  private crdValidator(apiVersion: string, kind: string): Validator | string {
    const [group, version] = apiVersion.split('/');
    if (!version) return `no kubernetes-models schema for ${apiVersion} ${kind}`;
    const crdFile = this.crdFileFor(group, kind);
    if (!crdFile) {
      return fs.existsSync(this.options.crdDir)
        ? `no CRD for ${kind}.${group} in ${this.options.crdDir}`
        : `CRD folder ${this.options.crdDir} is missing (it holds the pinned CRDs; check out ../shared beside the repository)`;
    }
    const stat = fs.statSync(crdFile);
    const name = `crd.${path.basename(crdFile, '.yaml')}.${version}.${Math.round(stat.mtimeMs)}-${stat.size}.js`;
    const compiled = this.compiled(name, () => compileCrdValidator(fs.readFileSync(crdFile, 'utf8'), version) ?? 'export default null;');
    return (compiled as { default: Validator | null }).default ?? `${path.basename(crdFile)} does not serve version ${version} of ${kind}`;
  }

  /**
   * The module `name` in the cache folder, bundled by esbuild from `source()` the first time:
   * one self-contained CommonJS file loads faster than the packages it comes from, and loads
   * where ES modules cannot be required (kubernetes-models is ESM-only).
   */
  private compiled(name: string, source: () => string): unknown {
    const file = path.join(this.options.cacheDir, name);
    if (!fs.existsSync(file)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- only needed the first time a kind is seen
      const esbuild = require('esbuild') as typeof import('esbuild');
      const [output] = esbuild.buildSync({
        stdin: { contents: source(), resolveDir: this.options.root, loader: 'js' },
        bundle: true, format: 'cjs', platform: 'node', target: 'node20', write: false, logLevel: 'silent',
      }).outputFiles;
      fs.mkdirSync(this.options.cacheDir, { recursive: true });
      fs.writeFileSync(`${file}.${process.pid}.tmp`, output.text);
      fs.renameSync(`${file}.${process.pid}.tmp`, file);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a generated module, found at run time
    return require(file);
  }

  /** The CRD file defining `kind` in `group`, found from the head of each file (names come first). */
  private crdFileFor(group: string, kind: string): string | undefined {
    if (!this.crdIndex) {
      this.crdIndex = new Map();
      const dir = this.options.crdDir;
      for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).filter((file) => file.endsWith('.yaml')) : []) {
        const head = readHead(path.join(dir, name), 4096);
        const crdGroup = /^ {2}group: ["']?([\w.-]+)/m.exec(head)?.[1];
        const crdKind = /^ {2}names:\n(?: {4}.*\n)*? {4}kind: ["']?(\w+)/m.exec(head)?.[1];
        if (crdGroup && crdKind) this.crdIndex.set(`${crdGroup}/${crdKind}`, path.join(dir, name));
      }
    }
    return this.crdIndex.get(`${group}/${kind}`);
  }
}

function readHead(file: string, bytes: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, bytes, 0)).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Standalone validator code for `version` of the CRD in `text`, or undefined if it does not
 * serve that version. Unknown fields are errors (as with kubectl's strict field validation)
 * except where the schema preserves them.
 */
function compileCrdValidator(text: string, version: string): string | undefined {
  /* eslint-disable @typescript-eslint/no-require-imports -- ajv is only needed the first time a CRD is seen */
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const crd = parse(text) as { spec?: { versions?: { name: string; served?: boolean; schema?: { openAPIV3Schema?: unknown } }[] } };
  const served = crd.spec?.versions?.find((candidate) => candidate.name === version && candidate.served !== false);
  if (!served?.schema?.openAPIV3Schema) return undefined;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { source: true, esm: true } });
  return standaloneCode(ajv, ajv.compile(withJsPatterns(strictFields(served.schema.openAPIV3Schema, true)) as Record<string, unknown>));
}

/**
 * The schema with `additionalProperties: false` on declared objects and metadata left to the
 * API server. anyOf/oneOf/allOf/not branches only constrain fields declared beside them (CRD
 * schemas are structural), so they are kept as they are.
 */
function strictFields(schema: unknown, top = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => strictFields(item));
  if (!isRecord(schema)) return schema;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && isRecord(value)) {
      result[key] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, top && name === 'metadata' ? { type: 'object' } : strictFields(property)]));
    } else {
      result[key] = LOGIC.has(key) ? value : strictFields(value);
    }
  }
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties !== undefined;
  if (isRecord(schema.properties) && !open) result.additionalProperties = false;
  return result;
}

const LOGIC = new Set(['anyOf', 'oneOf', 'allOf', 'not']);

/** The schema with its Go (RE2) patterns in JavaScript syntax. */
function withJsPatterns(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withJsPatterns);
  if (!isRecord(schema)) return schema;
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === 'pattern' && typeof value === 'string' ? toJsPattern(value) : withJsPatterns(value)]));
}

function describe(error: AjvError): SchemaError {
  const pointer = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') return { pointer, message: `unknown field "${String(error.params.additionalProperty)}"` };
  if (error.keyword === 'enum') return { pointer, message: `must be one of ${(error.params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}` };
  return { pointer, message: error.message ?? error.keyword };
}

function dedupe(errors: SchemaError[]): SchemaError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.pointer} ${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function valueAt(object: unknown, pointer: string): unknown {
  let current = object;
  for (const segment of pointer.split('/').slice(1)) {
    if (!isRecord(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && value.includes('<unresolved: ');
}
