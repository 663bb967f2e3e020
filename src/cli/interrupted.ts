/**
 * Resolves at Ctrl-C (SIGINT) or SIGTERM: how a command that runs until stopped (a port-forward,
 * a followed log, a watched status) ends, with exit 0. Call it before saying how to stop, so that
 * a signal sent at once is not the default's (exit by signal).
 */
export function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
