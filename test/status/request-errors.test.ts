import { ApiException } from '@kubernetes/client-node';
import { requestError, type FailedRequest } from '../../src/status/request-errors';

const REQUEST: FailedRequest = { server: 'https://127.0.0.1:6443', context: 'kind-dev', path: '/apis/kro.run/v1alpha1/resourcegraphdefinitions', timeoutMs: 1000 };

/** What undici's fetch rejects with when the socket fails: `TypeError: fetch failed`, the socket's error as its cause. */
function fetchFailed(cause?: unknown): TypeError {
  return new TypeError('fetch failed', cause === undefined ? undefined : { cause });
}

function socketError(code: string, message = `connect ${code} 127.0.0.1:6443`): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** The sentence and whether waiting may cure it, for `error` thrown by a request of REQUEST (or `request`). */
function outcome(error: unknown, request: FailedRequest = REQUEST): { message: string; retryable: boolean } {
  const { message, retryable } = requestError(error, request);
  return { message, retryable };
}

describe('a failed request of status, logs, dashboard and kubeconfig', () => {
  it('is a timeout when it was aborted, in whole seconds or in milliseconds', () => {
    expect(outcome(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toEqual({ message: 'the API server https://127.0.0.1:6443 did not answer within 1s', retryable: true });
    expect(outcome(new DOMException('This operation was aborted', 'AbortError'), { ...REQUEST, timeoutMs: 1500 })).toEqual({ message: 'the API server https://127.0.0.1:6443 did not answer within 1500ms', retryable: true });
  });

  it.each([
    ['ECONNREFUSED', 'the connection was refused (is the cluster running?)'],
    ['ECONNRESET', 'the connection was reset'],
    ['EHOSTUNREACH', 'the host is unreachable'],
    ['ENETUNREACH', 'the network is unreachable'],
    ['ENOTFOUND', 'its host name does not resolve'],
    ['EAI_AGAIN', 'its host name does not resolve right now'],
  ])('names the network failure %s, worth waiting for', (code, reason) => {
    expect(outcome(fetchFailed(socketError(code)))).toEqual({ message: `cannot reach the API server https://127.0.0.1:6443 of context "kind-dev": ${reason}`, retryable: true });
  });

  it('takes the first attempt of several addresses, and the socket\'s own words for a failure it has no sentence for', () => {
    expect(outcome(fetchFailed(new AggregateError([socketError('ECONNREFUSED'), socketError('EHOSTUNREACH')])))).toEqual({
      message: 'cannot reach the API server https://127.0.0.1:6443 of context "kind-dev": the connection was refused (is the cluster running?)',
      retryable: true,
    });
    expect(outcome(fetchFailed(socketError('EPIPE', 'write EPIPE')))).toEqual({ message: 'cannot reach the API server https://127.0.0.1:6443 of context "kind-dev": write EPIPE', retryable: true });
    expect(outcome(fetchFailed())).toEqual({ message: 'cannot reach the API server https://127.0.0.1:6443 of context "kind-dev": fetch failed', retryable: true });
    // No attempt at all: nothing better to say than undici.
    expect(outcome(fetchFailed(new AggregateError([])))).toEqual({ message: 'cannot reach the API server https://127.0.0.1:6443 of context "kind-dev": fetch failed', retryable: true });
  });

  it('is no use waiting for when TLS fails: an unknown CA or a certificate for another host', () => {
    expect(outcome(fetchFailed(socketError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate')))).toEqual({
      message: 'cannot reach the API server https://127.0.0.1:6443 of context "kind-dev": unable to verify the first certificate',
      retryable: false,
    });
    expect(outcome(fetchFailed(socketError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"))).retryable).toBe(false);
    expect(outcome(fetchFailed(new Error('self-signed certificate in certificate chain'))).retryable).toBe(false);
    // Node's error code is what is stable; its message may not say TLS.
    expect(outcome(fetchFailed(socketError('ERR_TLS_CERT_ALTNAME_INVALID', 'Hostname/IP does not match')))).toEqual({
      message: 'cannot reach the API server https://127.0.0.1:6443 of context "kind-dev": Hostname/IP does not match',
      retryable: false,
    });
  });

  it('says what the API server answered: credentials refused, access denied with its reason, other codes with theirs', () => {
    expect(outcome(new ApiException(401, 'Unauthorized', '', {}))).toEqual({
      message: 'the API server https://127.0.0.1:6443 rejected the credentials of context "kind-dev" (401 Unauthorized): they are missing, invalid or expired',
      retryable: false,
    });
    const forbidden = JSON.stringify({ kind: 'Status', message: 'resourcegraphdefinitions.kro.run is forbidden: User "dev" cannot list' });
    expect(outcome(new ApiException(403, 'Forbidden', forbidden, {}))).toEqual({
      message: 'the API server https://127.0.0.1:6443 does not allow context "kind-dev" to read /apis/kro.run/v1alpha1/resourcegraphdefinitions (403 Forbidden): resourcegraphdefinitions.kro.run is forbidden: User "dev" cannot list',
      retryable: false,
    });
    expect(outcome(new ApiException(403, 'Forbidden', { message: '' }, {})).message).toMatch(/\(403 Forbidden\): ask for read access$/);
    expect(outcome(new ApiException(503, 'Service Unavailable', Buffer.from('{"message":"etcdserver: leader changed"}'), {}))).toEqual({
      message: 'the API server https://127.0.0.1:6443 answered 503 to GET /apis/kro.run/v1alpha1/resourcegraphdefinitions: etcdserver: leader changed',
      retryable: true,
    });
    expect(outcome(new ApiException(500, 'Internal Server Error', 'not json', {}))).toEqual({ message: 'the API server https://127.0.0.1:6443 answered 500 to GET /apis/kro.run/v1alpha1/resourcegraphdefinitions', retryable: true });
    expect(outcome(new ApiException(404, 'Not Found', undefined, {}))).toEqual({ message: 'the API server https://127.0.0.1:6443 answered 404 to GET /apis/kro.run/v1alpha1/resourcegraphdefinitions', retryable: false });
  });

  it('says an answer that is not JSON is not JSON', () => {
    for (const error of [new SyntaxError('Unexpected token < in JSON at position 0'), new Error('The mediaType text/html is not supported by ObjectSerializer')]) {
      expect(outcome(error)).toEqual({ message: 'the API server https://127.0.0.1:6443 answered GET /apis/kro.run/v1alpha1/resourcegraphdefinitions with something that is not JSON', retryable: false });
    }
  });

  it('names what failed before the request was sent (a credential plugin, a proxy) by its first line', () => {
    expect(outcome(new Error('exec plugin: invalid apiVersion\n  at line 2'))).toEqual({
      message: 'cannot send GET /apis/kro.run/v1alpha1/resourcegraphdefinitions to the API server https://127.0.0.1:6443 as context "kind-dev": exec plugin: invalid apiVersion',
      retryable: false,
    });
    expect(outcome('a thrown string').message).toMatch(/as context "kind-dev": a thrown string$/);
    expect(outcome(null).message).toMatch(/as context "kind-dev": null$/);
    expect(outcome(undefined).message).toMatch(/as context "kind-dev": undefined$/);
    expect(outcome(new TypeError('Invalid URL')).message).toMatch(/as context "kind-dev": Invalid URL$/);
  });
});
