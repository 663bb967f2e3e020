/**
 * One instance → the concrete resources kro would create for it: SimpleSchema defaults, then
 * the RGD's resources in creation order with includeWhen, forEach and every `${...}` evaluated.
 * What only the cluster can know becomes an `<unresolved: ...>` placeholder.
 */
import type { Instance, SourceLocation } from '../user-space/model';
import { compile, evaluate, formatReference, isStandalone, OMITTED, segmentsOf, Unresolved, withoutOmitted, type CompiledExpression, type Reference } from './expressions';
import { creationOrder } from './graph';
import type { Problem } from '../user-space/problems';
import type { ResourceDefinition, Rgd, RgdSet } from './rgd';
import { applyDefaults, isRecord, validateAgainst } from './simple-schema';

/** One resource kro would create. */
export interface ExpandedResource {
  /** The declared instance it comes from (for nested abstractions, the team's own instance). */
  readonly instance: Instance;
  readonly rgd: Rgd;
  readonly resourceId: string;
  /** The rendered object; placeholders are plain `<unresolved: ...>` strings. */
  readonly object: Record<string, unknown>;
  /** Where its template is in the RGD file. */
  readonly templateLocation: SourceLocation;
}

export interface Expansion {
  readonly resources: readonly ExpandedResource[];
  readonly problems: readonly Problem[];
}

/** Kinds without a namespace that RGDs may create; everything else gets the instance's namespace, as kro does. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'PriorityClass',
  'CustomResourceDefinition', 'IngressClass', 'RuntimeClass', 'GatewayClass', 'ClusterPolicy',
  'CiliumClusterwideNetworkPolicy', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'ValidatingPolicy', 'ResourceGraphDefinition',
]);

/** How deep abstractions may nest (an RGD creating instances of another RGD) before the preview stops. */
const MAX_NESTING = 5;

/**
 * Expands `instance` with the RGD of its kind; `source` locates problems in the team's file.
 * Instances of other RGDs among the created resources are expanded too, after their parent.
 */
export function expandInstance(instance: Instance, rgds: RgdSet, source: SourceLocation): Expansion {
  const resources: ExpandedResource[] = [];
  const problems: Problem[] = [];
  expandInto(instance, instance, rgds, source, 0, resources, problems);
  return { resources, problems };
}

function expandInto(
  instance: Instance,
  declared: Instance,
  rgds: RgdSet,
  source: SourceLocation,
  depth: number,
  resources: ExpandedResource[],
  problems: Problem[],
): void {
  const label = `${instance.kind}/${instance.metadata.name}`;
  const rgd = rgds.find(instance.apiVersion, instance.kind);
  if (!rgd) {
    problems.push({ severity: 'error', location: source, message: `${label}: no ResourceGraphDefinition defines ${instance.apiVersion} ${instance.kind}` });
    return;
  }
  const spec = applyDefaults(rgd.spec, instance.spec ?? {});
  const violations = validateAgainst(rgd.spec, spec, 'spec');
  for (const violation of violations) {
    problems.push({ severity: 'error', location: source, message: `${label}: ${violation.path} ${violation.message} (schema of ${rgd.file})` });
  }
  if (violations.length > 0) return;
  const order = creationOrder(rgd);
  if ('cycle' in order) {
    problems.push({ severity: 'error', location: rgd.locate(['spec', 'resources']), message: `resources form a cycle: ${order.cycle.join(' -> ')}` });
    return;
  }
  const renderer = new Renderer(rgd, label, source, problems);
  renderer.bindings.schema = schemaValue(instance, rgd, spec);
  for (const node of order.order) {
    const definition = rgd.resources.find((resource) => resource.id === node.id) as ResourceDefinition;
    if ([...node.dependsOn].some((id) => renderer.excluded.has(id)) || !renderer.included(definition)) {
      renderer.excluded.add(node.id);
      continue;
    }
    const objects = renderer.renderResource(definition, instance.metadata.namespace, rgds);
    if (!objects) continue;
    const templateLocation = templateLocationOf(rgd, rgd.resources.indexOf(definition));
    for (const object of objects) {
      // Placeholders become text in what is shown; the bindings keep them, for later references.
      // Stryker disable next-line ConditionalExpression: materializing an object that holds no placeholder gives an equal one (the tests of placeholders catch one left unmaterialized)
      const plain = (renderer.placeholders ? materialize(object) : object) as Record<string, unknown>;
      resources.push({ instance: declared, rgd, resourceId: node.id, object: plain, templateLocation });
      if (depth < MAX_NESTING && rgds.find(String(plain.apiVersion), String(plain.kind))) {
        expandInto(asInstance(plain), declared, rgds, source, depth + 1, resources, problems);
      }
    }
  }
}

const templateLocations = new WeakMap<Rgd, SourceLocation[]>();

/** Where the template of `rgd`'s resource at `index` is, worked out once per RGD and resource. */
function templateLocationOf(rgd: Rgd, index: number): SourceLocation {
  const locations = templateLocations.get(rgd) ?? templateLocations.set(rgd, []).get(rgd)!;
  return (locations[index] ??= rgd.locate(['spec', 'resources', index, 'template']));
}

/**
 * A path into the RGD file, linked to its parent: rendering visits every value of every template,
 * and a path is spelled out only for a problem.
 */
interface TemplatePath {
  readonly parent: PathInRgd;
  readonly key: string | number;
}

/** A path into the RGD file, spelled out or linked. */
type PathInRgd = TemplatePath | readonly (string | number)[];

function spell(path: PathInRgd): (string | number)[] {
  return Array.isArray(path) ? [...path] : [...spell((path as TemplatePath).parent), (path as TemplatePath).key];
}

/** What `schema` is in expressions: the instance as the API server holds it, defaults applied. */
function schemaValue(instance: Instance, rgd: Rgd, spec: unknown): Record<string, unknown> {
  const metadata: Record<string, unknown> = { ...instance.metadata };
  if (rgd.scope === 'Cluster') delete metadata.namespace;
  return { apiVersion: instance.apiVersion, kind: instance.kind, metadata, spec };
}

function asInstance(object: Record<string, unknown>): Instance {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  return {
    apiVersion: String(object.apiVersion),
    kind: String(object.kind),
    metadata: { ...metadata, name: String(metadata.name) },
    spec: isRecord(object.spec) ? object.spec : {},
  };
}

/** A reference's value could not be found: either missing from `schema` or only known to the cluster. */
type Lookup = { readonly value: unknown } | { readonly missing: Pick<Reference, 'root' | 'path'> } | { readonly unresolved: Unresolved };

/** Renders one RGD's resources for one instance, remembering what each resource id evaluates to. */
class Renderer {
  readonly bindings: Record<string, unknown> = {};
  /** Resources left out: includeWhen false, a dependency left out, or an expression that failed. */
  readonly excluded = new Set<string>();
  /** How many expressions failed so far (each reported); a resource with a failure is left out. */
  private failures = 0;
  /** Whether the resource rendered last holds a value only the cluster knows (and needs materializing). */
  // Stryker disable next-line BooleanLiteral: materializing an object that holds no placeholder gives an equal one
  placeholders = false;

  constructor(
    private readonly rgd: Rgd,
    private readonly label: string,
    private readonly source: SourceLocation,
    private readonly problems: Problem[],
  ) {}

  /** Whether every includeWhen holds; a condition only the cluster can decide keeps the resource, with a warning. */
  included(definition: ResourceDefinition): boolean {
    return definition.includeWhen.every((condition, index) => {
      const yamlPath = ['spec', 'resources', this.rgd.resources.indexOf(definition), 'includeWhen', index];
      const value = this.renderString(condition, yamlPath, definition.id, this.bindings);
      if (value instanceof Unresolved) {
        this.report('warning', yamlPath, definition.id, `includeWhen depends on ${value.reference}; shown as included`);
        return true;
      }
      if (value !== undefined && typeof value !== 'boolean') this.report('error', yamlPath, definition.id, `includeWhen must be a boolean, got ${JSON.stringify(value)}`);
      return value === true;
    });
  }

  /** The objects of one resource (several for forEach), or undefined after reporting why not. */
  renderResource(definition: ResourceDefinition, namespace: string | undefined, rgds: RgdSet): Record<string, unknown>[] | undefined {
    const index = this.rgd.resources.indexOf(definition);
    const failuresBefore = this.failures;
    // Stryker disable next-line BooleanLiteral: materializing an object that holds no placeholder gives an equal one
    this.placeholders = false;
    const objects = (this.iterations(definition, index) ?? []).map((iteration) => {
      const scope = { ...this.bindings, ...iteration };
      const object = this.renderValue(definition.template, ['spec', 'resources', index, 'template'], definition.id, scope) as Record<string, unknown>;
      return withDefaultNamespace(object, namespace, rgds);
    });
    if (this.failures > failuresBefore) {
      this.excluded.add(definition.id);
      return undefined;
    }
    this.bindings[definition.id] = definition.forEach.length > 0 ? objects : objects[0];
    return objects;
  }

  /** One binding of the iterator variables per element of the cartesian product of the forEach lists. */
  private iterations(definition: ResourceDefinition, index: number): Record<string, unknown>[] | undefined {
    let iterations: Record<string, unknown>[] = [{}];
    for (const [i, iterator] of definition.forEach.entries()) {
      const yamlPath = ['spec', 'resources', index, 'forEach', i, iterator.name];
      const items = this.renderString(iterator.expression, yamlPath, definition.id, this.bindings);
      if (items === undefined) return undefined;
      if (!Array.isArray(items)) {
        const got = items instanceof Unresolved ? `a value only the cluster knows (${items.reference})` : JSON.stringify(items);
        this.fail(yamlPath, definition.id, `forEach ${iterator.name} must be a list, got ${got}`);
        return undefined;
      }
      iterations = iterations.flatMap((iteration) => items.map((item: unknown) => ({ ...iteration, [iterator.name]: item })));
    }
    return iterations;
  }

  /**
   * The template value with every expression evaluated and what omit() removed left out (kro's
   * cleanOmitSentinels). A map or list an expression returns is copied, omissions inside it left
   * out, so that no rendered object shares the instance's own values.
   */
  private renderValue(value: unknown, yamlPath: PathInRgd, resourceId: string, scope: Record<string, unknown>): unknown {
    if (typeof value === 'string') {
      return withoutOmitted(this.renderString(value, yamlPath, resourceId, scope));
    }
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        const item = this.renderValue(value[i], { parent: yamlPath, key: i }, resourceId, scope);
        if (item !== OMITTED) items.push(item);
      }
      return items;
    }
    if (!isRecord(value)) return value;
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const rendered = this.renderValue(value[key], { parent: yamlPath, key }, resourceId, scope);
      if (rendered !== OMITTED) result[key] = rendered;
    }
    return result;
  }

  /**
   * A standalone expression keeps its value's type; a string template concatenates strings.
   * Undefined means the expression failed (and was reported).
   */
  private renderString(text: string, yamlPath: PathInRgd, resourceId: string, scope: Record<string, unknown>): unknown {
    const segments = segmentsOf(text);
    if (isStandalone(segments)) return this.evaluateSegment((segments[0] as { expression: string }).expression, yamlPath, resourceId, scope);
    let result = '';
    let unresolved: Unresolved | undefined;
    for (const segment of segments) {
      if ('literal' in segment) {
        result += segment.literal;
        continue;
      }
      const value = this.evaluateSegment(segment.expression, yamlPath, resourceId, scope);
      if (value === undefined) return undefined;
      if (value instanceof Unresolved) {
        unresolved ??= value;
        result += value.toString();
      } else if (value === OMITTED) {
        this.fail(yamlPath, resourceId, `\${${segment.expression}} returns omit(), which kro allows only as a whole field's value, not inside a string`);
        return undefined;
      } else if (typeof value === 'string') {
        result += value;
      } else {
        this.fail(yamlPath, resourceId, `\${${segment.expression}} is in a string template but returns ${typeName(value)}, not a string (use string(...))`);
        return undefined;
      }
    }
    return unresolved ? new Unresolved(unresolved.reference, result) : result;
  }

  private evaluateSegment(source: string, yamlPath: PathInRgd, resourceId: string, scope: Record<string, unknown>): unknown {
    let expression: CompiledExpression;
    try {
      expression = compile(source);
    } catch {
      this.failures++; // a syntax error, already reported with the RGD's own problems
      return undefined;
    }
    // A field the instance does not set fails only where CEL reads it: `has(f) ? f : omit()` is fine.
    let missing: Pick<Reference, 'root' | 'path'> | undefined;
    let lastValue: unknown;
    for (const reference of expression.references) {
      const lookup = this.lookup(reference, scope);
      if ('unresolved' in lookup) {
        this.placeholders = true;
        return lookup.unresolved;
      }
      if ('missing' in lookup) missing ??= lookup.missing;
      else lastValue = lookup.value;
    }
    // A plain field reference is the field's value: CEL would return the same, only slower. A name
    // outside the scope has none here: CEL knows it (int) or fails on it.
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: without it CEL is asked, and returns the same (a plain reference with a field missing has no last value either)
    if (!missing && expression.plainReference && lastValue !== undefined) return lastValue;
    const result = evaluate(expression, scope);
    if ('error' in result && missing) {
      this.failures++;
      this.problems.push({
        severity: 'error',
        location: this.source,
        message: `${this.label}: ${formatReference(missing)} has no value (not set and no default), needed by resource "${resourceId}" of ${this.rgd.file}`,
      });
      return undefined;
    }
    if ('error' in result) {
      this.fail(yamlPath, resourceId, `\${${source}}: ${result.error}`);
      return undefined;
    }
    return result.value;
  }

  /**
   * Finds what a reference points at: resources' values come from their rendered templates, so a
   * path they do not contain (status, fields the API server fills in) is unresolved.
   */
  private lookup(reference: Reference, scope: Record<string, unknown>): Lookup {
    if (!(reference.root in scope)) {
      // A resource not rendered yet (the one being rendered) is the cluster's to fill in; any
      // other name is CEL's own (`int`, `null_type`), or an error CEL reports.
      const isResource = this.rgd.resources.some((resource) => resource.id === reference.root);
      return isResource ? { unresolved: new Unresolved(formatReference(reference)) } : { value: undefined };
    }
    const path = reference.testOnly ? reference.path.slice(0, -1) : reference.path;
    let current: unknown = scope[reference.root];
    for (const [i, segment] of path.entries()) {
      if (current instanceof Unresolved) return { unresolved: current };
      const next = isRecord(current) || Array.isArray(current) ? (current as Record<string | number, unknown>)[segment] : undefined;
      if (next === undefined) {
        const prefix = { root: reference.root, path: path.slice(0, i + 1) };
        return reference.root === 'schema' ? { missing: prefix } : { unresolved: new Unresolved(formatReference(reference)) };
      }
      current = next;
    }
    const inner = firstUnresolved(current);
    return inner ? { unresolved: inner } : { value: current };
  }

  private fail(yamlPath: PathInRgd, resourceId: string, message: string): void {
    this.failures++;
    this.report('error', yamlPath, resourceId, message);
  }

  private report(severity: 'error' | 'warning', yamlPath: PathInRgd, resourceId: string, message: string): void {
    this.problems.push({ severity, location: this.rgd.locate(spell(yamlPath)), message: `resource "${resourceId}" for ${this.label}: ${message}` });
  }
}

function withDefaultNamespace(object: Record<string, unknown>, namespace: string | undefined, rgds: RgdSet): Record<string, unknown> {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const kind = String(object.kind);
  const clusterScoped = CLUSTER_SCOPED.has(kind) || rgds.find(String(object.apiVersion), kind)?.scope === 'Cluster';
  if (!namespace || clusterScoped || metadata.namespace !== undefined) return object;
  return { ...object, metadata: { ...metadata, namespace } };
}

function firstUnresolved(value: unknown): Unresolved | undefined {
  if (value instanceof Unresolved) return value;
  if (Array.isArray(value)) return value.map(firstUnresolved).find((item) => item !== undefined);
  if (isRecord(value)) return Object.values(value).map(firstUnresolved).find((item) => item !== undefined);
  return undefined;
}

/** The object with placeholders turned into their `<unresolved: ...>` text. */
function materialize(value: unknown): unknown {
  if (value instanceof Unresolved) return value.toString();
  if (Array.isArray(value)) return value.map(materialize);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, materialize(item)]));
  return value;
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a map';
  return Number.isInteger(value) ? 'an int' : `a ${typeof value}`;
}
