import { Fields, toJsonSchema } from './schema';

/** A printed column of `kubectl get <kind>`. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'boolean' | 'date';
  readonly jsonPath: string;
}

/**
 * What teams write: an abstraction's kind and fields. It is kept apart from the resources kro
 * creates (graph.ts) so that validating team files never loads cdk8s or the CRD imports.
 */
export interface AbstractionApi<F extends Fields = Fields> {
  readonly kind: string;
  /** Lower-case plural, as in `kubectl get webapplications`. */
  readonly plural: string;
  readonly scope: 'Namespaced' | 'Cluster';
  /** What a team gets, in a sentence or two, for the reference docs. */
  readonly description: string;
  readonly spec: F;
  /** Columns `kubectl get` shows besides kro's state. @default none */
  readonly printerColumns?: readonly PrinterColumn[];
  /**
   * Its instances hold data that must outlive their files, so Flux never prunes them: removing
   * one from Git leaves it running until someone deletes it on purpose. @default false
   */
  readonly keptWhenRemoved?: boolean;
}

/** JSON Schema of a whole team document of `abstraction`'s kind. */
export function documentSchema(abstraction: AbstractionApi, apiVersion: string): Record<string, unknown> {
  const dns1123 = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 };
  const metadata: Record<string, unknown> = { name: { ...dns1123, description: 'Name of the instance.' } };
  if (abstraction.scope === 'Namespaced') metadata.namespace = { ...dns1123, description: "The team's namespace (its folder name)." };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: abstraction.kind,
    description: abstraction.description,
    type: 'object',
    additionalProperties: false,
    // A kind with no required field needs no spec at all (a Workspace can be just its name).
    required: ['apiVersion', 'kind', 'metadata', ...(Object.values(abstraction.spec).some((field) => field.required) ? ['spec'] : [])],
    properties: {
      apiVersion: { const: apiVersion },
      kind: { const: abstraction.kind },
      metadata: { type: 'object', additionalProperties: false, required: ['name'], properties: metadata },
      spec: { description: `What the ${abstraction.kind} should be.`, ...toJsonSchema(abstraction.spec) },
    },
  };
}
