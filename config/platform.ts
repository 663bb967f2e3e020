/** Names shared by several layers, so a chart and the abstractions that point at it agree. */
export const PLATFORM = {
  /** Label every team namespace carries; policies and network rules select on it. */
  tenantLabel: 'mini-atlas.io/tenant',
  /** API group and version of the abstractions' instances (kept from the Mini-Atlas seed). */
  abstractionApiVersion: 'kro.run/v1alpha1',
  fluxNamespace: 'flux-system',
  kafka: { namespace: 'kafka', cluster: 'shared' },
  gateway: { namespace: 'gateway', name: 'shared', className: 'cilium' },
  /** The per-team ClusterRole that Flux impersonates, bound only inside a team's namespace. */
  tenantRole: 'mini-atlas-tenant',
} as const;
