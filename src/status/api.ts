/**
 * The only code that talks to the API server: GET requests with a hard time limit, and every
 * failure turned into one sentence that names the server.
 */
import * as http from 'http';
import * as https from 'https';
import { ClusterEndpoint } from './kubeconfig';
import { ClusterError } from './errors';

/** A read-only view of one API server. */
export interface ApiClient {
  readonly server: string;
  readonly context: string;
  /** The decoded JSON body of `GET path`; undefined when the server answers 404. */
  get(path: string): Promise<unknown>;
}

/** Creates a client that gives up on any request after `timeoutMs`. */
export function createApiClient(endpoint: ClusterEndpoint, timeoutMs: number): ApiClient {
  return {
    server: endpoint.server,
    context: endpoint.context,
    get: (path) => getJson(endpoint, path, timeoutMs),
  };
}

function getJson(endpoint: ClusterEndpoint, path: string, timeoutMs: number): Promise<unknown> {
  const url = new URL(endpoint.server + path);
  const transport = url.protocol === 'http:' ? http : https;
  const options: https.RequestOptions = {
    method: 'GET',
    headers: { accept: 'application/json', ...(endpoint.token ? { authorization: `Bearer ${endpoint.token}` } : {}) },
    ca: endpoint.ca,
    cert: endpoint.cert,
    key: endpoint.key,
    rejectUnauthorized: !endpoint.insecure,
    // A fresh connection per request: keep-alive sockets would hold the process open after it is done.
    agent: false,
  };
  return new Promise((resolve, reject) => {
    const request = transport.request(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => reject(networkError(endpoint, error)));
      response.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          resolve(interpret(endpoint, path, response.statusCode ?? 0, body));
        } catch (error) {
          reject(error);
        }
      });
    });
    // Bounds the whole exchange, including a server that accepts the connection and never answers.
    const timer = setTimeout(() => request.destroy(new RequestTimeout()), timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error instanceof RequestTimeout ? new ClusterError(`the API server ${endpoint.server} did not answer within ${formatSeconds(timeoutMs)}`, true) : networkError(endpoint, error));
    });
    request.end();
  });
}

class RequestTimeout extends Error {}

function interpret(endpoint: ClusterEndpoint, path: string, status: number, body: string): unknown {
  if (status === 404) return undefined;
  if (status === 401) {
    throw new ClusterError(`the API server ${endpoint.server} rejected the credentials of context "${endpoint.context}" (401 Unauthorized): they are missing, invalid or expired`, false);
  }
  if (status === 403) {
    throw new ClusterError(`the API server ${endpoint.server} does not allow context "${endpoint.context}" to read ${path} (403 Forbidden): ${statusMessage(body) ?? 'ask for read access'}`, false);
  }
  if (status < 200 || status >= 300) {
    throw new ClusterError(`the API server ${endpoint.server} answered ${status} to GET ${path}${suffix(statusMessage(body))}`, status >= 500);
  }
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new ClusterError(`the API server ${endpoint.server} answered GET ${path} with something that is not JSON`, false);
  }
}

/** The `message` of a Kubernetes Status body, if the body is one. */
function statusMessage(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' && message !== '' ? message : undefined;
  } catch {
    return undefined;
  }
}

function networkError(endpoint: ClusterEndpoint, error: Error & { code?: string }): ClusterError {
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused (is the cluster running?)',
    ECONNRESET: 'the connection was reset',
    EHOSTUNREACH: 'the host is unreachable',
    ENETUNREACH: 'the network is unreachable',
    ENOTFOUND: 'its host name does not resolve',
    EAI_AGAIN: 'its host name does not resolve right now',
  };
  const reason = (error.code && reasons[error.code]) ?? error.message;
  // TLS failures (unknown CA, wrong host) do not cure themselves; everything else may be a cluster still starting.
  const retryable = !/certificate|self.signed|SSL|TLS/i.test(`${error.code ?? ''} ${error.message}`);
  return new ClusterError(`cannot reach the API server ${endpoint.server} of context "${endpoint.context}": ${reason}`, retryable);
}

function suffix(message: string | undefined): string {
  return message ? `: ${message}` : '';
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
