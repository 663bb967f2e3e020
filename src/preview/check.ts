/**
 * Schema checks of expanded objects, before anything reaches a cluster: core Kubernetes kinds
 * against kubernetes-models' validators, custom kinds against the openAPIV3Schema of the pinned
 * CRDs, as `npm run import` wrote them to imports/crds/. The validators of every kind the RGDs
 * create are compiled together into one module of the compiled cache (one copy of ajv's runtime
 * and of kubernetes-models' shared code), so a run neither reads the CRD schemas nor loads ajv,
 * and loads one file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCompiled, packageVersion, standaloneValidators, type StandaloneOptions } from '../compiled-cache';
import { crdSchemaFile, type CompactCrd } from '../import/crd-schema';
import { mapSubschemas } from '../json-schema';
import { isRecord, toJsPattern } from './simple-schema';

/** One way an object breaks its kind's schema. */
export interface SchemaError {
  /** JSON pointer into the object, e.g. `/spec/replicas`. */
  readonly pointer: string;
  readonly message: string;
}

/** How an object fared: checked (with errors, possibly none) or not checkable, and why. */
export type CheckResult = { readonly errors: readonly SchemaError[] } | { readonly unchecked: string };

/** A kind of object, as its `apiVersion` and `kind` name it. */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

interface AjvError {
  readonly instancePath: string;
  readonly message?: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
}

type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

type ModelClass = new (data: unknown) => { validate(): void };

/** Where the checker finds its inputs. */
export interface CheckerOptions {
  /** The repository root (kubernetes-models is read from its node_modules). */
  readonly root: string;
  /** Folder of the compact CRD schemas (imports/crds/), one `<kind>.<group>.json` each. */
  readonly crdDir: string;
  /** Folder of the compiled validator modules. */
  readonly cacheDir: string;
  /**
   * The kinds the checker will be asked about (what the RGDs' templates create): their
   * validators are loaded as one module on the first check. A kind not listed is loaded on its
   * own when first seen. @default none
   */
  readonly kinds?: readonly KindRef[];
}

/** Where a checkable kind's validator comes from; part of the compiled module's key. */
type ValidatorSource =
  | { readonly kind: string; readonly from: 'kubernetes-models'; readonly file: string }
  | { readonly kind: string; readonly from: 'crd'; readonly file: string; readonly version: string; readonly stamp: string };

/** What the compiled module exports, by export name (`v0`, `v1`, ...). */
type CompiledValidators = Record<string, ModelClass | Validator | null>;

/** Every error, not the first; refs as calls (see withDefinitions). */
// Stryker disable next-line BooleanLiteral: validateFormats and inlineRefs change no error (no format is known without ajv-formats; an inlined ref checks the same)
const CRD_AJV_OPTIONS: StandaloneOptions = { strict: false, allErrors: true, validateFormats: false, inlineRefs: false };

/**
 * Bump when strictFields, withJsPatterns or withDefinitions change the schemas they produce: the
 * compiled module's key covers the CRD schema files, not the code that rewrites them.
 */
const CRD_REWRITE_VERSION = 3;

/** Checks objects against their kind's schema. */
export class SchemaChecker {
  private readonly validators = new Map<string, Validator | string>();

  constructor(private readonly options: CheckerOptions) {}

  /** The schema errors of `object`, ignoring values that are `<unresolved: ...>` placeholders. */
  check(object: Record<string, unknown>): CheckResult {
    const kind = { apiVersion: String(object.apiVersion), kind: String(object.kind) };
    // Stryker disable next-line ConditionalExpression: saves work only: a kind loaded before is skipped by load
    if (!this.validators.has(keyOf(kind))) {
      // Stryker disable next-line ConditionalExpression: saves work only: the listed kinds loaded before are skipped
      this.load(this.validators.size === 0 ? [kind, ...(this.options.kinds ?? [])] : [kind]);
    }
    const validator = this.validators.get(keyOf(kind))!;
    if (typeof validator === 'string') return { unchecked: validator };
    if (validator(object)) return { errors: [] };
    const errors = (validator.errors ?? []).filter((error) => !isPlaceholder(valueAt(object, error.instancePath)));
    return { errors: dedupe(errors.map(describe)) };
  }

  /** Loads the validators of `kinds` (those not loaded yet) from one compiled module; uncheckable kinds get the reason. */
  private load(kinds: readonly KindRef[]): void {
    const sources = new Map<string, ValidatorSource>();
    for (const kind of kinds) {
      const key = keyOf(kind);
      // Stryker disable next-line ConditionalExpression,LogicalOperator: saves work only: a kind compiled again gets an equal validator
      if (this.validators.has(key) || sources.has(key)) continue;
      const source = this.sourceOf(kind);
      if (typeof source === 'string') this.validators.set(key, source);
      else sources.set(key, source);
    }
    if (sources.size === 0) return;
    // Stryker disable next-line MethodExpression: the order only names the cached module; each kind's validator is the same
    const ordered = [...sources.entries()].sort(([a], [b]) => a.localeCompare(b));
    const compiled = loadCompiled<CompiledValidators>({
      cacheDir: this.options.cacheDir,
      name: 'preview-validators',
      key: JSON.stringify({
        // Stryker disable next-line ArrayDeclaration: the cache key: what it leaves out only serves a stale module after an upgrade, which no test makes
        versions: [packageVersion(this.options.root, 'kubernetes-models'), packageVersion(this.options.root, 'ajv')],
        options: CRD_AJV_OPTIONS,
        rewrite: CRD_REWRITE_VERSION,
        sources: ordered,
      }),
      resolveDir: this.options.root,
      source: () => validatorsModule(ordered.map(([, source]) => source)),
    });
    ordered.forEach(([key, source], index) => this.validators.set(key, toValidator(compiled[`v${index}`], source)));
  }

  /** Where the validator of `kind` comes from, or why there is none. */
  private sourceOf({ apiVersion, kind }: KindRef): ValidatorSource | string {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const model = path.join(this.options.root, 'node_modules', 'kubernetes-models', group || version, group ? version : '', `${kind}.js`);
    if (fs.existsSync(model)) return { kind, from: 'kubernetes-models', file: model };
    if (!group) return `no kubernetes-models schema for ${apiVersion} ${kind}`;
    const crdFile = path.join(this.options.crdDir, crdSchemaFile(group, kind));
    const stat = fs.statSync(crdFile, { throwIfNoEntry: false });
    if (!stat) return `no CRD for ${kind}.${group} in ${path.relative(this.options.root, this.options.crdDir) || this.options.crdDir} (list it in cdk8s.yaml and run npm run import)`;
    // Stryker disable next-line StringLiteral: the stamp is part of the cache key only (a changed CRD file compiles again)
    return { kind, from: 'crd', file: crdFile, version, stamp: `${stat.mtimeMs}-${stat.size}` };
  }
}

function keyOf({ apiVersion, kind }: KindRef): string {
  return `${apiVersion}/${kind}`;
}

/** The validator the compiled module exports for `source`, or why the CRD cannot check it. */
function toValidator(compiled: ModelClass | Validator | null | undefined, source: ValidatorSource): Validator | string {
  if (source.from === 'kubernetes-models') return modelValidator(compiled as ModelClass);
  return (compiled as Validator | null) ?? `${path.basename(source.file)} does not serve version ${source.version} of ${source.kind}`;
}

/** kubernetes-models throw their ajv errors instead of leaving them on a validate function. */
function modelValidator(Model: ModelClass): Validator {
  const validator: Validator = (data: unknown): boolean => {
    try {
      new Model(data).validate();
      validator.errors = null;
      // Stryker disable next-line BooleanLiteral: check() reads the errors, none here, either way
      return true;
    } catch (error) {
      // Stryker disable next-line all: kubernetes-models throw ajv's errors; anything else must not pass silently, and no model throws it
      validator.errors = (error as { errors?: AjvError[] }).errors ?? [{ instancePath: '', keyword: 'error', params: {}, message: String(error) }];
      return false;
    }
  };
  return validator;
}

/**
 * Source of the module exporting, as `v<index>`, each source's model class (kubernetes-models)
 * or CRD validator (null when the CRD does not serve that version). All CRD schemas go through
 * one ajv instance, so the module holds one copy of ajv's runtime.
 */
function validatorsModule(sources: readonly ValidatorSource[]): string {
  const schemas: Record<string, object> = {};
  const lines = sources.map((source, index) => {
    if (source.from === 'kubernetes-models') return `export { ${source.kind} as v${index} } from ${JSON.stringify(source.file)};`;
    const schema = crdSchema(JSON.parse(fs.readFileSync(source.file, 'utf8')) as CompactCrd, source.version);
    // Stryker disable next-line StringLiteral: an export left out reads as null all the same
    if (!schema) return `export const v${index} = null;`;
    schemas[`v${index}`] = schema;
    return '';
  });
  // Stryker disable next-line ConditionalExpression,EqualityOperator: saves work only: code for no schema exports nothing
  const crdCode = Object.keys(schemas).length > 0 ? standaloneValidators(schemas, CRD_AJV_OPTIONS) : '';
  // Stryker disable next-line MethodExpression,StringLiteral: empty lines, and statements each ending in a semicolon, load the same
  return [crdCode, ...lines.filter(Boolean)].join('\n');
}

/**
 * The schema for `version` of `crd` as the preview checks it, or undefined if the CRD does not
 * serve that version. Unknown fields are errors (as with kubectl's strict field validation)
 * except where the schema preserves them.
 */
function crdSchema(crd: CompactCrd, version: string): object | undefined {
  const schema = crd.versions[version];
  if (!schema) return undefined;
  return withDefinitions(withJsPatterns(strictFields(schema, true)) as Record<string, unknown>);
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
    if (key === 'properties') {
      result[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, property]) => [name, top && name === 'metadata' ? { type: 'object' } : strictFields(property)]));
    } else {
      result[key] = LOGIC.has(key) ? value : strictFields(value);
    }
  }
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties !== undefined;
  if (isRecord(schema.properties) && !open) result.additionalProperties = false;
  return result;
}

const LOGIC = new Set(['anyOf', 'oneOf', 'allOf', 'not']);

/**
 * The schema with each object schema (one with fields or items) moved to `definitions`, identical
 * ones once, and referred to by `$ref`. ajv would otherwise generate one function per CRD, with
 * the code of a repeated schema (a label selector, a port list, CiliumNetworkPolicy's `spec` again
 * as each of `specs`) once per occurrence; with refs kept as calls (inlineRefs: false) each
 * definition is one small function, and V8 compiles only those a check reaches. The errors are
 * the same, at the same paths.
 */
function withDefinitions(schema: Record<string, unknown>): Record<string, unknown> {
  const names = new Map<string, string>();
  const definitions: Record<string, unknown> = {};
  const hoist = (node: unknown): unknown => {
    if (!isRecord(node)) return node;
    const hoisted = mapSubschemas(node, hoist);
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: saves work only: a schema behind a $ref reports the same errors at the same paths
    if (!isObjectSchema(hoisted)) return hoisted;
    const text = JSON.stringify(hoisted);
    let name = names.get(text);
    // Stryker disable next-line ConditionalExpression: saves work only: an identical schema defined twice checks the same
    if (!name) {
      name = `s${names.size}`;
      names.set(text, name);
      definitions[name] = hoisted;
    }
    return { $ref: `#/definitions/${name}` };
  };
  return { ...mapSubschemas(schema, hoist), definitions };
}

/** A schema worth its own function: one with fields or items, whose code is more than a call. */
function isObjectSchema(node: unknown): boolean {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: saves work only: which schemas are hoisted changes no error
  return isRecord(node) && (isRecord(node.properties) || isRecord(node.items));
}

/** The schema with its Go (RE2) patterns in JavaScript syntax. */
function withJsPatterns(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withJsPatterns);
  if (!isRecord(schema)) return schema;
  const converted = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, withJsPatterns(value)]));
  // A property named `pattern` (below `properties`) is a schema, not a string: it was converted above.
  if (typeof converted.pattern === 'string') converted.pattern = toJsPattern(converted.pattern);
  return converted;
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
    current = (current as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && value.includes('<unresolved: ');
}
