import { ApiObject, App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ResourceGraphDefinitionSpecSchema, ResourceGraphDefinitionSpecSchemaScope } from '../imports/kro-kro.run';
import { ClusterConfig } from '../config/clusters';
import { expr, refs, resolveMapExpressions } from './expression';
import { AbstractionApi, PrinterColumn } from './api';
import { Fields, toSimpleSchema, Values } from './schema';

/** One resource of a ResourceGraphDefinition. */
export interface GraphResource {
  /** kro resource id: a CEL identifier other expressions refer to. */
  readonly id: string;
  /** The manifest, with `${...}` expressions. */
  readonly template: Record<string, unknown>;
  /** Conditions on this resource that must hold before dependants and the instance are ready. @default none */
  readonly readyWhen?: readonly string[];
  /** Conditions on the instance for creating this resource at all. @default always */
  readonly includeWhen?: readonly string[];
}

/** What an abstraction's templates can refer to: the instance's spec fields and identity. */
export interface InstanceRefs<F extends Fields> {
  readonly spec: Values<F>;
  readonly name: string;
  readonly namespace: string;
}

/** An abstraction's API with the resources kro creates for each instance: its whole definition. */
export interface Abstraction<F extends Fields = Fields> extends AbstractionApi<F> {
  /** Status fields, as `${...}` expressions over the resources. */
  status(): Record<string, string>;
  /** The resources kro creates for one instance on `cluster`. */
  resources(instance: InstanceRefs<F>, cluster: ClusterConfig): GraphResource[];
  /**
   * ClusterRoles the platform defines once (tenants layer) for the instances' RoleBindings to
   * refer to, so that a RoleBinding grants exactly those rights in one namespace. @default none
   */
  clusterRoles?(): k8s.KubeClusterRoleProps[];
}

/** Typed references to the fields of `abstraction`'s instances, for its templates. */
export function instanceRefs<F extends Fields>(abstraction: Abstraction<F>): InstanceRefs<F> {
  return {
    spec: refs<Values<F>>(Object.keys(abstraction.spec) as (keyof F & string)[], 'schema.spec', (name) => abstraction.spec[name].type === 'map'),
    name: expr('schema.metadata.name'),
    namespace: expr('schema.metadata.namespace'),
  };
}

/** The manifest of a typed cdk8s object, rendered on its own so templates stay typed. */
export function manifest<P>(type: new (scope: Construct, id: string, props: P) => ApiObject, props: P): Record<string, unknown> {
  return resolveMapExpressions(new type(new Chart(new App(), 'template'), 'object', props).toJson()) as Record<string, unknown>;
}

/** kro's SimpleSchema section of the RGD. */
export function rgdSchema(abstraction: Abstraction, cluster: ClusterConfig): ResourceGraphDefinitionSpecSchema {
  const columns: PrinterColumn[] = [
    { name: 'State', type: 'string', jsonPath: '.status.state' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    ...(abstraction.printerColumns ?? []),
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ];
  return {
    apiVersion: 'v1alpha1',
    kind: abstraction.kind,
    scope: abstraction.scope === 'Cluster' ? ResourceGraphDefinitionSpecSchemaScope.CLUSTER : ResourceGraphDefinitionSpecSchemaScope.NAMESPACED,
    spec: toSimpleSchema(abstraction.spec, cluster),
    status: abstraction.status(),
    additionalPrinterColumns: columns,
  };
}
