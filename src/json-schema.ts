/** Walking JSON schemas (the keywords CRDs use) without touching the data in them. */
import { isRecord } from './preview/simple-schema';

/** Keywords whose value is a schema, a list of schemas, or a map of names to schemas (the ones CRDs use). */
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_LIST_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf']);
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties']);

/** `schema` with `map` applied to each of its direct subschemas; other values (data, names) are kept. */
export function mapSubschemas(schema: Record<string, unknown>, map: (subschema: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => {
    if (SCHEMA_MAP_KEYWORDS.has(key) && isRecord(value)) return [key, Object.fromEntries(Object.entries(value).map(([name, subschema]) => [name, map(subschema)]))];
    if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) return [key, value.map(map)];
    return [key, SCHEMA_KEYWORDS.has(key) && isRecord(value) ? map(value) : value];
  }));
}

/**
 * The schema without its descriptions, which do not change what validates (a field named
 * `description` stays): they make up most of a CRD.
 */
export function withoutDescriptions(schema: unknown): unknown {
  if (!isRecord(schema)) return schema;
  const { description, ...rest } = schema;
  return mapSubschemas(typeof description === 'string' ? rest : schema, withoutDescriptions);
}
