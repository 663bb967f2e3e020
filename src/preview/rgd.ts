/**
 * ResourceGraphDefinitions as synthesized into `dist/<cluster>/abstractions/`: read from their
 * YAML (never from the TypeScript that produced them), with enough position information to
 * point a problem at the line of the RGD file it comes from.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { CACHE_DIR, loadCompiled, packageVersion } from '../compiled-cache';
import type { SourceLocation } from '../user-space/model';
import type { KindRef } from './check';
import type { Problem } from '../user-space/problems';
import { CelSyntaxError, compile, isStandalone, segmentsOf, type CompiledExpression, type Reference } from './expressions';
import { fieldAt, isRecord, parseSimpleSchema, SimpleSchemaError, type FieldSchema } from './simple-schema';

/** One iterator of a kro 0.9 `forEach`: `- item: ${schema.spec.items}`. */
export interface Iterator {
  readonly name: string;
  readonly expression: string;
}

/** One entry of `spec.resources`. */
export interface ResourceDefinition {
  readonly id: string;
  readonly template: Record<string, unknown>;
  readonly includeWhen: readonly string[];
  readonly readyWhen: readonly string[];
  readonly forEach: readonly Iterator[];
}

/** A ResourceGraphDefinition and the API it defines. */
export interface Rgd {
  /** Path relative to the repository root. */
  readonly file: string;
  readonly name: string;
  /** API version of its instances, e.g. `kro.run/v1alpha1`. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly scope: 'Namespaced' | 'Cluster';
  /** OpenAPI schema of the instances' `spec`. */
  readonly spec: FieldSchema;
  readonly resources: readonly ResourceDefinition[];
  /** `spec.schema.status`: status fields kro fills from the resources, as written. */
  readonly status: unknown;
  /** Where the node at `yamlPath` (from the document root; sequence indices as numbers) is in the file, else its closest ancestor. */
  locate(yamlPath: readonly (string | number)[]): SourceLocation;
}

/** The RGDs of a directory (one per `*.yaml` file) and the problems found reading them. */
export interface RgdSet {
  readonly rgds: readonly Rgd[];
  readonly problems: readonly Problem[];
  /** The RGD defining instances of `apiVersion`/`kind`. */
  find(apiVersion: string, kind: string): Rgd | undefined;
}

/** Reads every RGD in `dir` (absolute); file names in locations are relative to `root`. */
export function loadRgds(root: string, dir: string): RgdSet {
  // Stryker disable next-line MethodExpression,ArrayDeclaration: libuv's scandir, under readdirSync, sorts by name already; the names of no folder pass the .yaml filter below unless they end so
  const entries = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  const names = entries.filter((name) => /\.ya?ml$/.test(name));
  return rgdSet(root, names.map((name) => ({ file: path.relative(root, path.join(dir, name)), text: fs.readFileSync(path.join(dir, name), 'utf8') })));
}

/** A text holding RGDs, and how locations name it. */
export interface RgdSource {
  readonly file: string;
  readonly text: string;
}

/** The RGDs of `sources` (files of dist/, from the disk or from a commit). */
export function rgdSet(root: string, sources: readonly RgdSource[]): RgdSet {
  const rgds: Rgd[] = [];
  const problems: Problem[] = [];
  cachedYamlData(root, sources.map((source) => source.text)).forEach((data, index) => {
    const result = interpretRgd(sources[index].file, data);
    if ('rgd' in result) rgds.push(result.rgd);
    problems.push(...result.problems);
  });
  return indexRgds(rgds, problems);
}

/** A set of RGDs, found by the kind of instance they define. */
export function indexRgds(rgds: readonly Rgd[], problems: readonly Problem[]): RgdSet {
  return { rgds, problems, find: (apiVersion, kind) => rgds.find((rgd) => rgd.apiVersion === apiVersion && rgd.kind === kind) };
}

/**
 * The kinds the RGDs' templates create, as far as the templates name them literally (a kind
 * computed by an expression is only known once expanded).
 */
export function createdKinds(set: RgdSet): KindRef[] {
  const literal = (value: unknown): value is string => typeof value === 'string' && !value.includes('${');
  return set.rgds.flatMap((rgd) => rgd.resources)
    .map((resource) => ({ apiVersion: resource.template.apiVersion, kind: resource.template.kind }))
    .filter((kind): kind is KindRef => literal(kind.apiVersion) && literal(kind.kind));
}

/** Parses one RGD file's text; `file` is only used to locate problems. */
export function readRgd(file: string, text: string): { rgd: Rgd; problems: Problem[] } | { problems: Problem[] } {
  return interpretRgd(file, parseYamlData(text));
}

/** An RGD and its problems from its YAML document as data. */
function interpretRgd(file: string, data: YamlData): { rgd: Rgd; problems: Problem[] } | { problems: Problem[] } {
  if ('error' in data) return { problems: [{ severity: 'error', location: { file, line: data.error.line, col: data.error.col }, message: data.error.message }] };
  const locate = (yamlPath: readonly (string | number)[]): SourceLocation => locateIn(data.positions, file, yamlPath);
  const fail = (yamlPath: readonly (string | number)[], message: string) => ({ problems: [{ severity: 'error' as const, location: locate(yamlPath), message }] });
  const object = data.value;
  if (!isRecord(object) || object.kind !== 'ResourceGraphDefinition' || !isRecord(object.spec) || !isRecord(object.spec.schema)) {
    // Stryker disable next-line ArrayDeclaration: a path that is not in the file is located at its closest ancestor, the document, as [] is
    return fail([], 'not a kro ResourceGraphDefinition (kind ResourceGraphDefinition with spec.schema)');
  }
  const schema = object.spec.schema;
  let spec: FieldSchema;
  try {
    spec = parseSimpleSchema(schema.spec, isRecord(schema.types) ? schema.types : {});
  } catch (error) {
    if (!(error instanceof SimpleSchemaError)) throw error;
    return fail(['spec', 'schema', ...error.path.split('.')], `invalid schema: ${error.message}`);
  }
  const rawResources: unknown[] = Array.isArray(object.spec.resources) ? object.spec.resources : [];
  // Problems point at a resource by its index, so every entry must be one.
  if (!rawResources.every(isRecord)) {
    const index = rawResources.findIndex((entry) => !isRecord(entry));
    return fail(['spec', 'resources', index], `spec.resources[${index}] is not a map (a resource has an id and a template)`);
  }
  const rgd: Rgd = {
    file,
    name: isRecord(object.metadata) ? String(object.metadata.name) : path.basename(file),
    apiVersion: `${typeof schema.group === 'string' ? schema.group : 'kro.run'}/${String(schema.apiVersion)}`,
    kind: String(schema.kind),
    scope: schema.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
    spec,
    resources: rawResources.map(toResourceDefinition),
    status: schema.status,
    locate,
  };
  return { rgd, problems: checkRgd(rgd) };
}

function toResourceDefinition(raw: Record<string, unknown>): ResourceDefinition {
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
  const forEach = Array.isArray(raw.forEach)
    ? raw.forEach.filter(isRecord).flatMap((entry) => Object.entries(entry).map(([name, expression]) => ({ name, expression: String(expression) })))
    : [];
  return {
    id: String(raw.id),
    template: isRecord(raw.template) ? raw.template : {},
    includeWhen: strings(raw.includeWhen),
    readyWhen: strings(raw.readyWhen),
    forEach,
  };
}

/** Where the node at `yamlPath` is, or its closest ancestor that is in the file. */
function locateIn(positions: Positions, file: string, yamlPath: readonly (string | number)[]): SourceLocation {
  for (let length = yamlPath.length; length >= 0; length--) {
    const position = positions[JSON.stringify(yamlPath.slice(0, length))];
    if (position) return { file, line: position[0], col: position[1] };
  }
  return { file, line: 1, col: 1 };
}

/**
 * A YAML document as plain data (JSON, as Kubernetes objects are), so that it can be cached:
 * its value and the line and column of each of its nodes by path (JSON of the path from the
 * root: keys for maps, indices for sequences), or its first syntax error.
 */
type YamlData =
  | { readonly value: unknown; readonly positions: Positions }
  | { readonly error: { readonly line: number; readonly col: number; readonly message: string } };

/** Line and column of each node of a YAML document, by the JSON of its path. */
type Positions = Readonly<Record<string, readonly [number, number]>>;

/**
 * Bump when parseYamlData's output changes: the cache key covers the RGD files and the yaml
 * package, not this file's code.
 */
const YAML_DATA_FORMAT = 1;

/**
 * The RGD texts parsed, from the compiled cache when they were seen before: parsing YAML costs
 * more than the rest of a preview of one team, and dist/ changes only when synth runs.
 */
function cachedYamlData(root: string, texts: readonly string[]): readonly YamlData[] {
  return loadCompiled<{ default: YamlData[] }>({
    cacheDir: CACHE_DIR,
    // Stryker disable next-line StringLiteral: names the cache file only
    name: 'rgd-documents',
    key: JSON.stringify({ yaml: packageVersion(root, 'yaml'), format: YAML_DATA_FORMAT, texts }),
    resolveDir: root,
    source: () => `export default ${JSON.stringify(texts.map(parseYamlData))};`,
  }).default;
}

function parseYamlData(text: string): YamlData {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const [error] = doc.errors;
    const position = error.linePos?.[0] ?? { line: 1, col: 1 };
    return { error: { ...position, message: error.message.split('\n')[0] } };
  }
  const positions: Record<string, [number, number]> = {};
  // Keys as the yaml package's getIn matches them: a scalar key's value, which may be a number.
  const visit = (node: unknown, at: readonly unknown[]): void => {
    if (!isNode(node)) return;
    if (node.range) {
      const { line, col } = lineCounter.linePos(node.range[0]);
      positions[JSON.stringify(at)] = [line, col];
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        // Stryker disable next-line ConditionalExpression: a key that is not a scalar (a YAML complex key) is on no path a problem points at
        if (isScalar(pair.key)) visit(pair.value, [...at, pair.key.value]);
      }
    }
    if (isSeq(node)) node.items.forEach((item, index) => visit(item, [...at, index]));
  };
  visit(doc.contents, []);
  return { value: doc.toJS() as unknown, positions };
}

function isNode(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value);
}

/** Where an expression sits in its RGD. */
export type ExpressionField = 'template' | 'includeWhen' | 'readyWhen' | 'forEach' | 'status';

/** One `${...}` of an RGD, parsed. */
export interface ExpressionSite {
  /** The resource it belongs to; undefined for the schema's status fields. */
  readonly resourceId?: string;
  readonly field: ExpressionField;
  /** Path of the YAML value holding it, from the document root (for locating it). */
  readonly yamlPath: readonly (string | number)[];
  /** The CEL source between `${` and `}`. */
  readonly source: string;
  /** Whether the expression is the whole value (typed) rather than part of a string template. */
  readonly standalone: boolean;
  /** The parsed expression; undefined when it does not parse (see `syntaxError`). */
  readonly compiled?: CompiledExpression;
  readonly syntaxError?: string;
  /** Root identifiers it refers to and the member paths below them (`schema.spec.replicas`). */
  readonly references: readonly Reference[];
}

/**
 * Every `${...}` expression of `rgd` (templates, includeWhen, readyWhen, forEach, status) with
 * the root identifiers and member paths its CEL refers to.
 */
export function listExpressions(rgd: Rgd): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  rgd.resources.forEach((resource, index) => {
    const base = ['spec', 'resources', index];
    walkStrings(resource.template, [...base, 'template'], (text, yamlPath) => sites.push(...sitesIn(text, yamlPath, 'template', resource.id)));
    resource.includeWhen.forEach((text, i) => sites.push(...sitesIn(text, [...base, 'includeWhen', i], 'includeWhen', resource.id)));
    resource.readyWhen.forEach((text, i) => sites.push(...sitesIn(text, [...base, 'readyWhen', i], 'readyWhen', resource.id)));
    resource.forEach.forEach((iterator, i) => sites.push(...sitesIn(iterator.expression, [...base, 'forEach', i, iterator.name], 'forEach', resource.id)));
  });
  walkStrings(rgd.status, ['spec', 'schema', 'status'], (text, yamlPath) => sites.push(...sitesIn(text, yamlPath, 'status')));
  return sites;
}

/** Calls `visit` with every string below `value` and its path. */
export function walkStrings(value: unknown, at: readonly (string | number)[], visit: (text: string, at: readonly (string | number)[]) => void): void {
  if (typeof value === 'string') visit(value, at);
  else if (Array.isArray(value)) value.forEach((item, index) => walkStrings(item, [...at, index], visit));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) walkStrings(item, [...at, key], visit);
}

function sitesIn(text: string, yamlPath: readonly (string | number)[], field: ExpressionField, resourceId?: string): ExpressionSite[] {
  const segments = segmentsOf(text);
  const standalone = isStandalone(segments);
  return segments.flatMap((segment): ExpressionSite[] => {
    if (!('expression' in segment)) return [];
    const common = { resourceId, field, yamlPath, source: segment.expression, standalone };
    try {
      const compiled = compile(segment.expression);
      return [{ ...common, compiled, references: compiled.references }];
    } catch (error) {
      if (!(error instanceof CelSyntaxError)) throw error;
      return [{ ...common, syntaxError: error.message, references: [] }];
    }
  });
}

/** The fields of an instance's `metadata` an expression may read. */
const SCHEMA_METADATA = new Set(['name', 'namespace', 'labels', 'annotations', 'uid', 'generation']);

/**
 * What kro itself rejects when the RGD is applied: CEL that does not parse, identifiers that
 * are neither `schema`, a resource id nor a forEach iterator, schema fields the RGD does not
 * declare, and conditions that are not standalone expressions.
 */
export function checkRgd(rgd: Rgd): Problem[] {
  const ids = new Set(rgd.resources.map((resource) => resource.id));
  const problems: Problem[] = [];
  for (const site of listExpressions(rgd)) {
    const fail = (message: string): void => {
      const where = site.resourceId ? `resource "${site.resourceId}"` : 'status';
      problems.push({ severity: 'error', location: rgd.locate(site.yamlPath), message: `${where}: \${${site.source}}: ${message}` });
    };
    if (site.syntaxError) fail(`CEL syntax error: ${site.syntaxError}`);
    if (site.field !== 'template' && site.field !== 'status' && !site.standalone) fail(`${site.field} must be a single \${...} expression`);
    // The status has no resource, and so no iterators (a Set of undefined is empty).
    const iterators = new Set(rgd.resources.find((resource) => resource.id === site.resourceId)?.forEach.map((iterator) => iterator.name));
    for (const reference of site.references) {
      const message = referenceProblem(rgd, reference, ids, site.field === 'forEach' ? new Set() : iterators);
      if (message) fail(message);
    }
  }
  return problems;
}

function referenceProblem(rgd: Rgd, reference: Reference, ids: ReadonlySet<string>, iterators: ReadonlySet<string>): string | undefined {
  if (ids.has(reference.root) || iterators.has(reference.root)) return undefined;
  if (reference.root !== 'schema') return `unknown identifier "${reference.root}" (not schema, a resource id or a forEach iterator)`;
  const [top, ...rest] = reference.path.map(String);
  if (top === undefined || top === 'apiVersion' || top === 'kind' || top === 'status') return undefined;
  if (top === 'metadata') {
    return rest.length === 0 || SCHEMA_METADATA.has(rest[0]) ? undefined : `schema.metadata.${rest[0]} is not available to expressions`;
  }
  if (top !== 'spec') return `schema.${top} does not exist (use schema.spec or schema.metadata)`;
  return fieldAt(rgd.spec, rest) ? undefined : `schema.spec.${rest.join('.')} is not declared in the RGD's schema`;
}
