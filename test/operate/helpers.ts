/** A fake cluster with a team's pods, for the operator commands' tests. */
import { ClusterState, readyCluster } from '../status/fake-cluster';

/** A pod as the API server lists it: labels, and whether it is running and ready. */
export function pod(namespace: string, name: string, labels: Record<string, string>, ready = true): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    status: { phase: ready ? 'Running' : 'Pending', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

/** The labels the WebApplication abstraction gives the pods of `app`. */
export function webLabels(app: string): Record<string, string> {
  return { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': app, 'app.kubernetes.io/component': 'web' };
}

/** The ready platform of the status fixtures, plus `extra`. */
export function clusterWith(extra: Partial<ClusterState>): ClusterState {
  return { ...readyCluster(), ...extra };
}
