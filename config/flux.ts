/**
 * Names of Flux's own conventions the platform relies on, shared by the charts that label and
 * the bootstrap files that deploy the controllers.
 */
export const FLUX = {
  sharding: {
    /** The label a sharded object carries, and that each shard's controller selects (fluxcd.io "Flux sharding and horizontal scaling"). */
    key: 'sharding.fluxcd.io/key',
    /** The annotation that marks a shard's controller, so that patches meant for the main controller skip it. */
    roleAnnotation: 'sharding.fluxcd.io/role',
  },
  receiver: {
    /** The notification-controller Receiver that turns the Git host's push events into a reconcile. */
    name: 'git-push',
    /** The Secret in flux-system holding the webhook's token; bootstrap creates it, it is never in Git. */
    tokenSecret: 'webhook-token',
  },
} as const;

/** Name of the `index`-th shard (1-based), as Flux's documentation names them. */
export function shardName(index: number): string {
  return `shard${index}`;
}
