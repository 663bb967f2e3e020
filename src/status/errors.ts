/**
 * Why `mini-atlas status` could not tell whether the platform is ready: the cluster is out of
 * reach, refuses us, or the kubeconfig is unusable. Reported as its one-sentence message with
 * exit code 2, never with a stack trace.
 */
export class ClusterError extends Error {
  /**
   * @param retryable whether waiting may cure it (a cluster still starting, an API group Flux has
   *   yet to install), as opposed to wrong credentials or a broken kubeconfig.
   */
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
