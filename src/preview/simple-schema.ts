/**
 * kro's SimpleSchema (`replicas: integer | default=2 minimum=1`), parsed the way kro's
 * pkg/simpleschema does, so that the preview defaults and validates an instance exactly as the
 * API server would once kro has turned the RGD into a CRD.
 */

/** The OpenAPI shape one SimpleSchema field turns into. */
export interface FieldSchema {
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  /** Declared sub-fields of a structured object; undefined for maps and free-form objects. */
  readonly properties?: Readonly<Record<string, FieldSchema>>;
  /** Names of `properties` marked `required=true`. */
  readonly required?: readonly string[];
  /** Value schema of `map[string]T`. */
  readonly additionalProperties?: FieldSchema;
  /** Element schema of `[]T`. */
  readonly items?: FieldSchema;
  /** `object` fields keep whatever they are given (x-kubernetes-preserve-unknown-fields). */
  readonly preserveUnknownFields?: boolean;
  readonly default?: unknown;
  readonly description?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly immutable?: boolean;
}

/** A SimpleSchema that cannot be turned into OpenAPI; `path` is the dotted field path. */
export class SimpleSchemaError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const ATOMIC = new Set(['string', 'integer', 'number', 'boolean', 'float']);

/**
 * The OpenAPI schema of a SimpleSchema object (the RGD's `spec.schema.spec`), with `types`
 * holding the RGD's custom types (`spec.schema.types`).
 */
export function parseSimpleSchema(spec: unknown, types: Record<string, unknown> = {}, path = 'spec'): FieldSchema {
  const customTypes: Record<string, FieldSchema> = {};
  for (const [name, definition] of Object.entries(types)) customTypes[name] = parseObject(definition, customTypes, `types.${name}`);
  return parseObject(spec ?? {}, customTypes, path);
}

function parseObject(definition: unknown, customTypes: Record<string, FieldSchema>, path: string): FieldSchema {
  if (!isRecord(definition)) throw new SimpleSchemaError(path, 'expected an object of fields');
  const properties: Record<string, FieldSchema> = {};
  const required: string[] = [];
  for (const [key, value] of Object.entries(definition)) {
    const fieldPath = `${path}.${key}`;
    if (isRecord(value)) {
      properties[key] = parseObject(value, customTypes, fieldPath);
    } else if (typeof value === 'string') {
      const { schema, isRequired } = parseField(value, customTypes, fieldPath);
      properties[key] = schema;
      if (isRequired) required.push(key);
    } else {
      throw new SimpleSchemaError(fieldPath, `unknown type in schema: ${JSON.stringify(value)}`);
    }
  }
  // kro gives an object whose fields have defaults the default {}, so the API server fills in
  // those fields even when the whole object is left out; not when a field is required, which {}
  // would break (pkg/simpleschema/transform.go buildSchema, v0.9.3): such an object stays absent.
  const childHasDefault = Object.values(properties).some((property) => property.default !== undefined);
  return { type: 'object', properties, required, ...(childHasDefault && required.length === 0 ? { default: {} } : {}) };
}

function parseField(text: string, customTypes: Record<string, FieldSchema>, path: string): { schema: FieldSchema; isRequired: boolean } {
  const bar = text.indexOf('|');
  const typeName = (bar < 0 ? text : text.slice(0, bar)).trim();
  const markers = bar < 0 ? [] : parseMarkers(text.slice(bar + 1), path);
  let schema = parseType(typeName, customTypes, path);
  let isRequired = false;
  for (const marker of markers) {
    if (marker.key === 'required') isRequired = parseBoolean(marker, path);
    else schema = applyMarker(schema, marker, path);
  }
  return { schema, isRequired };
}

function parseType(typeName: string, customTypes: Record<string, FieldSchema>, path: string): FieldSchema {
  if (ATOMIC.has(typeName)) return { type: typeName === 'float' ? 'number' : (typeName as FieldSchema['type']) };
  if (typeName === 'object') return { type: 'object', preserveUnknownFields: true };
  if (typeName.startsWith('[]')) return { type: 'array', items: parseType(typeName.slice(2).trim(), customTypes, path) };
  // (.+) takes the rest of the name: the value type.
  const map = /^map\[(\w+)\](.+)/.exec(typeName);
  if (map) {
    if (map[1] !== 'string') throw new SimpleSchemaError(path, `unsupported key type for maps: ${map[1]}`);
    return { type: 'object', additionalProperties: parseType(map[2].trim(), customTypes, path) };
  }
  const custom = customTypes[typeName];
  if (custom) return custom;
  throw new SimpleSchemaError(path, `unknown type: ${typeName}`);
}

interface Marker {
  readonly key: string;
  readonly value: string;
}

const MARKERS = new Set([
  'required', 'default', 'description', 'minimum', 'maximum', 'validation', 'enum', 'immutable',
  'pattern', 'uniqueItems', 'minLength', 'maxLength', 'minItems', 'maxItems',
]);

/**
 * Splits `required=true default="a b" enum="x,y"` into markers: values may be double-quoted
 * (with backslash escapes) or bracketed JSON, as in kro's ParseMarkers.
 */
export function parseMarkers(text: string, path = 'spec'): Marker[] {
  const markers: Marker[] = [];
  let i = 0;
  // Stryker disable next-line EqualityOperator: past the end, text[i] is undefined, which is no whitespace, and the check below ends the loop
  while (i < text.length) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: past the end, text[i] is undefined, which is no whitespace
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    const equals = text.indexOf('=', i);
    if (equals < 0) throw new SimpleSchemaError(path, `marker key '${text.slice(i).trim()}' without a value`);
    const key = text.slice(i, equals).trim();
    if (!MARKERS.has(key)) throw new SimpleSchemaError(path, `unknown marker: ${key}`);
    // Stryker disable next-line ArithmeticOperator: starting the scan at the key's last character changes nothing: a key holds no quote or bracket
    const end = scanMarkerValue(text, equals + 1, path);
    markers.push({ key, value: unquote(text.slice(equals + 1, end)) });
    i = end;
  }
  return markers;
}

function scanMarkerValue(text: string, start: number, path: string): number {
  let inQuotes = false;
  let depth = 0;
  let i = start;
  // Stryker disable next-line EqualityOperator: past the end, the character is undefined, which none of the checks below takes
  for (; i < text.length; i++) {
    const char = text[i];
    if (inQuotes && char === '\\') i++;
    else if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === '{' || char === '[')) depth++;
    else if (!inQuotes && (char === '}' || char === ']')) depth--;
    else if (!inQuotes && depth === 0 && /\s/.test(char)) break;
  }
  if (inQuotes) throw new SimpleSchemaError(path, 'unclosed quote in markers');
  if (depth !== 0) throw new SimpleSchemaError(path, 'unbalanced brackets in markers');
  return i;
}

/** A marker's value without its quotes: scanMarkerValue ends a value at whitespace and refuses an unclosed quote, so a quoted one is at least `""`. */
function unquote(value: string): string {
  if (!value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(["\\])/g, '$1');
}

function applyMarker(schema: FieldSchema, marker: Marker, path: string): FieldSchema {
  switch (marker.key) {
    case 'default':
      return { ...schema, default: parseDefault(schema, marker.value, path) };
    case 'description':
      return { ...schema, description: marker.value };
    case 'minimum':
    case 'maximum':
      return { ...schema, [marker.key]: parseNumber(marker, path) };
    case 'minLength':
    case 'maxLength':
    case 'pattern':
      if (schema.type !== 'string') throw new SimpleSchemaError(path, `${marker.key} marker is only valid for string types`);
      return { ...schema, [marker.key]: marker.key === 'pattern' ? marker.value : parseNumber(marker, path) };
    case 'minItems':
    case 'maxItems':
      if (schema.type !== 'array') throw new SimpleSchemaError(path, `${marker.key} marker is only valid for array types`);
      return { ...schema, [marker.key]: parseNumber(marker, path) };
    case 'enum':
      return { ...schema, enum: parseEnum(schema, marker.value, path) };
    case 'immutable':
      return { ...schema, immutable: parseBoolean(marker, path) };
    default:
      // validation and uniqueItems are enforced by the API server's CEL and list-type
      // machinery, which the preview does not reproduce.
      return schema;
  }
}

function parseDefault(schema: FieldSchema, value: string, path: string): unknown {
  if (schema.type === 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new SimpleSchemaError(path, `default ${value} is not a valid ${schema.type}`);
  }
}

function parseEnum(schema: FieldSchema, value: string, path: string): unknown[] {
  return value.split(',').map((item) => {
    const trimmed = item.trim();
    if (trimmed === '') throw new SimpleSchemaError(path, 'empty enum values are not allowed');
    if (schema.type === 'string') return trimmed;
    if (schema.type === 'integer' && /^-?\d+$/.test(trimmed)) return Number(trimmed);
    throw new SimpleSchemaError(path, `enum values only supported for string and integer types, got ${schema.type}`);
  });
}

function parseNumber(marker: Marker, path: string): number {
  const value = Number(marker.value);
  if (marker.value === '' || Number.isNaN(value)) throw new SimpleSchemaError(path, `${marker.key} value "${marker.value}" is not a number`);
  return value;
}

function parseBoolean(marker: Marker, path: string): boolean {
  if (marker.value === 'true') return true;
  if (marker.value === 'false') return false;
  throw new SimpleSchemaError(path, `${marker.key} value "${marker.value}" is not a boolean`);
}

/** A value that breaks the schema: where (dotted path) and why. */
export interface SchemaViolation {
  readonly path: string;
  readonly message: string;
}

/**
 * `value` with the schema's defaults filled in, as the API server's structural defaulting does
 * (a default is applied where the field is absent; defaults of nested fields then apply inside it).
 */
export function applyDefaults(schema: FieldSchema, value: unknown): unknown {
  // A default that is a map or list is copied: every instance gets its own.
  // Stryker disable next-line ConditionalExpression,LogicalOperator: saves work only: a copy of a string, number, boolean or null is itself
  const current = value === undefined ? (typeof schema.default === 'object' && schema.default !== null ? structuredClone(schema.default) : schema.default) : value;
  if (schema.items && Array.isArray(current)) {
    return current.map((item) => applyDefaults(schema.items as FieldSchema, item));
  }
  if (!isRecord(current)) return current;
  const result: Record<string, unknown> = { ...current };
  if (schema.properties) {
    for (const [key, property] of Object.entries(schema.properties)) {
      const defaulted = applyDefaults(property, result[key]);
      if (defaulted !== undefined) result[key] = defaulted;
    }
  }
  if (schema.additionalProperties) {
    for (const key of Object.keys(result)) result[key] = applyDefaults(schema.additionalProperties, result[key]);
  }
  return result;
}

/** Every way `value` (already defaulted) breaks `schema`; unknown fields count, as with strict field validation. */
export function validateAgainst(schema: FieldSchema, value: unknown, path: string): SchemaViolation[] {
  if (value === undefined || value === null) return [];
  const typeError = checkType(schema, value);
  if (typeError) return [{ path, message: typeError }];
  const violations: SchemaViolation[] = [];
  const fail = (message: string): void => {
    violations.push({ path, message });
  };
  if (schema.enum && !schema.enum.includes(value)) fail(`must be one of ${schema.enum.map((item) => JSON.stringify(item)).join(', ')}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`must be <= ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) fail(`must be at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) fail(`must be at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !goRegExp(schema.pattern).test(value)) fail(`must match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail(`must have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail(`must have at most ${schema.maxItems} items`);
    value.forEach((item, index) => violations.push(...validateAgainst(schema.items as FieldSchema, item, `${path}[${index}]`)));
  }
  if (isRecord(value)) violations.push(...validateObject(schema, value, path));
  return violations;
}

function validateObject(schema: FieldSchema, value: Record<string, unknown>, path: string): SchemaViolation[] {
  if (schema.preserveUnknownFields) return [];
  const violations: SchemaViolation[] = [];
  for (const key of schema.required ?? []) {
    if (value[key] === undefined) violations.push({ path: `${path}.${key}`, message: 'is required' });
  }
  for (const [key, item] of Object.entries(value)) {
    const property = schema.properties?.[key] ?? schema.additionalProperties;
    if (property) violations.push(...validateAgainst(property, item, `${path}.${key}`));
    else violations.push({ path: `${path}.${key}`, message: 'is not a declared field' });
  }
  return violations;
}

function checkType(schema: FieldSchema, value: unknown): string | undefined {
  switch (schema.type) {
    case 'integer':
      return Number.isInteger(value) ? undefined : `must be an integer, not ${JSON.stringify(value)}`;
    case 'number':
      return typeof value === 'number' ? undefined : `must be a number, not ${JSON.stringify(value)}`;
    case 'array':
      return Array.isArray(value) ? undefined : `must be a list, not ${JSON.stringify(value)}`;
    case 'object':
      return isRecord(value) ? undefined : `must be an object, not ${JSON.stringify(value)}`;
    default:
      return typeof value === schema.type ? undefined : `must be a ${schema.type}, not ${JSON.stringify(value)}`;
  }
}

/** The declared field at a dotted path below `schema` (`['spec', 'replicas']`), or undefined if the schema does not declare it. */
export function fieldAt(schema: FieldSchema, path: readonly string[]): FieldSchema | undefined {
  let current: FieldSchema | undefined = schema;
  for (const segment of path) {
    if (!current || current.preserveUnknownFields) return current;
    current = current.properties?.[segment] ?? current.additionalProperties ?? current.items;
  }
  return current;
}

/**
 * A Go (RE2) pattern as a JavaScript RegExp: RE2 writes one-letter Unicode classes without
 * braces (`\\PC`), JavaScript's unicode mode needs them (`\\P{C}`).
 */
export function goRegExp(pattern: string): RegExp {
  let regExp = regExps.get(pattern);
  if (!regExp) regExps.set(pattern, (regExp = new RegExp(toJsPattern(pattern), 'u')));
  return regExp;
}

/** Each pattern compiled once: a schema's few patterns are tested for every instance. Without the `g` flag, `test` keeps no state. */
const regExps = new Map<string, RegExp>();

/** The source of `goRegExp(pattern)`. */
export function toJsPattern(pattern: string): string {
  return pattern.replace(/(?<!\\)((?:\\\\)*)\\([pP])([A-Za-z])/g, '$1\\$2{$3}');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
