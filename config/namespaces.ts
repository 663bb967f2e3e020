import { PLATFORM } from './platform';

/**
 * Every namespace the platform or Kubernetes runs in. The charts take their namespaces from
 * here, and the validator refuses a team folder named like any of them: a team's Workspace would
 * otherwise label the namespace `restricted`, deny its traffic, cap it with a quota and bind the
 * tenant role in it.
 */

/** Pod Security Standards level a namespace enforces. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** A namespace the platform creates (layer `namespaces`), and the pod security it enforces. */
export interface PlatformNamespace {
  readonly name: string;
  readonly podSecurity: PodSecurityLevel;
  /** What runs there, for messages. */
  readonly owner: string;
}

/** A namespace a team may not take, and whose it is. */
export interface ReservedNamespace {
  readonly name: string;
  readonly owner: string;
}

/**
 * Namespaces of the platform components. Operators run at `baseline` (some of their charts need
 * it) and warn at `restricted`; namespaces that only hold platform-made workloads are restricted.
 */
export const PLATFORM_NAMESPACES = {
  kro: { name: 'kro-system', podSecurity: 'baseline', owner: 'the kro operator' },
  kyverno: { name: 'kyverno', podSecurity: 'baseline', owner: 'Kyverno' },
  strimzi: { name: 'strimzi-system', podSecurity: 'baseline', owner: 'the Strimzi operator' },
  cloudnativePg: { name: 'cnpg-system', podSecurity: 'baseline', owner: 'the CloudNativePG operator' },
  kafka: { name: PLATFORM.kafka.namespace, podSecurity: 'restricted', owner: 'the shared Kafka cluster' },
  gateway: { name: PLATFORM.gateway.namespace, podSecurity: 'restricted', owner: 'the shared Gateway' },
  // cert-manager's chart runs restricted pods (non-root, no privilege escalation, RuntimeDefault).
  certManager: { name: PLATFORM.certificates.namespace, podSecurity: 'restricted', owner: 'cert-manager' },
} as const satisfies Record<string, PlatformNamespace>;

/** Namespaces that exist before the platform: Kubernetes' own, kind's, and those bootstrap and Cilium's chart create. */
export const SYSTEM_NAMESPACES = {
  default: { name: 'default', owner: 'Kubernetes (the namespace of objects that name none)' },
  kubeSystem: { name: 'kube-system', owner: 'Kubernetes and Cilium' },
  kubePublic: { name: 'kube-public', owner: 'Kubernetes (readable by everyone)' },
  kubeNodeLease: { name: 'kube-node-lease', owner: "Kubernetes (the nodes' heartbeats)" },
  localPathStorage: { name: 'local-path-storage', owner: "kind's volume provisioner" },
  flux: { name: PLATFORM.fluxNamespace, owner: 'Flux' },
  // The cilium 1.20.0 chart creates it for the Gateway's TLS secrets (gatewayAPI.secretsNamespace).
  ciliumSecrets: { name: 'cilium-secrets', owner: "Cilium's Gateway API TLS secrets" },
} as const satisfies Record<string, ReservedNamespace>;

/** Kubernetes reserves the prefix for its own namespaces (kubernetes.io, "Namespaces": avoid `kube-`). */
export const RESERVED_PREFIX = 'kube-';

/** Every namespace a team may not take. */
export const RESERVED_NAMESPACES: readonly ReservedNamespace[] = [...Object.values(SYSTEM_NAMESPACES), ...Object.values(PLATFORM_NAMESPACES)];

/** Why `name` cannot be a team's namespace, or undefined when it can. */
export function reservedNamespace(name: string): string | undefined {
  const reserved = RESERVED_NAMESPACES.find((namespace) => namespace.name === name);
  if (reserved) return `the namespace "${name}" belongs to ${reserved.owner}`;
  if (name.startsWith(RESERVED_PREFIX)) return `Kubernetes reserves namespaces starting with "${RESERVED_PREFIX}" for itself`;
  return undefined;
}
