/** Reads, through an ApiClient, the raw objects a snapshot is made of. */
import { PLATFORM } from '../../config/platform';
import { ApiClient } from './api';
import { ClusterError } from './errors';
import { ABSTRACTIONS, AbstractionKind, ClusterSnapshot, RawObjects, buildSnapshot } from './records';

const KUSTOMIZATIONS = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations' };
const HELM_RELEASES = { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases' };
const [KRO_GROUP, KRO_VERSION] = PLATFORM.abstractionApiVersion.split('/');

/** Fetches Flux's and kro's objects and the teams' instances; `team` limits the teams to one. */
export async function fetchSnapshot(client: ApiClient, team?: string): Promise<ClusterSnapshot> {
  const tenantSelector = encodeURIComponent(team ? `${PLATFORM.tenantLabel}=${team}` : PLATFORM.tenantLabel);
  // Flux first: on a fresh cluster it is what installs kro, so its absence is the one to report.
  const [kustomizations, helmReleases, namespaces] = await settleInOrder([
    listFlux(client, KUSTOMIZATIONS),
    listFlux(client, HELM_RELEASES),
    listItems(client, `/api/v1/namespaces?labelSelector=${tenantSelector}`),
  ]);
  const servedResources = await kroResources(client);
  const served = ABSTRACTIONS.filter(({ plural }) => servedResources.includes(plural));
  const [graphDefinitions, ...instanceLists] = await settleInOrder([
    listItems(client, `/apis/${PLATFORM.abstractionApiVersion}/resourcegraphdefinitions`),
    ...served.map(({ plural }) => listItems(client, `/apis/${PLATFORM.abstractionApiVersion}/${plural}`)),
  ]);
  const instances: Partial<Record<AbstractionKind, readonly unknown[]>> = Object.fromEntries(served.map(({ kind }, index) => [kind, instanceLists[index]]));
  const raw: RawObjects = { kustomizations, helmReleases, graphDefinitions, namespaces, servedResources, instances };
  return buildSnapshot(client.server, client.context, raw, team);
}

/**
 * Waits for every request, then fails with the first failure in the given order, so the sentence
 * shown does not depend on which request happened to fail first.
 */
async function settleInOrder<T>(requests: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(requests);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

async function listFlux(client: ApiClient, api: { group: string; version: string; plural: string }): Promise<unknown[]> {
  const list = await client.get(`/apis/${api.group}/${api.version}/${api.plural}`);
  if (list === undefined) throw notInstalled('Flux', `${api.group}/${api.version}`, client.server);
  return itemsOf(list);
}

async function listItems(client: ApiClient, path: string): Promise<unknown[]> {
  // A list that vanished between discovery and the request (CRD just deleted) is simply empty.
  return itemsOf((await client.get(path)) ?? {});
}

/** The resources kro.run/v1alpha1 serves: resourcegraphdefinitions plus one per ready RGD. */
async function kroResources(client: ApiClient): Promise<string[]> {
  const discovery = (await client.get(`/apis/${KRO_GROUP}/${KRO_VERSION}`)) as { resources?: { name?: string }[] } | undefined;
  const names = (discovery?.resources ?? []).map((resource) => resource.name ?? '').filter((name) => name !== '' && !name.includes('/'));
  if (!names.includes('resourcegraphdefinitions')) throw notInstalled('kro', PLATFORM.abstractionApiVersion, client.server);
  return names;
}

function notInstalled(product: string, apiVersion: string, server: string): ClusterError {
  return new ClusterError(`${product} is not installed yet: the API ${apiVersion} is not served by ${server}`, true);
}

function itemsOf(list: unknown): unknown[] {
  const items = (list as { items?: unknown }).items;
  return Array.isArray(items) ? items : [];
}
