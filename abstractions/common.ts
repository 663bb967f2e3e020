import { k8s } from 'cdk8s-plus-30';
import { expr } from './expression';
import { field } from './schema';

/**
 * Patterns shared by several abstractions. They are RE2-compatible because kro turns them into
 * CRD validation, which the API server evaluates in Go.
 */
export const PATTERNS = {
  dnsLabel: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  hostname: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)+$',
  /** An image repository, optionally with registry and port: `nginx`, `ghcr.io/org/app`, `localhost:5000/app`. */
  imageRepository: '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$',
  imageTag: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$',
  /** A PostgreSQL name that needs no quoting tricks: lower-case letter first, then letters, digits, `_` or `-`. */
  databaseName: '^[a-z][a-z0-9_-]*$',
  cpu: '^([0-9]+m|[0-9]+([.][0-9]+)?)$',
  memory: '^[0-9]+(Ki|Mi|Gi)$',
  httpPath: '^/[A-Za-z0-9._~%/-]*$',
} as const;

/**
 * The Mini-Atlas seed's files repeat the instance's name and namespace in `spec`. They are
 * accepted (synth checks they agree with metadata) but nothing depends on them.
 */
export const SEED_NAME_FIELD = field.string({
  description: 'Repeats metadata.name, as the Mini-Atlas seed files do; must equal it when given.',
  pattern: PATTERNS.dnsLabel,
  maxLength: 63,
});

export const SEED_NAMESPACE_FIELD = field.string({
  description: 'Repeats metadata.namespace, as the Mini-Atlas seed files do; must equal it when given.',
  pattern: PATTERNS.dnsLabel,
  maxLength: 63,
});

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
