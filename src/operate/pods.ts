/** Finding the pods an operator command talks to, by label, the way the platform labels them. */
import type { V1Pod } from '@kubernetes/client-node';
import { ClusterApi } from '../status/api';
import { NotFoundError } from './errors';

/** The pods of `namespace` matching `labelSelector`, sorted by name; a NotFoundError when there are none. */
export async function podsOf(api: ClusterApi, namespace: string, labelSelector: string, what: string): Promise<V1Pod[]> {
  const pods = await api.listPods(namespace, labelSelector);
  if (pods.length === 0) throw new NotFoundError(`no pods of ${what} in namespace ${namespace} (label ${labelSelector}) on ${api.server}; is it deployed? npm run status shows what is not ready`);
  return [...pods].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
}

/** The first ready pod of `what`, for a port-forward; a NotFoundError naming the pods that are not. */
export async function readyPod(api: ClusterApi, namespace: string, labelSelector: string, what: string): Promise<string> {
  const pods = await podsOf(api, namespace, labelSelector, what);
  const ready = pods.find(isReady);
  if (!ready) {
    const states = pods.map((pod) => `${nameOf(pod)} ${pod.status?.phase ?? 'Unknown'}`).join(', ');
    throw new NotFoundError(`no ready pod of ${what} in namespace ${namespace} (${states}); wait for it or look at its events`);
  }
  return nameOf(ready);
}

/** `key=value,key=value`: a label selector for `labels`. */
export function selectorOf(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(',');
}

export function nameOf(pod: V1Pod): string {
  // Stryker disable next-line StringLiteral: every pod the API server lists has a name; the fallback only satisfies the optional type
  return pod.metadata?.name ?? '';
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True');
}
