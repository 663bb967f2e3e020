/**
 * notification-controller's Receiver (notification.toolkit.fluxcd.io/v1, Flux 2.9), written by
 * hand: its CRD is not among the pinned CRDs that `npm run import` generates classes and schemas
 * from. The fields are those of notification-controller v1.9's api/v1/receiver_types.go that
 * the platform uses.
 */
export interface ReceiverProps {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: {
    /** Who sends the webhook, which decides how its payload is authenticated (`github`: HMAC with the token). */
    readonly type: 'generic' | 'generic-hmac' | 'github' | 'gitlab' | 'bitbucket';
    /** Event types handled, e.g. `push` for GitHub. @default all */
    readonly events?: readonly string[];
    /** The Secret (key `token`) that authenticates the payload and names the webhook's path. */
    readonly secretRef: { readonly name: string };
    /** The objects to reconcile when an event arrives. */
    readonly resources: ReadonlyArray<{ readonly apiVersion: string; readonly kind: string; readonly name: string }>;
    /** A CEL expression over `res` and the request body `req`; false skips the resource. @default every event reconciles */
    readonly resourceFilter?: string;
  };
}

export const RECEIVER_API_VERSION = 'notification.toolkit.fluxcd.io/v1';

/** The Receiver as an object cdk8s writes. */
export function receiverManifest(props: ReceiverProps): { apiVersion: string; kind: string; metadata: ReceiverProps['metadata']; spec: ReceiverProps['spec'] } {
  return { apiVersion: RECEIVER_API_VERSION, kind: 'Receiver', ...props };
}
