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
  readonly enum?: readonly string[];
  /** @default none */
  readonly minLength?: number;
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
}

/** A list of distinct strings, each matching `itemPattern`. */
export interface StringListField extends FieldBase<readonly string[]> {
  readonly type: 'list';
  /** RE2-compatible pattern every item must match; enforced by synth (kro's markers cannot say it). @default none */
  readonly itemPattern?: string;
  /** @default none */
  readonly maxItems?: number;
}

export type Field = StringField | IntegerField | BooleanField | StringMapField | StringListField;
export type Fields = Readonly<Record<string, Field>>;

/** The TypeScript type of a field's value. */
export type ValueOf<F extends Field> = F extends StringField
  ? string
  : F extends IntegerField
    ? number
    : F extends BooleanField
      ? boolean
      : F extends StringListField
        ? readonly string[]
        : Record<string, string>;

export type Values<F extends Fields> = { readonly [K in keyof F]: ValueOf<F[K]> };

/** Field constructors; `as const`-like inference keeps literal defaults and enums typed. */
export const field = {
  string: <const F extends Omit<StringField, 'type'>>(props: F) => ({ type: 'string', ...props }) as const,
  integer: <const F extends Omit<IntegerField, 'type'>>(props: F) => ({ type: 'integer', ...props }) as const,
  boolean: <const F extends Omit<BooleanField, 'type'>>(props: F) => ({ type: 'boolean', ...props }) as const,
  stringMap: <const F extends Omit<StringMapField, 'type'>>(props: F) => ({ type: 'map', ...props }) as const,
  stringList: <const F extends Omit<StringListField, 'type'>>(props: F) => ({ type: 'list', ...props }) as const,
};

/** kro SimpleSchema of the instance's spec on `cluster`: `string | required=true default="x" ...`. */
export function toSimpleSchema(fields: Fields, cluster: ClusterConfig): Record<string, string> {
  const schema: Record<string, string> = {};
  for (const [name, definition] of Object.entries(fields)) schema[name] = simpleSchemaOf(definition, cluster);
  return schema;
}

/** The value kro fills in on `cluster` when the field is omitted, if any. */
export function defaultOn(definition: Field, cluster: ClusterConfig): Field['default'] {
  return definition.clusterDefault ? definition.clusterDefault(cluster) : definition.default;
}

function simpleSchemaOf(definition: Field, cluster: ClusterConfig): string {
  const type = definition.type === 'map' ? 'map[string]string' : definition.type === 'list' ? '[]string' : definition.type;
  const markers: string[] = [];
  const fallback = defaultOn(definition, cluster);
  if (definition.required) markers.push('required=true');
  if (fallback !== undefined) markers.push(`default=${marker(fallback)}`);
  if (definition.type === 'string') {
    if (definition.enum) markers.push(`enum=${quote(definition.enum.join(','))}`);
    if (definition.pattern) markers.push(`pattern=${quote(definition.pattern)}`);
    if (definition.minLength !== undefined) markers.push(`minLength=${definition.minLength}`);
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
  // A per-cluster default has no one value for an editor to show; the description says where it comes from.
  const { type, required: _required, hint: _hint, clusterDefault: _clusterDefault, sameOnEveryCluster: _sameOnEveryCluster, ...constraints } = definition;
  if (type === 'map') return { type: 'object', additionalProperties: { type: 'string' }, ...constraints };
  if (type === 'list') {
    const { itemPattern, ...list } = constraints as Omit<StringListField, 'type' | 'required' | 'hint' | 'clusterDefault' | 'sameOnEveryCluster'>;
    return { type: 'array', uniqueItems: true, items: { type: 'string', ...(itemPattern ? { pattern: itemPattern } : {}) }, ...list };
  }
  return { type, ...constraints };
}
