/**
 * The compact form of a CRD that `npm run import` commits to imports/crds/: its names and the
 * openAPIV3Schema of each served version, without descriptions (most of a CRD's bytes). What
 * preview and the tests check objects against; the typed classes come from the same file.
 */
import { parseAllDocuments } from 'yaml';
import { UsageError } from '../cli/usage-error';
import { withoutDescriptions } from '../json-schema';
import { isRecord } from '../preview/simple-schema';

/** A CRD as imports/crds/ holds it. */
export interface CompactCrd {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly scope: string;
  /** openAPIV3Schema by served version name. */
  readonly versions: Readonly<Record<string, unknown>>;
}

interface CrdDocument {
  readonly kind?: unknown;
  readonly spec?: {
    readonly group?: unknown;
    readonly scope?: unknown;
    readonly names?: { readonly kind?: unknown; readonly plural?: unknown };
    readonly versions?: readonly { readonly name: string; readonly served?: boolean; readonly schema?: { readonly openAPIV3Schema?: unknown } }[];
  };
}

/** The compact form of the CRD in `text`; refuses, naming `source`, anything but one CRD with schemas. */
export function compactCrd(text: string, source: string): CompactCrd {
  const crd = parseYaml(text, source);
  const spec = crd?.spec;
  if (crd?.kind !== 'CustomResourceDefinition' || typeof spec?.group !== 'string' || typeof spec.names?.kind !== 'string' || typeof spec.names.plural !== 'string') {
    throw new UsageError(`${source} is not a CustomResourceDefinition`);
  }
  const versions = Object.fromEntries(
    (spec.versions ?? [])
      .filter((version) => version.served !== false && isRecord(version.schema?.openAPIV3Schema))
      .map((version) => [version.name, withoutDescriptions(version.schema!.openAPIV3Schema)]),
  );
  if (Object.keys(versions).length === 0) throw new UsageError(`${source} serves no version with a schema`);
  return { group: spec.group, kind: spec.names.kind, plural: spec.names.plural, scope: String(spec.scope ?? 'Namespaced'), versions };
}

function parseYaml(text: string, source: string): CrdDocument | null {
  const documents = parseAllDocuments(text);
  if (documents.length > 1) throw new UsageError(`${source} holds ${documents.length} YAML documents; a CRD file holds one`);
  const [error] = documents[0]?.errors ?? [];
  if (error) throw new UsageError(`${source} is not YAML: ${error.message.split('\n')[0]}`);
  return (documents[0]?.toJS() ?? null) as CrdDocument | null;
}

/** File name of a kind's compact CRD in imports/crds/: `<kind>.<group>.json`, lower case like a resource name. */
export function crdSchemaFile(group: string, kind: string): string {
  return `${kind.toLowerCase()}.${group}.json`;
}
