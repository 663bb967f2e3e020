/** Reads, through a ClusterApi, the raw objects a snapshot is made of. */
import { PLATFORM } from '../../config/platform';
import type { ClusterApi, CustomResource } from './api';
import { ClusterError } from './errors';
import { ABSTRACTIONS, AbstractionKind, ClusterSnapshot, RawObjects, buildSnapshot } from './records';

const KUSTOMIZATIONS: CustomResource = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations' };
const HELM_RELEASES: CustomResource = { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases' };
const [KRO_GROUP, KRO_VERSION] = PLATFORM.abstractionApiVersion.split('/');
const GRAPH_DEFINITIONS: CustomResource = { group: KRO_GROUP, version: KRO_VERSION, plural: 'resourcegraphdefinitions' };

/** Fetches Flux's and kro's objects and the teams' instances; `team` limits the teams to one. */
export async function fetchSnapshot(api: ClusterApi, team?: string): Promise<ClusterSnapshot> {
  // All at once; the order below only decides which failure is reported. Flux first: on a fresh
  // cluster it is what installs kro, so its absence is the one to report.
  const [kustomizations, helmReleases, namespaces, graphDefinitions, ...instanceLists] = await settleInOrder([
    listInstalled(api, KUSTOMIZATIONS, 'Flux'),
    listInstalled(api, HELM_RELEASES, 'Flux'),
    api.listNamespaces(team ? `${PLATFORM.tenantLabel}=${team}` : PLATFORM.tenantLabel),
    listInstalled(api, GRAPH_DEFINITIONS, 'kro'),
    // kro serves an abstraction's kind only once its ResourceGraphDefinition is ready; until then, 404.
    ...ABSTRACTIONS.map(({ plural }) => api.listCustomObjects({ group: KRO_GROUP, version: KRO_VERSION, plural })),
  ]);
  const served = ABSTRACTIONS.flatMap((abstraction, index) => (instanceLists[index] === undefined ? [] : [{ ...abstraction, items: instanceLists[index] }]));
  const instances: Partial<Record<AbstractionKind, readonly unknown[]>> = Object.fromEntries(served.map(({ kind, items }) => [kind, items]));
  const servedResources = [GRAPH_DEFINITIONS.plural, ...served.map(({ plural }) => plural)];
  const raw: RawObjects = { kustomizations, helmReleases, graphDefinitions, namespaces, servedResources, instances };
  return buildSnapshot(api.server, api.context, raw, team);
}

/**
 * Waits for every request, then fails with the first failure in the given order, so the sentence
 * shown does not depend on which request happened to fail first.
 */
async function settleInOrder<T extends readonly unknown[]>(requests: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(requests);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** The items of a resource whose absence means `product` is not installed. */
async function listInstalled(api: ClusterApi, resource: CustomResource, product: string): Promise<unknown[]> {
  const items = await api.listCustomObjects(resource);
  if (items === undefined) throw new ClusterError(`${product} is not installed yet: the API ${resource.group}/${resource.version} is not served by ${api.server}`, true);
  return items;
}
