/**
 * A cluster override merged over its base document: maps merge key by key, anything else
 * (scalars, lists) is replaced. The result is new; neither input changes.
 */
export function mergeOverride(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = key in base ? mergeOverride(base[key], value) : value;
  return merged;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` has a field at `path` (so a message can point into the file that set it). */
export function hasPath(value: unknown, path: readonly (string | number)[]): boolean {
  let node = value;
  for (const segment of path) {
    if (Array.isArray(node) && Number(segment) in node) node = node[Number(segment)];
    else if (isPlainObject(node) && segment in node) node = node[segment];
    else return false;
  }
  return true;
}
