/**
 * Plain typed records of what the cluster reports, made from the API's raw list items. Pure, so
 * tests can feed it recorded objects instead of a cluster.
 */
import type { AbstractionApi } from '../../abstractions/api';
import { ABSTRACTION_APIS } from '../../abstractions/apis';
import { PLATFORM } from '../../config/platform';

/** One entry of `status.conditions`, as Flux and kro write them. */
export interface Condition {
  readonly type: string;
  /** `True`, `False` or `Unknown`. */
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

/** A Flux Kustomization (one per layer) or HelmRelease. */
export interface FluxRecord {
  readonly kind: 'Kustomization' | 'HelmRelease';
  readonly namespace: string;
  readonly name: string;
  /** `spec.suspend`: Flux stopped reconciling it on purpose. */
  readonly suspended: boolean;
  readonly conditions: readonly Condition[];
}

/** A kro ResourceGraphDefinition: the definition of one abstraction. */
export interface GraphDefinitionRecord {
  readonly name: string;
  /** The kind it defines (`spec.schema.kind`), e.g. `WebApplication`. */
  readonly kind: string;
  /** `status.state`: `Active` once kro serves and reconciles the kind, else `Inactive`. */
  readonly state?: string;
  readonly conditions: readonly Condition[];
}

/** One instance of an abstraction that a team wrote under user-space/<team>/. */
export interface InstanceRecord {
  readonly kind: AbstractionKind;
  /** Absent for cluster-scoped kinds (Workspace). */
  readonly namespace?: string;
  readonly name: string;
  readonly team: string;
  /** kro's `status.state`: ACTIVE, IN_PROGRESS, FAILED, DELETING or ERROR. */
  readonly state?: string;
  readonly conditions: readonly Condition[];
}

/** The abstractions teams use (their kind), and the resources the API serves their instances as (their plural). */
export const ABSTRACTIONS: readonly Pick<AbstractionApi, 'kind' | 'plural'>[] = ABSTRACTION_APIS;

/** An abstraction's kind, e.g. WebApplication. */
export type AbstractionKind = string;

/** A team: the namespaces labelled with its name, and the instances in them. */
export interface TeamRecord {
  readonly name: string;
  readonly namespaces: readonly string[];
  readonly instances: readonly InstanceRecord[];
}

/** Everything `status` judges, fetched in one go. */
export interface ClusterSnapshot {
  readonly server: string;
  readonly context: string;
  readonly flux: readonly FluxRecord[];
  readonly graphDefinitions: readonly GraphDefinitionRecord[];
  /** Abstractions whose kind the API does not serve yet: their ResourceGraphDefinition is not ready. */
  readonly unservedKinds: readonly AbstractionKind[];
  readonly teams: readonly TeamRecord[];
}

/** The raw list items a snapshot is made of, as `GET .../<plural>` returns them. */
export interface RawObjects {
  readonly kustomizations: readonly unknown[];
  readonly helmReleases: readonly unknown[];
  readonly graphDefinitions: readonly unknown[];
  /** Namespaces carrying the tenant label. */
  readonly namespaces: readonly unknown[];
  /** Resource names kro.run/v1alpha1 serves: resourcegraphdefinitions, and each plural it answers a list of. */
  readonly servedResources: readonly string[];
  /** Instances of each served abstraction, by plural, across all namespaces. */
  readonly instances: Readonly<Partial<Record<AbstractionKind, readonly unknown[]>>>;
}

interface RawObject {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { suspend?: boolean; schema?: { kind?: string } };
  status?: { state?: string; conditions?: unknown[] };
}

/**
 * Builds the snapshot. `team` limits the teams to one; a team asked for by name is kept even with
 * no namespace yet, so that its absence shows.
 */
export function buildSnapshot(server: string, context: string, raw: RawObjects, team?: string): ClusterSnapshot {
  // Stryker disable next-line ArrayDeclaration: an instance made of anything but an object has no name and no namespace, so no team, and is left out
  const instances = ABSTRACTIONS.flatMap(({ kind }) => (raw.instances[kind] ?? []).map((item) => toInstance(kind, item as RawObject)));
  return {
    server,
    context,
    flux: [...raw.kustomizations.map((item) => toFlux('Kustomization', item as RawObject)), ...raw.helmReleases.map((item) => toFlux('HelmRelease', item as RawObject))],
    graphDefinitions: raw.graphDefinitions.map((item) => toGraphDefinition(item as RawObject)),
    unservedKinds: ABSTRACTIONS.filter(({ plural }) => !raw.servedResources.includes(plural)).map(({ kind }) => kind),
    teams: groupByTeam(raw.namespaces.map((item) => item as RawObject), instances, team),
  };
}

// Stryker disable next-line StringLiteral: the API server gives every object a name; the fallback only satisfies the type
const nameOf = (item: RawObject): string => item.metadata?.name ?? '';

function toFlux(kind: FluxRecord['kind'], item: RawObject): FluxRecord {
  // Stryker disable next-line StringLiteral: Kustomizations and HelmReleases are namespaced: the API server always sends their namespace
  return { kind, namespace: item.metadata?.namespace ?? '', name: nameOf(item), suspended: item.spec?.suspend === true, conditions: conditionsOf(item) };
}

function toGraphDefinition(item: RawObject): GraphDefinitionRecord {
  return { name: nameOf(item), kind: item.spec?.schema?.kind ?? '', state: item.status?.state, conditions: conditionsOf(item) };
}

/**
 * Namespaced instances belong to the team of their namespace; a Workspace (cluster-scoped, it
 * makes the team's namespace) to the team in its tenant label, else to the team it is named after.
 */
function toInstance(kind: AbstractionKind, item: RawObject): Omit<InstanceRecord, 'team'> & { tenant?: string } {
  const name = nameOf(item);
  const namespace = item.metadata?.namespace;
  return {
    kind,
    name,
    ...(namespace ? { namespace } : { tenant: item.metadata?.labels?.[PLATFORM.tenantLabel] ?? name }),
    state: item.status?.state,
    conditions: conditionsOf(item),
  };
}

function groupByTeam(namespaces: readonly RawObject[], instances: readonly (Omit<InstanceRecord, 'team'> & { tenant?: string })[], only?: string): TeamRecord[] {
  const teamOfNamespace = new Map<string, string>();
  for (const namespace of namespaces) {
    const team = namespace.metadata?.labels?.[PLATFORM.tenantLabel];
    if (team && namespace.metadata?.name) teamOfNamespace.set(namespace.metadata.name, team);
  }
  const placed = instances.flatMap(({ tenant, ...instance }) => {
    // Stryker disable next-line StringLiteral: an instance without a namespace has a tenant (toInstance), so the fallback is never read
    const team = tenant ?? teamOfNamespace.get(instance.namespace ?? '');
    return team ? [{ ...instance, team }] : [];
  });
  const names = new Set([...teamOfNamespace.values(), ...placed.map((instance) => instance.team), ...(only ? [only] : [])]);
  return [...names]
    .filter((name) => !only || name === only)
    .sort()
    .map((name) => ({
      name,
      namespaces: [...teamOfNamespace].filter(([, team]) => team === name).map(([namespace]) => namespace).sort(),
      instances: placed.filter((instance) => instance.team === name),
    }));
}

function conditionsOf(item: RawObject): Condition[] {
  // Stryker disable next-line ArrayDeclaration: an item that is no condition (as in the mutant's list) is dropped below
  return (item.status?.conditions ?? []).flatMap((raw) => {
    const condition = raw as Partial<Condition>;
    if (typeof condition.type !== 'string' || typeof condition.status !== 'string') return [];
    return [{ type: condition.type, status: condition.status, reason: condition.reason || undefined, message: condition.message || undefined }];
  });
}
