/**
 * Turns whatever a @kubernetes/client-node request rejected with into one sentence that names the
 * server, and whether waiting may cure it.
 */
import { ApiException } from '@kubernetes/client-node';
import { ClusterError } from './errors';

/** The request that failed, for the sentence. */
export interface FailedRequest {
  readonly server: string;
  readonly context: string;
  /** API path, e.g. `/apis/kro.run/v1alpha1/resourcegraphdefinitions`. */
  readonly path: string;
  readonly timeoutMs: number;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (is the cluster running?)',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ENOTFOUND: 'its host name does not resolve',
  EAI_AGAIN: 'its host name does not resolve right now',
};

/** The ClusterError for `error`, thrown by a client-node call made for `request`. */
export function requestError(error: unknown, request: FailedRequest): ClusterError {
  const { server, context, path, timeoutMs } = request;
  if (error instanceof ApiException) return statusError(error, request);
  // The only signal on our requests is the deadline's, so an abort is always the timeout.
  if (isAbort(error)) return new ClusterError(`the API server ${server} did not answer within ${formatSeconds(timeoutMs)}`, true);
  const failure = networkFailure(error);
  if (failure) {
    const reason = (failure.code && NETWORK_REASONS[failure.code]) ?? failure.message;
    // TLS failures (unknown CA, wrong host) do not cure themselves; everything else may be a cluster
    // still starting. (No code reads "undefined", which names no TLS failure.)
    const retryable = !/certificate|self.signed|SSL|TLS|CERT/i.test(`${failure.code} ${failure.message}`);
    return new ClusterError(`cannot reach the API server ${server} of context "${context}": ${reason}`, retryable);
  }
  // client-node parses a 2xx body by its content type: JSON.parse fails, or it knows no parser.
  if (isError(error, 'SyntaxError') || /mediaType|Content-Type/.test(String((error as Error)?.message))) {
    return new ClusterError(`the API server ${server} answered GET ${path} with something that is not JSON`, false);
  }
  // What is left comes from client-node before sending: an exec credential plugin or proxy that failed.
  return new ClusterError(`cannot send GET ${path} to the API server ${server} as context "${context}": ${firstLine(error)}`, false);
}

/** Whether `error` is the rejection of an aborted request (AbortSignal.timeout rejects with a TimeoutError). */
function isAbort(error: unknown): boolean {
  return isError(error, 'AbortError') || isError(error, 'TimeoutError');
}

/**
 * Whether `value` is an error, of the class named `name` if given. By name, not `instanceof`: the
 * errors of Node's own fetch come from Node's realm, which is not the code's own in a VM context
 * (Jest's) or a worker, and a DOMException is no Error there either.
 */
function isError(value: unknown, name?: string): value is Error {
  return typeof (value as Error | null | undefined)?.message === 'string' && (name === undefined || (value as Error).name === name);
}

/**
 * The socket or TLS error under undici's `TypeError: fetch failed` (its `cause`, itself
 * sometimes an AggregateError of one attempt per address).
 */
function networkFailure(error: unknown): { readonly code?: string; readonly message: string } | undefined {
  if (!isError(error, 'TypeError') || error.message !== 'fetch failed') return undefined;
  let cause = (error as { cause?: unknown }).cause;
  if (isError(cause, 'AggregateError')) cause = (cause as AggregateError).errors[0];
  if (!isError(cause)) return { message: error.message };
  return { code: (cause as NodeJS.ErrnoException).code, message: cause.message };
}

function statusError(error: ApiException<unknown>, { server, context, path }: FailedRequest): ClusterError {
  const message = statusMessage(error.body);
  if (error.code === 401) {
    return new ClusterError(`the API server ${server} rejected the credentials of context "${context}" (401 Unauthorized): they are missing, invalid or expired`, false);
  }
  if (error.code === 403) {
    return new ClusterError(`the API server ${server} does not allow context "${context}" to read ${path} (403 Forbidden): ${message ?? 'ask for read access'}`, false);
  }
  return new ClusterError(`the API server ${server} answered ${error.code} to GET ${path}${message ? `: ${message}` : ''}`, error.code >= 500);
}

/** The `message` of a Kubernetes Status body, which client-node hands over as text, bytes or parsed. */
function statusMessage(body: unknown): string | undefined {
  let status = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      status = JSON.parse(body.toString()) as unknown;
    } catch {
      // Not JSON: kept as text, which has no message.
    }
  }
  const message = (status as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

function firstLine(error: unknown): string {
  return (isError(error) ? error.message : String(error)).split('\n')[0];
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
