/**
 * The one helper for kro's `${...}` expressions in typed templates. An expression is a string
 * at run time, but it stands where the template's type wants the value it will produce (a
 * number for `replicas`), so templates keep the imports' types and a misspelt field still fails
 * to compile.
 */
export function expr<T = string>(cel: string): T {
  return `\${${cel}}` as unknown as T;
}

/**
 * Key of the stand-in for a map-valued expression. cdk8s's generated serializers copy maps key
 * by key, which would spell a plain string out character by character; a one-key object passes
 * through intact and `resolveMapExpressions` turns it back into the expression.
 */
// Stryker disable next-line StringLiteral: any key no real map of a template holds works; this one says what it is
const MAP_EXPRESSION = '__kroMapExpression__';

/** A `${...}` expression that produces a map, e.g. a selector's labels or environment variables. */
export function mapExpr(cel: string): Record<string, string> {
  return { [MAP_EXPRESSION]: expr(cel) };
}

/** `value` with every map stand-in replaced by its expression string. */
export function resolveMapExpressions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveMapExpressions);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === MAP_EXPRESSION) return entries[0][1];
  return Object.fromEntries(entries.map(([key, child]) => [key, resolveMapExpressions(child)]));
}

/** The CEL inside a whole-value `${...}` written by `expr` or `ref`. */
export function celOf(value: unknown): string {
  const text = String(value);
  if (!text.startsWith('${') || !text.endsWith('}')) throw new Error(`not an expression: ${text}`);
  return text.slice(2, -1);
}

/**
 * Typed references to an instance's fields: `refs(['replicas'], 'schema.spec').replicas` is the
 * expression `${schema.spec.replicas}`, typed as the field's value.
 */
export function refs<T extends object>(names: readonly (keyof T & string)[], prefix: string, isMap: (name: string) => boolean = () => false): T {
  const result: Record<string, unknown> = {};
  for (const name of names) result[name] = isMap(name) ? mapExpr(`${prefix}.${name}`) : expr(`${prefix}.${name}`);
  return result as T;
}

/**
 * `value` as a CEL literal, for a value only a whole expression can produce (a list built from
 * the instance's maps): maps, lists and strings in CEL syntax, and a `${...}` string as the
 * expression it holds.
 */
export function celLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(celLiteral).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${celLiteral(item)}`).join(', ')}}`;
  if (typeof value === 'string' && value.startsWith('${') && value.endsWith('}') && !value.slice(2).includes('${')) return celOf(value);
  return JSON.stringify(value);
}
