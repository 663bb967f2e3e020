import type { k8s } from 'cdk8s-plus-30';
import { expr } from './expression';

/** The recommended `app.kubernetes.io` labels of a resource an instance owns. */
export function appLabels(instanceName: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': instanceName,
    'app.kubernetes.io/instance': instanceName,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': 'kro',
    'app.kubernetes.io/part-of': 'mini-atlas',
  };
}

/**
 * Labels that select exactly one instance's pods: the instance name is unique per kind in a
 * namespace, and the component tells a web application's pods from a cache's.
 */
export function selectorLabels(instanceName: string, component: string): Record<string, string> {
  return { 'app.kubernetes.io/instance': instanceName, 'app.kubernetes.io/component': component };
}

/** Container and pod settings of the `restricted` Pod Security Standard. */
export const RESTRICTED: { readonly pod: k8s.PodSecurityContext; readonly container: k8s.SecurityContext } = {
  pod: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  container: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
};

/** Whether a kro resource reports condition `type` as True (false while it has no status yet). */
export function conditionTrue(resourceId: string, type: string): string {
  return expr(`has(${resourceId}.status.conditions) && ${resourceId}.status.conditions.exists(c, c.type == "${type}" && c.status == "True")`);
}
