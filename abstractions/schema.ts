import type { ClusterConfig } from '../config/clusters';

/**
 * The field language the abstractions are written in. One definition of a field yields its kro
 * SimpleSchema, the JSON Schema that validates team files (and editors use), and its row in the
 * reference docs, so the three cannot disagree.
 */

interface FieldBase<T> {
  /** One sentence for the reference docs, the editor and kro's CRD. */
  readonly description: string;
  /** @default false */
  readonly required?: boolean;
  /** Value kro fills in when the field is omitted. @default none */
  readonly default?: T;
  /**
   * Value kro fills in when the field is omitted, taken from the cluster's config: each cluster's
   * RGD carries its own. Instead of `default`. @default none
   */
  readonly clusterDefault?: (cluster: ClusterConfig) => T;
  /** What to do about an invalid value, shown after the error. @default none */
  readonly hint?: string;
  /**
   * The value is about the repository, not a cluster (who owns the team's files, say): a cluster
   * override may not set it. @default false
   */
  readonly sameOnEveryCluster?: boolean;
}

export interface StringField extends FieldBase<string> {
  readonly type: 'string';
  /** RE2-compatible (kro's CRD validation runs in Go): no lookarounds, no backslashes. @default none */
  readonly pattern?: string;
  /** @default none */
  readonly maxLength?: number;
}

export interface IntegerField extends FieldBase<number> {
  readonly type: 'integer';
  /** @default none */
  readonly minimum?: number;
  /** @default none */
  readonly maximum?: number;
}

export interface BooleanField extends FieldBase<boolean> {
  readonly type: 'boolean';
}

/** A `map[string]string`, e.g. environment variables. */
export interface StringMapField extends FieldBase<Record<string, string>> {
  readonly type: 'map';
  /** What every value must match (checked on team files; kro's SimpleSchema has no such marker). @default none */
  readonly valuePattern?: string;
}

/**
 * A group of fields under one name, e.g. `autoscale: {minReplicas, maxReplicas}`. It has no
 * default: left out, it is absent (`has(schema.spec.autoscale)` is false), which is why its
 * fields should include a required one (kro defaults an object without one to `{}` when a field
 * has a default).
 */
export interface ObjectField<F extends Fields = Fields> extends FieldBase<never> {
  readonly type: 'object';
  readonly fields: F;
}

export type Fields = Readonly<{ [name: string]: Field }>;
/** A list of distinct strings, each matching `itemPattern`. */
export interface StringListField extends FieldBase<readonly string[]> {
  readonly type: 'list';
  /** RE2-compatible pattern every item must match; enforced by synth (kro's markers cannot say it). @default none */
  readonly itemPattern?: string;
  /** @default none */
  readonly maxItems?: number;
}

export type Field = StringField | IntegerField | BooleanField | StringMapField | StringListField | ObjectField;

/** The TypeScript type of a field's value. */
export type ValueOf<F extends Field> = F extends StringField
  ? string
  : F extends IntegerField
    ? number
    : F extends BooleanField
      ? boolean
      : F extends ObjectField<infer G>
        ? Values<G>
        : F extends StringListField
          ? readonly string[]
          : Record<string, string>;

export type Values<F extends Fields> = { readonly [K in keyof F]: ValueOf<F[K]> };

/** Field constructors; `as const`-like inference keeps literal defaults typed. */
export const field = {
  string: <const F extends Omit<StringField, 'type'>>(props: F) => ({ type: 'string', ...props }) as const,
  integer: <const F extends Omit<IntegerField, 'type'>>(props: F) => ({ type: 'integer', ...props }) as const,
  boolean: <const F extends Omit<BooleanField, 'type'>>(props: F) => ({ type: 'boolean', ...props }) as const,
  stringMap: <const F extends Omit<StringMapField, 'type'>>(props: F) => ({ type: 'map', ...props }) as const,
  object: <const F extends Omit<ObjectField, 'type'>>(props: F) => ({ type: 'object', ...props }) as const,
  stringList: <const F extends Omit<StringListField, 'type'>>(props: F) => ({ type: 'list', ...props }) as const,
};

/** Every field with its dotted path (`autoscale.minReplicas`), groups before their fields. */
export function flattenFields(fields: Fields, prefix = ''): [string, Field][] {
  return Object.entries(fields).flatMap(([name, definition]): [string, Field][] => [
    [`${prefix}${name}`, definition],
    ...(definition.type === 'object' ? flattenFields(definition.fields, `${prefix}${name}.`) : []),
  ]);
}

/** The field at `path` (names below spec), or undefined. */
export function fieldAtPath(fields: Fields, path: readonly string[]): Field | undefined {
  const [name, ...rest] = path;
  // Stryker disable next-line ConditionalExpression: no field is named "undefined", so fields[undefined] is undefined too
  const definition = name === undefined ? undefined : fields[name];
  if (!definition || rest.length === 0) return definition;
  if (definition.type === 'map') return rest.length === 1 ? definition : undefined; // a value of the map
  return definition.type === 'object' ? fieldAtPath(definition.fields, rest) : undefined;
}

/** A SimpleSchema object: each field's `type | markers`, a group's fields as a nested object. */
export interface SimpleSchemaObject {
  readonly [name: string]: string | SimpleSchemaObject;
}

/** kro SimpleSchema of the instance's spec on `cluster`: `string | required=true default="x" ...`. */
export function toSimpleSchema(fields: Fields, cluster: ClusterConfig): SimpleSchemaObject {
  const schema: Record<string, string | SimpleSchemaObject> = {};
  for (const [name, definition] of Object.entries(fields)) schema[name] = definition.type === 'object' ? toSimpleSchema(definition.fields, cluster) : simpleSchemaOf(definition, cluster);
  return schema;
}

/** The value kro fills in on `cluster` when the field is omitted, if any. */
export function defaultOn(definition: Field, cluster: ClusterConfig): Field['default'] {
  return definition.clusterDefault ? definition.clusterDefault(cluster) : definition.default;
}

function simpleSchemaOf(definition: Exclude<Field, ObjectField>, cluster: ClusterConfig): string {
  const type = definition.type === 'map' ? 'map[string]string' : definition.type === 'list' ? '[]string' : definition.type;
  const markers: string[] = [];
  const fallback = defaultOn(definition, cluster);
  if (definition.required) markers.push('required=true');
  if (fallback !== undefined) markers.push(`default=${marker(fallback)}`);
  if (definition.type === 'string') {
    if (definition.pattern) markers.push(`pattern=${quote(definition.pattern)}`);
    if (definition.maxLength !== undefined) markers.push(`maxLength=${definition.maxLength}`);
  }
  if (definition.type === 'integer') {
    if (definition.minimum !== undefined) markers.push(`minimum=${definition.minimum}`);
    if (definition.maximum !== undefined) markers.push(`maximum=${definition.maximum}`);
  }
  if (definition.type === 'list') {
    markers.push('uniqueItems=true');
    if (definition.maxItems !== undefined) markers.push(`maxItems=${definition.maxItems}`);
  }
  markers.push(`description=${quote(definition.description)}`);
  return `${type} | ${markers.join(' ')}`;
}

function marker(value: string | number | boolean | Record<string, string> | readonly string[]): string {
  return typeof value === 'string' ? quote(value) : typeof value === 'object' ? quote(JSON.stringify(value)) : String(value);
}

function quote(text: string): string {
  if (text.includes('"')) throw new Error(`SimpleSchema markers cannot hold double quotes: ${text}`);
  return `"${text}"`;
}

/** JSON Schema (draft-07) of a spec: what team files are validated against and editors complete. */
export function toJsonSchema(fields: Fields): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(fields)) properties[name] = jsonSchemaOf(definition);
  const required = Object.entries(fields)
    .filter(([, definition]) => definition.required)
    .map(([name]) => name);
  return { type: 'object', additionalProperties: false, required, properties };
}

function jsonSchemaOf(definition: Field): Record<string, unknown> {
  if (definition.type === 'object') return { description: definition.description, ...toJsonSchema(definition.fields) };
  // A per-cluster default has no one value for an editor to show; the description says where it comes from.
  if (definition.type === 'map') {
    const { type: _type, required: _required, hint: _hint, clusterDefault: _clusterDefault, sameOnEveryCluster: _sameOnEveryCluster, valuePattern, ...constraints } = definition;
    return { type: 'object', additionalProperties: { type: 'string', ...(valuePattern ? { pattern: valuePattern } : {}) }, ...constraints };
  }
  const { type, required: _required, hint: _hint, clusterDefault: _clusterDefault, sameOnEveryCluster: _sameOnEveryCluster, ...constraints } = definition;
  if (type === 'list') {
    const { itemPattern, ...list } = constraints as Omit<StringListField, 'type' | 'required' | 'hint' | 'clusterDefault' | 'sameOnEveryCluster'>;
    return { type: 'array', uniqueItems: true, items: { type: 'string', ...(itemPattern ? { pattern: itemPattern } : {}) }, ...list };
  }
  return { type, ...constraints };
}
