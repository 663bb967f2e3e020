/**
 * What an operator command looked for in the cluster and did not find (no pods of the app, no
 * kubeconfig Secret yet): the cluster answered, the answer is "not there". One sentence, exit 1,
 * as opposed to a ClusterError (the cluster could not be asked: exit 2).
 */
export class NotFoundError extends Error {}

/** The reason a client call rejected with, for one line on stderr: an Error's or ErrorEvent's message, or the value itself. */
export function reasonOf(error: unknown): string {
  const message = (error as { message?: unknown })?.message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}
